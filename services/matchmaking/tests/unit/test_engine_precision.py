"""The engine's precision@10 on the labelled synthetic set, beside the keyword-only and random baselines."""

from matchmaking.engine_evaluation.labelled_set import MIN_RELEVANT, generate
from matchmaking.engine_evaluation.precision import (
    build_index,
    engine_ranker,
    keyword_ranker,
    precision_at_k,
    random_ranker,
)


def test_the_generator_is_reproducible_and_every_need_has_enough_true_matches() -> None:
    first, again = generate(2000, 50, seed=5), generate(2000, 50, seed=5)
    assert first.needs == again.needs
    assert [o.text for o in first.offerings] == [o.text for o in again.offerings]
    assert all(len(first.relevant[n.need_id]) >= MIN_RELEVANT for n in first.needs)
    texts = " ".join(o.text for o in first.offerings)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in texts)
    assert "wafer" in texts.lower()


def test_precision_at_10_beats_keyword_and_random_baselines() -> None:
    data = generate(5000, 150, seed=7)
    engine = precision_at_k(data, engine_ranker(build_index(data)))
    keyword = precision_at_k(data, keyword_ranker(data))
    chance = precision_at_k(data, random_ranker(data))
    print(f"precision@10 engine {engine:.3f} keyword {keyword:.3f} random {chance:.3f}")
    assert engine >= 0.8
    assert engine > keyword + 0.3
    assert keyword > chance
