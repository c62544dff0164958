"""The comparison of the reconciliation (pure): a figure that disagrees is flagged, one within the
tolerance is not, a figure a service does not show is reported, and "no figure" agrees only with itself."""

from decimal import Decimal

from scripts.reconciliation.compare import Figure, Kind, NotCompared, Reported, compare, reconcile, render
from scripts.reconciliation.periods import BadPeriod, parse

D = Decimal


def figure(kind: Kind, owner: str | None, *others: str | None) -> Figure:
    def value(v: str | None) -> Decimal | None:
        return None if v is None else D(v)

    consumers = tuple(Reported(f"consumer{i}", value(v)) for i, v in enumerate(others))
    return Figure("service-revenue share", kind, Reported("finance", value(owner)), consumers)


def test_a_consumer_that_disagrees_is_flagged_with_both_values_and_the_gap() -> None:
    row = compare(figure(Kind.RATIO, "0.9607", "0.9607", "0.1303"))
    assert row.differences == ("consumer1: 0.1303 vs finance: 0.9607 (by -0.8304)",)


def test_figures_within_the_tolerance_agree_and_one_unit_of_the_last_place_does_not() -> None:
    assert compare(figure(Kind.MONEY, "8000.00", "8000.004", "7999.995")).agrees
    assert not compare(figure(Kind.MONEY, "8000.00", "8000.01")).agrees  # a cent
    assert compare(figure(Kind.RATIO, "0.3700", "0.37004")).agrees
    assert not compare(figure(Kind.RATIO, "0.3700", "0.3701")).agrees  # rounded differently: flagged
    assert not compare(figure(Kind.COUNT, "2", "3")).agrees


def test_no_figure_agrees_only_with_no_figure() -> None:
    assert compare(figure(Kind.RATIO, None, None)).agrees  # nothing to divide by, in both
    assert not compare(figure(Kind.RATIO, None, "0")).agrees
    assert not compare(figure(Kind.RATIO, "0", None)).agrees


def test_a_figure_a_service_does_not_show_is_reported_missing() -> None:
    missing = Figure("satisfaction", Kind.RATIO, Reported("tickets", D("0.5")), (Reported.missing("kpi"),))
    assert compare(missing).differences == ("kpi does not show it",)
    owner_missing = Figure("satisfaction", Kind.RATIO, Reported.missing("tickets"), (Reported("kpi", None),))
    assert compare(owner_missing).differences == ("tickets does not show it",)
    alone = Figure("satisfaction", Kind.RATIO, Reported("tickets", D("0.5")), ())
    assert not compare(alone).agrees


def test_the_report_counts_differences_and_states_the_tolerance_and_what_was_not_compared() -> None:
    report = reconcile(
        [figure(Kind.MONEY, "1.00", "1.00"), figure(Kind.MONEY, "1.00", "2.00")],
        [NotCompared("rent revenue", "not the same figure")],
    )
    assert len(report.differences) == 1
    text = render(report, "reconciliation of park p, period 2027")
    assert "tolerance: money and areas agree to the cent" in text
    assert "n/a  rent revenue: not the same figure" in text
    assert text.endswith("1 difference in 2 figures compared")
    assert "DIFF service-revenue share" in text


def test_periods_are_named_as_kpi_names_them_and_a_quarter_is_three_finance_months() -> None:
    quarter = parse("2027-Q1")
    assert (quarter.start.isoformat(), quarter.end.isoformat()) == ("2027-01-01", "2027-03-31")
    assert quarter.finance_labels == ("2027-01", "2027-02", "2027-03")
    assert parse("2027-02").end.isoformat() == "2027-02-28"
    assert parse("2028").finance_labels == ("2028",)
    for bad in ("2027-13", "2027-Q5", "27", "2027-02-01"):
        try:
            parse(bad)
        except BadPeriod:
            continue
        raise AssertionError(f"{bad} was accepted")
