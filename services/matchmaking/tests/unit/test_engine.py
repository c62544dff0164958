import random
from dataclasses import replace
from datetime import date

from matchmaking.domain.matcher import EXACT_UP_TO
from matchmaking.domain.meeting_plan import best_per_pair, open_needs, plan_meeting, ranked_for
from matchmaking.domain.profiles import Kind, Offering
from matchmaking.domain.scoring import Pair, Weights, total
from matchmaking.engine_evaluation.labelled_set import generate
from matchmaking.engine_evaluation.precision import build_index

from services.matchmaking.tests.unit.support import firm, index_of, need, offer

VACCINE_MAKER = firm("vax", "bio.drug_manufacturing")


def test_the_supplier_on_the_chain_beats_the_same_words_off_the_chain() -> None:
    firms = [VACCINE_MAKER, firm("glass", "bio.packaging"), firm("chips", "ic.packaging_testing")]
    offerings = [
        offer("o-glass", "glass", "中硼硅玻璃瓶 疫苗西林瓶包装", "bio.packaging"),
        offer("o-chips", "chips", "芯片封装 包装", "ic.packaging_testing"),
    ]
    ranked = index_of(firms, offerings).top(need("vax", "采购疫苗瓶包装"), 10)
    assert [s.offering.offering_id for s in ranked] == ["o-glass", "o-chips"]
    best = ranked[0]
    parts = {c.name: c for c in best.components}
    assert set(parts) == {"chain", "text", "certifications", "capacity", "proximity", "anchor"}
    assert "directly supplies" in parts["chain"].reason
    assert "疫苗" in parts["text"].reason
    assert abs(sum(c.contribution for c in best.components) - best.score) < 1e-3


def test_every_component_moves_the_score_the_right_way() -> None:
    buyer = VACCINE_MAKER
    base = offer("o", "s", "疫苗西林瓶", "bio.packaging", capacity=500, certs="GMP")
    supplier = firm("s", "bio.packaging")
    n = need("vax", "疫苗西林瓶", volume=400, certs="GMP")
    w = Weights()

    def score(o: Offering = base, s: object = supplier, declined: bool = False, nd: object = n) -> float:
        return total(Pair(nd, buyer, o, s), w, 1.0, 0.8, declined)  # type: ignore[arg-type]

    assert score(o=replace(base, certifications=frozenset())) < score()
    assert score(o=replace(base, capacity=100)) < score()
    assert score(s=replace(supplier, park_id="p2")) < score()
    assert score(s=replace(supplier, anchor=True)) > score()
    assert score(declined=True) == round(score() - w.declined_penalty, 4)
    assert score(nd=replace(n, required_certifications=frozenset())) == score()


def test_declined_pairs_are_penalised_and_others_excluded() -> None:
    firms = [VACCINE_MAKER, firm("a", "bio.packaging"), firm("b", "bio.packaging", park="p2")]
    offerings = [
        offer("o-a", "a", "疫苗西林瓶", "bio.packaging"),
        offer("o-b", "b", "疫苗西林瓶", "bio.packaging"),
        offer("o-own", "vax", "疫苗西林瓶", "bio.packaging"),
    ]
    index = index_of(firms, offerings)
    wanted = need("vax", "疫苗西林瓶", "bio.packaging")
    assert [s.offering.offering_id for s in index.top(wanted)] == ["o-a", "o-b"], "never its own offering"
    index.record_decline("a", "vax")
    ranked = index.top(wanted)
    assert [s.offering.offering_id for s in ranked] == ["o-b", "o-a"]
    assert ranked[1].components[-1].name == "declined_before"
    index.put_enterprise(replace(firms[2], active=False))
    assert [s.offering.offering_id for s in index.top(wanted)] == ["o-a"], "a retired firm is not matched"
    park_only = index_of(firms, offerings, group_wide=False)
    assert [s.offering.offering_id for s in park_only.top(wanted)] == ["o-a"]


def test_kinds_are_matched_only_with_their_own_kind() -> None:
    firms = [firm("startup", "sw.ai_data"), firm("fund", None), firm("vendor", "sw.cloud")]
    offerings = [
        replace(offer("o-fund", "fund", "天使轮 A轮 投资 人工智能 大数据", None), kind=Kind.FINANCING),
        offer("o-cloud", "vendor", "人工智能 大数据 云主机", "sw.cloud"),
    ]
    index = index_of(firms, offerings)
    funding = need("startup", "人工智能大数据 A轮融资", kind=Kind.FINANCING)
    assert [s.offering.offering_id for s in index.top(funding)] == ["o-fund"]
    assert [s.offering.offering_id for s in index.top(need("startup", "云主机"))] == ["o-cloud"]


def test_the_index_agrees_with_scoring_every_offering() -> None:
    data = generate(3000, 40, seed=11)
    index = build_index(data)
    assert len(index) > EXACT_UP_TO, "the inverted-index path, not the exact one"
    overlap = 0.0
    for wanted in data.needs:
        fast = [s.offering.offering_id for s in index.top(wanted, 10)]
        exact = [s.offering.offering_id for s in index.score_all(wanted)[:10]]
        overlap += len(set(fast) & set(exact)) / 10
    assert overlap / len(data.needs) >= 0.9


def test_small_corpora_are_ranked_exactly() -> None:
    rng = random.Random(3)
    words = ["晶圆", "代工", "光刻胶", "封装", "测试", "wafer", "foundry", "resist", "硅片", "设备"]
    segments = ["ic.wafer_fab", "ic.materials", "ic.packaging_testing", "ic.equipment", None]
    firms = [firm(f"f{i}", rng.choice(segments), park=rng.choice(["p1", "p2"])) for i in range(40)]
    offerings = [
        offer(
            f"o{i}", f"f{i % 40}", " ".join(rng.sample(words, 3)), rng.choice(segments), rng.randint(0, 900)
        )
        for i in range(120)
    ]
    index = index_of([*firms, firm("buyer", "ic.packaging_testing")], offerings)
    wanted = need("buyer", "采购晶圆代工", "ic.wafer_fab", volume=300)
    assert [s.score for s in index.top(wanted, 10)] == [s.score for s in index.score_all(wanted)[:10]]


def test_a_meeting_plan_keeps_each_pair_once_with_its_best_proposal() -> None:
    firms = [VACCINE_MAKER, firm("glass", "bio.packaging"), firm("lab", "bio.testing_lab")]
    offerings = [
        offer("o-vial", "glass", "疫苗西林瓶", "bio.packaging"),
        offer("o-syringe", "glass", "预灌封注射器", "bio.packaging"),
        offer("o-test", "lab", "无菌检查 微生物检测", "bio.testing_lab"),
    ]
    index = index_of(firms, offerings)
    needs = [
        need("vax", "疫苗西林瓶", "bio.packaging"),
        replace(need("vax", "预灌封注射器", "bio.packaging"), need_id="n-2"),
        replace(need("vax", "无菌检查", "bio.testing_lab"), need_id="n-3"),
    ]
    plan = plan_meeting(index, needs, k=2)
    pairs = [(s.need.enterprise_id, s.supplier.enterprise_id) for s in plan]
    assert sorted(pairs) == [("vax", "glass"), ("vax", "lab")]
    assert all(s.score > 0 for s in plan)
    sliced = [s for part in (needs[:1], needs[1:]) for s in ranked_for(index, part, 2)]
    assert best_per_pair(sliced) == plan  # ranked a slice at a time (the service): the same plan


def test_needs_past_their_deadline_stay_out_of_a_meeting() -> None:
    on = date(2026, 11, 30)
    late = replace(need("a", "x"), deadline=date(2026, 11, 29))
    due = replace(need("b", "x"), deadline=on)
    assert open_needs([late, due, need("c", "x")], on) == [due, need("c", "x")]
