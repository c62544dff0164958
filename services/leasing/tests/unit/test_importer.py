"""The park importer (`leasing.importer`): reading CSV and XLSX sheets (Chinese text included), every kind
of refusal named by sheet, row, column and reason, and the writes against a fake leasing that keeps
Idempotency-Keys as leasing does (the real service: tests/e2e/test_leasing_import.py)."""
# ruff: noqa: RUF001, RUF003  (Chinese text: full-width parentheses and semicolons are meant)

import csv
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from leasing.domain.credit_code import check_character
from leasing.importer.__main__ import main
from leasing.importer.client import idempotency_key
from leasing.importer.names import COLUMN_NAMES
from leasing.importer.plan import COLUMNS, OPTIONAL, Holdings, LeaseStep, TenantStep, UnitStep, plan
from leasing.importer.sheets import Refusal, read
from leasing.schemas.leases import LeasePublic, PricingPolicy
from leasing.schemas.space import TenantPublic, UnitPublic

from tests.support.workbooks import xlsx

TODAY = date(2026, 12, 1)
POLICY = PricingPolicy.model_validate({"base_rents": {"office": "60", "rnd_building": "45"}})


def code(n: int) -> str:
    first = f"91320500MA{n:07d}"
    return first + check_character(first)


UNITS = [
    ["building", "floor", "unit_number", "unit_type", "area_m2", "listed_on"],
    ["A栋", 1, 101, "office", 120.5, date(2020, 1, 1)],
    ["A栋", 1, "102", "office", "80", "2020/1/1"],
    ["B栋", 3, "301", "rnd_building", 300, "2020-01-01"],
]
TENANTS = [
    ["name", "credit_code", "industry_code", "high_tech", "founded_on", "headcount", "units", "onboarded_on"],
    ["苏州智造科技有限公司", code(1), "C3973", "是", date(2019, 5, 1), 35, "A栋/101", "2024-01-01"],
    [
        "星海生物医药（苏州）有限公司",
        code(2),
        "M7340",
        "否",
        "2018/3/15",
        12,
        "A栋/102；B栋/301",
        "2025年6月1日",
    ],
]
LEASES = [
    ["lease_ref", "tenant", "units", "starts_on", "term_months", "terminated_on", "termination_reason"],
    ["HT-2024-001", code(1), "A栋/101", "2024-01-01", 36, None, None],
    ["HT-2025-007", code(2), "A栋/102; B栋/301", "2025-06-01", 24, "2026-05-31", "relocation"],
]


def csvs(directory: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    directory.mkdir(exist_ok=True)
    for name, rows in sheets.items():
        with (directory / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows([["" if v is None else v for v in row] for row in rows])
    return directory


def sheets(**changed: list[list[Any]]) -> dict[str, list[list[Any]]]:
    return {"units": UNITS, "tenants": TENANTS, "leases": LEASES} | changed


EMPTY = Holdings(units=[], tenants=[], leases=[], policy=POLICY)


def refusals(path: Path, park: Holdings = EMPTY) -> list[Refusal]:
    return plan(read(path, COLUMNS, OPTIONAL), park, TODAY).refusals


# Reading


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_valid_workbook_plans_units_then_tenants_then_leases_by_start(tmp_path: Path, kind: str) -> None:
    path = xlsx(tmp_path / "park.xlsx", sheets()) if kind == "xlsx" else csvs(tmp_path / "park", sheets())
    checked = plan(read(path, COLUMNS, OPTIONAL), EMPTY, TODAY)
    assert checked.refusals == []
    units = [s for s in checked.steps if isinstance(s, UnitStep)]
    tenants = [s for s in checked.steps if isinstance(s, TenantStep)]
    leases = [s for s in checked.steps if isinstance(s, LeaseStep)]
    assert [s.key for s in units] == ["A栋/101", "A栋/102", "B栋/301"]
    assert units[0].body.area_m2 == Decimal("120.5")
    assert units[0].body.unit_number == "101"
    assert [(s.body.name, s.body.high_tech, s.units) for s in tenants] == [
        ("苏州智造科技有限公司", True, ["A栋/101"]),
        ("星海生物医药（苏州）有限公司", False, ["A栋/102", "B栋/301"]),  # the full-width ；separates too
    ]
    assert [s.body.onboarded_on for s in tenants] == [date(2024, 1, 1), date(2025, 6, 1)]  # 2025年6月1日
    assert tenants[1].body.founded_on == date(2018, 3, 15)  # 2018/3/15
    assert [(s.ref, s.units, s.terminates) for s in leases] == [
        ("HT-2024-001", ["A栋/101"], False),
        ("HT-2025-007", ["A栋/102", "B栋/301"], True),
    ]
    assert checked.steps == [*units, *tenants, *leases]


def test_leases_are_signed_in_order_of_start_whatever_the_order_of_the_rows(tmp_path: Path) -> None:
    """A unit's earlier lease is signed (and terminated) before its next one, which leasing would
    otherwise refuse as overlapping the earlier lease's full term."""
    leases = [
        LEASES[0],
        ["HT-2026-002", code(1), "B栋/301", "2026-06-01", 12, None, None],
        *LEASES[1:],
    ]
    checked = plan(read(xlsx(tmp_path / "p.xlsx", sheets(leases=leases)), COLUMNS, OPTIONAL), EMPTY, TODAY)
    assert checked.refusals == []
    assert [s.ref for s in checked.steps if isinstance(s, LeaseStep)] == [
        "HT-2024-001",
        "HT-2025-007",
        "HT-2026-002",
    ]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_sheets_and_columns_named_in_chinese_read_as_the_english_ones(tmp_path: Path, kind: str) -> None:
    chinese = {v: k for k, v in reversed(COLUMN_NAMES.items())}  # the first Chinese name of each column
    named = {
        zh: [[chinese[h] for h in rows[0]], *rows[1:]]
        for zh, rows in zip(("单元", "租户", "租约"), sheets().values(), strict=True)
    }
    book = xlsx if kind == "xlsx" else csvs
    path, in_english = book(tmp_path / "台账.xlsx", named), book(tmp_path / "park.xlsx", sheets())
    english = plan(read(in_english, COLUMNS, OPTIONAL), EMPTY, TODAY)
    assert plan(read(path, COLUMNS, OPTIONAL), EMPTY, TODAY) == english
    assert english.refusals == []


def test_blank_rows_are_no_rows_and_row_numbers_are_the_sheets(tmp_path: Path) -> None:
    units = [*UNITS[:2], [None, None, None, None, None, None], ["A栋", 1, "", "office", 50, "2020-01-01"]]
    found = refusals(xlsx(tmp_path / "p.xlsx", sheets(units=units, tenants=TENANTS[:2], leases=LEASES[:2])))
    assert found == [Refusal("units", 4, "unit_number", "Field required")]


def test_a_missing_sheet_column_or_unknown_column_is_refused(tmp_path: Path) -> None:
    units = [
        ["building", "floor", "unit_number", "unit_type", "area", "备注"],
        ["A", 1, "1", "office", 5, "x"],
    ]
    path = xlsx(tmp_path / "p.xlsx", {"units": units, "tenants": TENANTS})
    found = refusals(path)
    assert Refusal("leases", None, "-", "sheet missing") in found
    assert Refusal("units", 1, "area_m2", "column missing") in found
    assert Refusal("units", 1, "area", "unknown column") in found
    assert Refusal("units", 1, "备注", "unknown column") in found


@pytest.mark.parametrize("name", ["park.xlsx", "units.csv", "park.xls"])
def test_a_file_that_is_no_workbook_is_refused_not_a_traceback(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("building,floor\nA,1\n")
    [found] = refusals(path)
    assert (found.sheet, found.row, found.field) == (name, None, "-")
    assert found.reason.startswith("cannot be read as an .xlsx workbook: ")


def test_a_csv_that_is_not_utf8_is_refused_naming_the_encoding(tmp_path: Path) -> None:
    directory = csvs(tmp_path / "p", sheets())
    (directory / "tenants.csv").write_bytes("name\n苏州智造\n".encode("gbk"))
    [found] = refusals(directory)
    assert found == Refusal("p", None, "-", "cannot be read: not UTF-8 (save as CSV UTF-8)")


# Each row through leasing's own request models


def test_each_field_out_of_the_apis_bounds_is_refused_by_its_column(tmp_path: Path) -> None:
    units = [*UNITS, ["C栋", 999, "1", "castle", -5, "2027-01-01"]]
    tenants = [*TENANTS, ["", code(3)[:-1] + "0", "C39", "maybe", "2030-01-01", -1, "A栋/101", "2027-01-01"]]
    leases = [*LEASES, ["HT-9", code(1), "A栋/101;A栋/101", "2031-01-01", 0, "2031-02-01", "bored"]]
    found = refusals(xlsx(tmp_path / "p.xlsx", sheets(units=units, tenants=tenants, leases=leases)))
    where = {(r.sheet, r.row, r.field) for r in found}
    assert {("units", 5, "floor"), ("units", 5, "unit_type"), ("units", 5, "area_m2")} <= where
    assert ("units", 5, "listed_on") not in where  # in the API's calendar: after today is checked below
    assert {
        ("tenants", 4, "name"),
        ("tenants", 4, "credit_code"),  # the check character
        ("tenants", 4, "high_tech"),
        ("tenants", 4, "founded_on"),  # in the future
        ("tenants", 4, "headcount"),
    } <= where
    assert {
        ("leases", 4, "units"),
        ("leases", 4, "term_months"),
        ("leases", 4, "termination_reason"),
    } <= where
    credit = next(r for r in found if r.field == "credit_code")
    assert "check character" in credit.reason


def test_an_onboarding_date_is_required_and_not_after_today(tmp_path: Path) -> None:
    tenants = [TENANTS[0], [*TENANTS[1][:7], None], [*TENANTS[2][:7], "2026-12-02"]]
    found = refusals(xlsx(tmp_path / "p.xlsx", sheets(tenants=tenants)))
    assert [(r.row, r.field) for r in found if r.sheet == "tenants"] == [
        (2, "onboarded_on"),
        (3, "onboarded_on"),
    ]
    assert "required" in found[0].reason
    assert "after today" in found[1].reason


def test_a_termination_needs_its_reason_and_a_date_inside_the_term(tmp_path: Path) -> None:
    leases = [
        LEASES[0],
        ["L1", code(1), "A栋/101", "2024-01-01", 12, "2023-12-31", "closure"],
        ["L2", code(2), "A栋/102", "2025-06-01", 12, "2025-07-01", None],
    ]
    found = refusals(xlsx(tmp_path / "p.xlsx", sheets(leases=leases)))
    assert [(r.row, r.field) for r in found] == [(2, "terminated_on"), (3, "termination_reason")]
    assert found[0].reason == "2023-12-31 is outside the lease term 2024-01-01 to 2024-12-31"


def test_a_unit_listed_after_today_or_after_its_lease_starts_is_refused(tmp_path: Path) -> None:
    units = [UNITS[0], [*UNITS[1][:5], "2026-12-02"], [*UNITS[2][:5], None], [*UNITS[3][:5], "2025-06-01"]]
    found = refusals(xlsx(tmp_path / "p.xlsx", sheets(units=units)))
    assert found == [
        Refusal("units", 2, "listed_on", "after today"),
        Refusal("leases", 3, "starts_on", "starts 2025-06-01, before unit A栋/102 is listed (2026-12-01)"),
    ]  # a blank listed_on is today; B栋/301 is listed on the day its lease starts


# Across the sheets


def test_duplicate_keys_are_refused_naming_the_first_row(tmp_path: Path) -> None:
    units = [*UNITS, ["A栋", 2, "101", "office", 10, None]]
    tenants = [*TENANTS, ["另一家公司", code(1), "C39", "", "2020-01-01", 1, "A栋/101", "2024-01-01"]]
    leases = [*LEASES, ["HT-2024-001", code(1), "A栋/101", "2030-01-01", 6, None, None]]
    found = refusals(xlsx(tmp_path / "p.xlsx", sheets(units=units, tenants=tenants, leases=leases)))
    assert found == [
        Refusal("units", 5, "unit_number", "A栋/101 is already on row 2"),
        Refusal("tenants", 4, "credit_code", f"{code(1)} is already on row 2"),
        Refusal("leases", 4, "lease_ref", "HT-2024-001 is already on row 2"),
    ]


def test_references_to_units_and_tenants_that_exist_nowhere_are_refused(tmp_path: Path) -> None:
    tenants = [*TENANTS[:2], [*TENANTS[2][:6], "A栋/102;C栋/9", TENANTS[2][7]]]
    leases = [*LEASES, ["L3", code(9), "Z/1", "2030-01-01", 6, None, None]]
    found = refusals(xlsx(tmp_path / "p.xlsx", sheets(tenants=tenants, leases=leases)))
    assert found == [
        Refusal("tenants", 3, "units", "unit C栋/9 is neither in the units sheet nor in the park"),
        Refusal(
            "leases", 4, "tenant", f"credit code {code(9)} is neither in the tenants sheet nor in the park"
        ),
        Refusal("leases", 4, "units", "unit Z/1 is neither in the units sheet nor in the park"),
    ]


def test_two_leases_holding_one_unit_on_one_day_are_refused(tmp_path: Path) -> None:
    leases = [
        *LEASES,
        ["HT-2026-002", code(2), "B栋/301", "2026-05-31", 12, None, None],  # on the termination day
        ["HT-2026-003", code(2), "B栋/301", "2026-06-01", 12, None, None],  # from the day after: free
    ]
    found = refusals(xlsx(tmp_path / "p.xlsx", sheets(leases=leases)))
    assert found == [
        Refusal(
            "leases", 4, "units", "unit B栋/301 is also let from 2025-06-01 to 2026-05-31 by leases row 3"
        ),
        Refusal(
            "leases", 5, "units", "unit B栋/301 is also let from 2026-05-31 to 2027-05-30 by leases row 4"
        ),
    ]


def test_a_unit_type_without_a_base_rent_is_refused(tmp_path: Path) -> None:
    park = Holdings(units=[], tenants=[], leases=[], policy=PricingPolicy.model_validate({"base_rents": {}}))
    found = refusals(xlsx(tmp_path / "p.xlsx", sheets()), park)
    assert (
        Refusal("leases", 2, "units", "the park's pricing policy has no base rent for office (unit A栋/101)")
        in found
    )


# Against what the park holds


def held_unit(unit_id: str, number: str, area: str = "120.50", status: str = "available") -> UnitPublic:
    return UnitPublic.model_validate(
        {
            "unit_id": unit_id,
            "park_id": "p",
            "building": "A栋",
            "floor": 1,
            "unit_number": number,
            "unit_type": "office",
            "area_m2": area,
            "status": status,
            "tenant_id": None,
            "listed_on": "2020-01-01",
        }
    )


def held_lease(
    lease_id: str, tenant: str, units: list[str], start: str, end: str, **more: Any
) -> LeasePublic:
    return LeasePublic.model_validate(
        {
            "lease_id": lease_id,
            "park_id": "p",
            "tenant_id": tenant,
            "unit_ids": units,
            "area_m2": "1",
            "starts_on": start,
            "ends_on": end,
            "term_months": 36,
            "status": "active",
            "renewal_of": None,
            "renewal_number": 0,
            "renewed_by": None,
            "terminated_on": None,
            "termination_reason": None,
            "monthly_base_rent": "1",
            "total_rent": "1",
            "rules": [],
            "equity": None,
            "schedule": [],
            "signed_at": "2024-01-01T00:00:00Z",
        }
        | more
    )


def held_tenant(tenant_id: str, row: list[Any], unit_ids: list[str]) -> TenantPublic:
    return TenantPublic.model_validate(
        {
            "tenant_id": tenant_id,
            "park_id": "p",
            "name": row[0],
            "credit_code": row[1],
            "industry_code": row[2],
            "in_leading_industry": True,
            "high_tech": row[3] == "是",
            "founded_on": row[4],
            "headcount": row[5],
            "unit_ids": unit_ids,
            "onboarded_at": "2024-01-01T00:00:00Z",
            "onboarded_on": row[7],
        }
    )


def test_rows_the_park_holds_alike_are_present_and_changed_ones_refused(tmp_path: Path) -> None:
    park = Holdings(
        units=[held_unit("u1", "101"), held_unit("u2", "102", area="99")],
        tenants=[held_tenant("t1", TENANTS[1], ["u1"])],
        leases=[held_lease("l1", "t1", ["u1"], "2024-01-01", "2026-12-31")],
        policy=POLICY,
    )
    checked = plan(read(xlsx(tmp_path / "p.xlsx", sheets()), COLUMNS, OPTIONAL), park, TODAY)
    assert checked.refusals == [
        Refusal("units", 3, "-", "differs from unit u2 the park holds: area_m2 99 in the park, 80 here")
    ]
    present = {s.row.sheet + str(s.row.number): s.present for s in checked.steps}
    assert present["units2"] == "u1"
    assert present["tenants2"] == "t1"
    assert present["leases2"] is not None


def test_a_lease_the_park_holds_is_terminated_once_and_a_different_termination_refused(
    tmp_path: Path,
) -> None:
    park = Holdings(
        units=[held_unit("u1", "101")],
        tenants=[held_tenant("t1", TENANTS[1], ["u1"])],
        leases=[held_lease("l1", "t1", ["u1"], "2024-01-01", "2026-12-31")],
        policy=POLICY,
    )
    leases = [LEASES[0], ["HT-2024-001", code(1), "A栋/101", "2024-01-01", 36, "2025-03-31", "closure"]]
    one = dict(units=UNITS[:2], tenants=TENANTS[:2], leases=leases)
    [lease] = [
        s
        for s in plan(read(xlsx(tmp_path / "a.xlsx", one), COLUMNS, OPTIONAL), park, TODAY).steps
        if isinstance(s, LeaseStep)
    ]
    assert (lease.signs, lease.terminates) == (False, True)
    park.leases[0] = held_lease(
        "l1",
        "t1",
        ["u1"],
        "2024-01-01",
        "2026-12-31",
        terminated_on="2025-02-28",
        termination_reason="closure",
        status="terminated",
    )
    found = refusals(xlsx(tmp_path / "b.xlsx", one), park)
    assert found == [
        Refusal(
            "leases",
            2,
            "-",
            "differs from lease l1 the park holds: terminated_on 2025-02-28 in the park, 2025-03-31 here",
        )
    ]


def test_a_unit_let_by_a_lease_the_park_holds_is_refused_to_an_onboarding_and_a_new_lease(
    tmp_path: Path,
) -> None:
    park = Holdings(
        units=[held_unit("u1", "101")],
        tenants=[],
        leases=[held_lease("l9", "t9", ["u1"], "2023-01-01", "2025-12-31")],
        policy=POLICY,
    )
    found = refusals(xlsx(tmp_path / "p.xlsx", sheets()), park)
    assert (
        Refusal("tenants", 2, "units", "unit A栋/101 is let by lease l9 until 2025-12-31, after onboarded_on")
        in found
    )
    assert (
        Refusal(
            "leases",
            2,
            "units",
            "unit A栋/101 is also let from 2023-01-01 to 2025-12-31 by lease l9 of the park",
        )
        in found
    )


# The command against a fake leasing that keeps keys as leasing does


class FakeLeasing:
    """Just enough of leasing: the park's lists, creates with Idempotency-Keys (same key and body: the
    first answer; another body: 409), and a refusal to inject."""

    def __init__(self) -> None:
        self.units: list[dict[str, Any]] = []
        self.tenants: list[dict[str, Any]] = []
        self.leases: list[dict[str, Any]] = []
        self.keys: dict[str, tuple[Any, httpx.Response]] = {}
        self.posts = 0
        self.refuse: str | None = None  # a path fragment answered 409

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method == "GET":
            lists = {
                "/parks/p/units": self.units,
                "/parks/p/tenants": self.tenants,
                "/parks/p/leases": self.leases,
            }
            if path == "/parks/p":
                return httpx.Response(200, json={"park_id": "p"})
            if path == "/parks/p/pricing-policy":
                return httpx.Response(200, json=POLICY.model_dump(mode="json"))
            return httpx.Response(200, json=lists[path]) if path in lists else httpx.Response(404, json={})
        body, key = json.loads(request.content), request.headers["Idempotency-Key"]
        if key in self.keys:
            first, answer = self.keys[key]
            return (
                answer
                if first == body
                else httpx.Response(409, json={"detail": f"key {key} was used for another request"})
            )
        self.posts += 1
        if self.refuse and self.refuse in path:
            return httpx.Response(
                409, json={"detail": "credit code is a tenant of another park of the group"}
            )
        answer = self.create(path, body)
        self.keys[key] = (body, answer)
        return answer

    def create(self, path: str, body: dict[str, Any]) -> httpx.Response:
        n = self.posts
        if path.endswith("/units"):
            self.units.append(held_unit(f"u{n}", "x").model_dump(mode="json") | body | {"unit_id": f"u{n}"})
            return httpx.Response(201, json=self.units[-1])
        if path.endswith("/tenants"):
            row = [
                body["name"],
                body["credit_code"],
                body["industry_code"],
                "是" if body["high_tech"] else "否",
                body["founded_on"],
                body["headcount"],
                None,
                body["onboarded_on"],
            ]
            self.tenants.append(held_tenant(f"t{n}", row, body["unit_ids"]).model_dump(mode="json"))
            return httpx.Response(201, json=self.tenants[-1])
        if path.endswith("/leases"):
            lease = held_lease(f"l{n}", body["tenant_id"], body["unit_ids"], body["starts_on"], "2099-01-01")
            self.leases.append(lease.model_dump(mode="json") | {"term_months": body["term_months"]})
            return httpx.Response(201, json=self.leases[-1])
        lease = next(x for x in self.leases if path == f"/parks/p/leases/{x['lease_id']}/termination")
        lease |= {
            "terminated_on": body["terminated_on"],
            "termination_reason": body["reason"],
            "status": "terminated",
        }
        return httpx.Response(200, json=lease)


def command(path: Path, fake: FakeLeasing, *more: str) -> int:
    argv = ["--park", "p", "--url", "http://leasing", "--token", "t", *more, str(path)]
    return main(argv, transport=httpx.MockTransport(fake.handle))


def test_the_command_imports_once_and_a_second_run_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake, path = FakeLeasing(), xlsx(tmp_path / "p.xlsx", sheets())
    assert command(path, fake, "--dry-run") == 0
    assert fake.posts == 0
    assert "dry run: 7 rows valid; 7 to import, 0 already present" in capsys.readouterr().out
    assert command(path, fake) == 0
    out = capsys.readouterr().out
    assert "7/7 leases row 3 HT-2025-007: imported" in out
    assert out.strip().endswith("imported 7, already present 0, refused 0")
    assert fake.posts == 8  # 3 units, 2 tenants, 2 leases, 1 termination
    assert command(path, fake) == 0
    assert capsys.readouterr().out.strip().endswith("imported 0, already present 7, refused 0")
    assert fake.posts == 8


def test_bad_rows_are_all_reported_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeLeasing()
    units = [*UNITS, ["A栋", 1, "101", "office", 5, None]]
    assert command(csvs(tmp_path / "p", sheets(units=units, leases=[*LEASES, ["", code(7)]])), fake) == 2
    out = capsys.readouterr().out
    assert "units row 5, unit_number: A栋/101 is already on row 2" in out
    assert "leases row 4, lease_ref: Field required" in out
    assert (
        f"leases row 4, tenant: credit code {code(7)} is neither in the tenants sheet nor in the park" in out
    )
    assert "refused; nothing imported" in out
    assert fake.posts == 0


def test_a_refusal_from_leasing_while_writing_is_a_refused_row_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeLeasing()
    fake.refuse = "/tenants"
    assert command(xlsx(tmp_path / "p.xlsx", sheets()), fake) == 2
    out = capsys.readouterr().out
    assert (
        "tenants row 2, -: leasing answered 409: credit code is a tenant of another park of the group" in out
    )
    assert f"leases row 2, tenant: tenant {code(1)} was refused above" in out
    assert out.strip().endswith("imported 3, already present 0, refused 4")


def test_a_row_changed_after_its_key_was_used_answers_409_and_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeLeasing()
    assert command(xlsx(tmp_path / "p.xlsx", sheets(tenants=TENANTS[:1], leases=LEASES[:1])), fake) == 0
    fake.units.clear()  # the park no longer shows the units: only the keys remember them
    changed = [UNITS[0], [*UNITS[1][:4], 130, UNITS[1][5]]]
    assert (
        command(
            xlsx(tmp_path / "q.xlsx", sheets(units=changed, tenants=TENANTS[:1], leases=LEASES[:1])), fake
        )
        == 2
    )
    key = idempotency_key("p", "units", "A栋/101")
    assert (
        f"units row 2, -: leasing answered 409: key {key} was used for another request"
        in capsys.readouterr().out
    )


def test_idempotency_keys_are_ascii_and_name_park_sheet_and_row() -> None:
    assert (
        idempotency_key("p", "leases", "HT-2024-001", "termination")
        == "import:p:leases:HT-2024-001:termination"
    )
    key = idempotency_key("p", "units", "A栋/101")
    assert key.isascii()
    assert key.startswith("import:p:units:h-")
    assert key != idempotency_key("p", "units", "A栋/102")


def test_an_unreachable_leasing_is_a_message_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused")

    argv = [
        "--park",
        "p",
        "--url",
        "http://leasing",
        "--token",
        "t",
        str(xlsx(tmp_path / "p.xlsx", sheets())),
    ]
    assert main(argv, transport=httpx.MockTransport(down)) == 1
    assert (
        "import stopped: cannot reach leasing at http://leasing: connection refused"
        in capsys.readouterr().err
    )
