"""The service figures written once: tickets computes them, kpi scores them with the same functions.

- **Satisfaction** = ratings of 4 or 5 ÷ ratings given in the period. Every rating counts: a ticket
  reopened and resolved again is rated again, and both ratings are in (each in the period it was given).
- **SLA compliance** = resolved tickets meeting both targets (response and resolution) ÷ tickets
  resolved in the period.

Both are None when nothing was counted (no rating, no resolution): no figure, not 0 and not 100%."""

from collections.abc import Iterable

SATISFIED_FROM = 4
"""A rating (1-5) of 4 or 5 counts as satisfied."""


def is_satisfied(score: int) -> bool:
    return score >= SATISFIED_FROM


def satisfied_of(scores: Iterable[int]) -> tuple[int, int]:
    """(ratings of 4 or 5, ratings given): the counts of the rule, for a service that keeps its own
    number type (kpi's figures are Decimal)."""
    given = list(scores)
    return sum(1 for score in given if is_satisfied(score)), len(given)


def satisfaction(scores: Iterable[int]) -> float | None:
    """Share of the ratings given (each 1-5) that are 4 or 5; None for no rating."""
    satisfied, given = satisfied_of(scores)
    return satisfied / given if given else None


def sla_compliance(resolved: int, met_both: int) -> float | None:
    """Share of the resolved tickets that met both their response and resolution targets; None for none."""
    if not 0 <= met_both <= resolved:
        raise ValueError(f"met both targets: {met_both} of {resolved} resolved is impossible")
    return met_both / resolved if resolved else None
