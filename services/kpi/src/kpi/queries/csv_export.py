"""CSV renderings of a scorecard and of a portfolio."""

import csv
import io
from collections.abc import Iterable, Sequence

from kpi.domain.scoring import Scorecard
from kpi.queries.scorecards import Ranked


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    return out.getvalue()


def scorecard_csv(card: Scorecard) -> str:
    rows: list[Sequence[object]] = [
        (card.park_id, card.period, k.key, k.value, k.target, k.weight, k.score, k.met) for k in card.kpis
    ]
    rows.append((card.park_id, card.period, "overall", None, None, None, card.overall, None))
    return _csv(("park_id", "period", "kpi", "value", "target", "weight", "score", "met"), rows)


def portfolio_csv(ranked: Sequence[Ranked]) -> str:
    def row(r: Ranked) -> Sequence[object]:
        deals = r.card.measures["purchasing_savings"].counts
        card = r.card
        return (
            r.rank,
            card.park_id,
            card.period,
            card.overall,
            " ".join(card.pulling_down()),
            deals["deals"],
            deals["savings"],
        )

    return _csv(
        ("rank", "park_id", "period", "overall_score", "pulling_down", "deals_closed", "purchasing_savings"),
        (row(r) for r in ranked),
    )
