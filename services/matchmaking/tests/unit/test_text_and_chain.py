import pytest
from matchmaking.domain.chain import (
    NEIGHBOUR,
    SAME_CHAIN,
    SAME_SEGMENT,
    SUPPLIES_BUYER,
    IndustryChainMap,
    Segment,
)
from matchmaking.domain.default_chain import default_chain_map, segment_for_industry
from matchmaking.domain.text import grams, has_content, keywords
from matchmaking.domain.text_index import TextIndex
from parkops_kernel.errors import Unprocessable


def test_chinese_gives_character_bigrams_and_english_padded_trigrams() -> None:
    assert set(grams("晶圆代工")) == {"晶圆", "圆代", "代工"}
    assert set(grams("芯")) == {"芯"}
    assert set(grams("Wafers")) == {"#wa", "waf", "afe", "fer", "ers", "rs#"}
    assert grams("\uff21\uff22\uff23") == grams("abc"), "full-width letters are normalised"


def test_empty_text_is_text_without_letters() -> None:
    assert not has_content("  \uff0c\u3002!! ")
    assert has_content("芯片")
    assert keywords("12英寸 wafer, foundry") == {"12", "英寸", "wafer", "foundry"}


def test_similarity_works_for_chinese_without_a_segmenter() -> None:
    index = TextIndex()
    fab = index.add("专业提供12英寸晶圆代工服务")
    resist = index.add("KrF光刻胶 photoresist")
    fab_en = index.add("12-inch wafer foundry, fast delivery")
    for i in range(30):
        index.add(f"其他产品{i} other product {i}")
    query = index.query("求购晶圆代工")
    sims = index.similarities(query)
    assert sims[fab] > 0.3
    assert resist not in sims
    assert index.cosine(query, fab) >= sims[fab] - 1e-6
    assert {"晶圆", "代工"} <= set(index.shared_grams(query, fab))
    english = index.query("wafer foundries")
    assert index.cosine(english, fab_en) > 0.3


def test_adjacency_prefers_the_bought_segment_then_suppliers_of_the_buyer() -> None:
    chain = default_chain_map()
    assert chain.adjacency("ic.wafer_fab", None, "ic.wafer_fab").value == SAME_SEGMENT
    supplies = chain.adjacency(None, "ic.wafer_fab", "ic.materials")
    assert supplies.value == SUPPLIES_BUYER
    assert "directly supplies" in supplies.reason
    assert chain.adjacency("ic.wafer_fab", None, "ic.packaging_testing").value == NEIGHBOUR
    assert chain.adjacency("ic.design", None, "ic.packaging_testing").value == SAME_CHAIN
    assert chain.adjacency("ic.design", None, "bio.packaging").value == 0.0
    relevant = chain.relevant_segments("bio.packaging", "bio.drug_manufacturing")
    assert relevant["bio.packaging"] == SAME_SEGMENT
    assert relevant["bio.raw_materials"] == SUPPLIES_BUYER


def test_unknown_segments_are_refused_naming_the_field() -> None:
    chain = default_chain_map()
    with pytest.raises(Unprocessable, match=r"needs\.0\.segment: unknown chain segment 'ic\.nope'"):
        chain.require("ic.nope", "needs.0.segment")
    with pytest.raises(Unprocessable, match=r"edges\.0\.downstream"):
        IndustryChainMap.of([Segment("a.x", "甲", "x")], [("a.x", "a.y")])
    with pytest.raises(Unprocessable, match="cannot supply itself"):
        IndustryChainMap.of([Segment("a.x", "甲", "x")], [("a.x", "a.x")])


def test_industry_codes_seed_segments_longest_prefix_first() -> None:
    assert segment_for_industry("C3973") == "ic.wafer_fab"
    assert segment_for_industry("C3979") == "ic.packaging_testing"
    assert segment_for_industry("C2762") == "bio.drug_manufacturing"
    assert segment_for_industry("I6520") == "ic.design"
    assert segment_for_industry("A01") is None
    chain = default_chain_map()
    assert {s.chain for s in chain.segments.values()} == {"ic", "bio", "mfg", "sw"}
