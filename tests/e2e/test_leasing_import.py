"""The park importer (`python -m leasing.importer`, issue 16 "Effective dates and import") run as a park
office runs it, in a process of its own, against leasing served over HTTP on the real store and broker:
an .xlsx workbook of units, tenants and leases (one lease started years ago, one terminated) becomes the
park that leasing's GETs show, with its occupancy on past dates; Kafka holds each event once; a second
run writes and publishes nothing; a workbook with bad rows names each one and writes nothing.

leasing's clock is the tests' `TODAY` (1 Dec 2026); every figure is counted by hand."""

# ruff: noqa: RUF001  (Chinese text: full-width parentheses are meant)

import asyncio
import json
import sys
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from leasing.domain.credit_code import check_character
from leasing.main import create_app as create_leasing
from leasing.settings import LeasingSettings
from parkops_contracts.events.leasing import (
    LeaseSigned,
    LeaseTerminated,
    TenantOnboarded,
    UnitListed,
    UnitOccupied,
)
from parkops_runtime.auth import Role

from tests.e2e.conftest import TODAY
from tests.support.infra import Infra
from tests.support.kafka import read_all
from tests.support.parks import POLICY, park_body
from tests.support.served import served
from tests.support.services import bearer, isolated_settings, run_id
from tests.support.workbooks import xlsx

PARK, BAD_PARK = "import-park", "import-bad-park"
EVENTS = (UnitListed, TenantOnboarded, LeaseSigned, LeaseTerminated, UnitOccupied)


def code(n: int) -> str:
    first = f"91320500MA{n:07d}"
    return first + check_character(first)


UNITS = [
    ["building", "floor", "unit_number", "unit_type", "area_m2", "listed_on"],
    ["A栋", 1, 101, "office", 100, "2023-01-01"],
    ["A栋", 1, 102, "office", 50, "2023-01-01"],
    ["B栋", 2, "201", "rnd_building", 200, "2024/6/1"],
    ["B栋", 2, "202", "rnd_building", 150.5, "2024/6/1"],
]
TENANTS = [
    ["name", "credit_code", "industry_code", "high_tech", "founded_on", "headcount", "units", "onboarded_on"],
    ["苏州智造科技有限公司", code(1), "C3973", "是", "2019-05-01", 35, "A栋/101", "2024-01-01"],
    [
        "星海生物医药（苏州）有限公司",
        code(2),
        "M7340",
        "否",
        "2018/3/15",
        12,
        "A栋/102; B栋/201",
        "2025-03-01",
    ],
    ["云帆软件有限公司", code(3), "I6513", "", "2023-09-09", 8, "B栋/202", "2026年6月1日"],
]
LEASES = [
    ["lease_ref", "tenant", "units", "starts_on", "term_months", "terminated_on", "termination_reason"],
    [
        "HT-2024-001",
        code(1),
        "A栋/101",
        "2024-01-01",
        36,
        None,
        None,
    ],  # started years ago, runs to 2026-12-31
    ["HT-2025-007", code(2), "A栋/102; B栋/201", "2025-03-01", 24, "2026-02-28", "relocation"],
    ["HT-2026-003", code(3), "B栋/202", "2026-06-01", 12, None, None],
]


class Leasing:
    def __init__(self, run: str, url: str, group: str, bootstrap: str) -> None:
        self.run, self.url, self.group, self.bootstrap = run, url, group, bootstrap
        self.admin = bearer(Role.GROUP_ADMIN, group)
        self.http = httpx.AsyncClient(base_url=url, headers=self.admin, timeout=30)

    async def importer(self, park: str, path: Path) -> tuple[int, str]:
        """`python -m leasing.importer` in a process of its own; its exit code and output."""
        token = self.admin["Authorization"].removeprefix("Bearer ")
        argv = ["-m", "leasing.importer", "--park", park, "--url", self.url, "--token", token, str(path)]
        proc = await asyncio.create_subprocess_exec(
            sys.executable, *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
        )
        out, _ = await proc.communicate()
        assert proc.returncode is not None
        return proc.returncode, out.decode()

    async def get(self, path: str) -> Any:
        r = await self.http.get(path)
        assert r.status_code == 200, r.text
        return r.json()

    async def events(self, park: str, at_least: int) -> Counter[str]:
        """How many of each leasing event of `park` Kafka holds."""
        found: Counter[str] = Counter()
        for event in EVENTS:
            records = await read_all(self.bootstrap, event.topic(f"t{self.run}"))
            found[event.__name__] = sum(1 for r in records if json.loads(r.value)["park_id"] == park)
        assert sum(found.values()) >= at_least, found
        return found


@pytest.fixture(scope="module")
def leasing(infra: Infra) -> Iterator[Leasing]:
    """leasing served over real HTTP (its clock at `TODAY`), two parks registered with a pricing policy."""
    run = run_id()
    app = create_leasing(isolated_settings(LeasingSettings, infra, run), clock=lambda: TODAY)
    with served({"leasing": app}) as urls:
        group = f"group-{run}"
        admin = bearer(Role.GROUP_ADMIN, group)
        with httpx.Client(base_url=urls["leasing"], headers=admin, timeout=30) as http:
            for park in (PARK, BAD_PARK):
                r = http.post("/parks", json=park_body(park, park_type="specialized_industrial_park"))
                assert r.status_code == 201, r.text
                assert http.put(f"/parks/{park}/pricing-policy", json=POLICY).status_code == 200
        yield Leasing(run, urls["leasing"], group, infra.kafka_bootstrap_servers)


EXPECTED = Counter(
    UnitListed=4,
    TenantOnboarded=3,
    LeaseSigned=3,
    LeaseTerminated=1,
    UnitOccupied=6,  # one per unit on signing (1 + 2 + 1), the terminated lease's two again to its date
)


async def test_a_park_is_imported_from_a_workbook_once_and_a_second_run_changes_nothing(
    leasing: Leasing, tmp_path: Path
) -> None:
    path = xlsx(tmp_path / "园区台账.xlsx", {"units": UNITS, "tenants": TENANTS, "leases": LEASES})
    code_, out = await leasing.importer(PARK, path)
    assert code_ == 0, out
    assert "10/10 leases row 4 HT-2026-003: imported" in out
    assert out.strip().endswith("imported 10, already present 0, refused 0")

    units = await leasing.get(f"/parks/{PARK}/units")
    by_name = {f"{u['building']}/{u['unit_number']}": u for u in units}
    assert {k: (u["floor"], u["unit_type"], Decimal(u["area_m2"])) for k, u in by_name.items()} == {
        "A栋/101": (1, "office", Decimal(100)),
        "A栋/102": (1, "office", Decimal(50)),
        "B栋/201": (2, "rnd_building", Decimal(200)),
        "B栋/202": (2, "rnd_building", Decimal("150.5")),
    }
    tenants = {t["credit_code"]: t for t in await leasing.get(f"/parks/{PARK}/tenants")}
    assert {c: (t["name"], t["onboarded_on"], t["high_tech"]) for c, t in tenants.items()} == {
        code(1): ("苏州智造科技有限公司", "2024-01-01", True),
        code(2): ("星海生物医药（苏州）有限公司", "2025-03-01", False),
        code(3): ("云帆软件有限公司", "2026-06-01", False),
    }
    leases = sorted(await leasing.get(f"/parks/{PARK}/leases"), key=lambda x: x["starts_on"])
    names = {u["unit_id"]: k for k, u in by_name.items()}
    assert [
        (x["tenant_id"], sorted(names[u] for u in x["unit_ids"]), x["starts_on"], x["ends_on"], x["status"])
        for x in leases
    ] == [
        (tenants[code(1)]["tenant_id"], ["A栋/101"], "2024-01-01", "2026-12-31", "active"),
        (tenants[code(2)]["tenant_id"], ["A栋/102", "B栋/201"], "2025-03-01", "2027-02-28", "terminated"),
        (tenants[code(3)]["tenant_id"], ["B栋/202"], "2026-06-01", "2027-05-31", "active"),
    ]
    assert (leases[1]["terminated_on"], leases[1]["termination_reason"]) == ("2026-02-28", "relocation")

    # occupancy on past dates, from the imported leases: 3 of 4 units (350 of 500.5 m²) in mid-2025;
    # after the termination and the third lease, 2 units (250.5 m²) in July 2026
    past = await leasing.get(f"/parks/{PARK}/occupancy?on=2025-06-01")
    assert (past["units_occupied"], Decimal(past["area_occupied_m2"])) == (3, Decimal("350"))
    assert (past["units_total"], Decimal(past["area_total_m2"])) == (4, Decimal("500.5"))  # listed by then
    later = await leasing.get(f"/parks/{PARK}/occupancy?on=2026-07-01")
    assert (later["units_occupied"], Decimal(later["area_occupied_m2"])) == (2, Decimal("250.5"))
    on_day = {
        names[u["unit_id"]]: u["tenant_id"] for u in await leasing.get(f"/parks/{PARK}/units?on=2025-06-01")
    }
    assert on_day["B栋/202"] is None
    assert on_day["B栋/201"] == tenants[code(2)]["tenant_id"]

    assert await leasing.events(PARK, at_least=sum(EXPECTED.values())) == EXPECTED

    code_, out = await leasing.importer(PARK, path)
    assert code_ == 0, out
    assert out.strip().endswith("imported 0, already present 10, refused 0")
    assert await leasing.events(PARK, at_least=sum(EXPECTED.values())) == EXPECTED
    assert len(await leasing.get(f"/parks/{PARK}/leases")) == 3


async def test_a_lease_row_changed_since_its_import_is_refused_by_leasing_on_its_key(
    leasing: Leasing, tmp_path: Path
) -> None:
    """HT-2026-003 moved to start after its old term: no lease of the park is it, nothing overlaps, so the
    row passes validation; its key was used for the first start, so leasing answers 409."""
    moved = [*LEASES[:3], ["HT-2026-003", code(3), "B栋/202", "2027-06-01", 12, None, None]]
    path = xlsx(tmp_path / "changed.xlsx", {"units": UNITS, "tenants": TENANTS, "leases": moved})
    code_, out = await leasing.importer(PARK, path)
    assert code_ == 2, out
    assert "10/10 leases row 4 HT-2026-003: refused: leasing answered 409" in out
    key = "import:import-park:leases:HT-2026-003"
    assert f"leases row 4, -: leasing answered 409: idempotency key {key} was used for another request" in out
    assert out.strip().endswith("imported 0, already present 9, refused 1")
    assert await leasing.events(PARK, at_least=sum(EXPECTED.values())) == EXPECTED
    assert len(await leasing.get(f"/parks/{PARK}/leases")) == 3


async def test_a_workbook_with_bad_rows_names_each_and_writes_nothing(
    leasing: Leasing, tmp_path: Path
) -> None:
    units = [*UNITS, ["C栋", 1, "101", "warehouse", 0, None]]
    tenants = [*TENANTS, ["重复企业", code(1), "C39", "", "2020-01-01", 3, "C栋/999", "2024-01-01"]]
    leases = [*LEASES, ["HT-2026-009", code(3), "A栋/101", "2026-12-01", 12, None, None]]
    path = xlsx(tmp_path / "bad.xlsx", {"units": units, "tenants": tenants, "leases": leases})
    code_, out = await leasing.importer(BAD_PARK, path)
    assert code_ == 2, out
    for line in [
        "units row 6, unit_type: Input should be",
        "units row 6, area_m2: Input should be greater than 0",
        "tenants row 5, units: unit C栋/999 is neither in the units sheet nor in the park",
        "leases row 5, units: unit A栋/101 is also let from 2024-01-01 to 2026-12-31 by leases row 2",
        "refused; nothing imported",
    ]:
        assert line in out, out
    assert f"tenants row 5, credit_code: {code(1)} is already on row 2" in out
    for listed in ("units", "tenants", "leases"):
        assert await leasing.get(f"/parks/{BAD_PARK}/{listed}") == []
    assert sum((await leasing.events(BAD_PARK, at_least=0)).values()) == 0
