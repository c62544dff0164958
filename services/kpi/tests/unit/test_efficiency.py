from datetime import date
from decimal import Decimal

from kpi.domain.efficiency import low_tax_tenants, vacant_units
from kpi.domain.tenancy import TenancyView

from services.kpi.tests.unit.kpi_facts import lease, metrics, occupied, scenario, tenant, unit
from services.kpi.tests.unit.test_measures import fold


def test_units_vacant_longer_than_the_threshold_are_flagged() -> None:
    ledger = fold([*scenario(), unit("u5", "50", listed=date(2026, 12, 1))])
    flags = vacant_units(TenancyView(ledger), date(2026, 12, 31), 100)
    by_unit = {f.unit_id: f.vacant_days for f in flags}
    # u2 never occupied since 2020; u3 free since l2 ended on 31 Jan; u4 free since 1 Sep (121 days)
    assert by_unit == {"u2": (date(2026, 12, 31) - date(2020, 1, 1)).days, "u3": 333, "u4": 121}
    assert "u5" not in by_unit
    assert "u1" not in by_unit


def test_tenants_paying_little_tax_per_m2_are_flagged() -> None:
    events = [
        *scenario(),
        tenant("t4", ["u2"], "200", date(2026, 1, 1)),
        lease("l4", "t4", ["u2"], "200", date(2026, 1, 1), date(2028, 12, 31)),
        occupied("l4", "u2", "t4", "200", date(2026, 1, 1), date(2028, 12, 31)),
        metrics("t4", 2026, "100000"),
        tenant("t5", ["u3"], "300", date(2026, 1, 1)),  # onboarded into u3, never leased it
        metrics("t5", 2026, "1000"),
    ]
    flags = low_tax_tenants(TenancyView(fold(events)), date(2027, 1, 10), Decimal(2000))
    # 2026 tax over the area its leases occupy on the scan day: t1 150,000 / 100 m², t4 100,000 / 200 m²;
    # t2, t3 left; t5 occupies nothing (onboarding occupies nothing), so it is not judged per m²
    assert [(f.tenant_id, f.tax_per_m2) for f in flags] == [
        ("t1", Decimal("1500.00")),
        ("t4", Decimal("500.00")),
    ]
    assert low_tax_tenants(TenancyView(fold(events)), date(2027, 1, 10), Decimal(1000))[0].tenant_id == "t4"
