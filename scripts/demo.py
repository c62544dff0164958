"""Load the demo data set through the public API and print how to call the platform.

One park group (`demo-group`) with two parks: an IC-design specialized park and a biomedicine
incubator, each with units and a few tenants. Safe to run twice: what exists is left as it is."""

import sys
import time
from datetime import UTC, datetime

import httpx
from parkops_runtime.auth import Role, TokenCodec
from parkops_runtime.settings import DEV_JWT_SECRET

from tests.support.demo import enterprise

LEASING, KPI = "http://127.0.0.1:8001", "http://127.0.0.1:8005"
PRICING = {  # CNY per m² per month, examples of docs/domain.md; rates are the middle of its ranges
    "base_rents": {
        "standard_factory": "30",
        "rnd_building": "45",
        "office": "50",
        "shared_lab": "35",
        "talent_apartment": "35",
        "commercial": "50",
    },
    "industry_fit_discount": "0.20",
    "unrelated_industry_premium": "0.15",
    "startup_rent_free_months": 6,
}
GROUP = "demo-group"
PARKS = [
    {
        "park_id": "suzhou-ic-park",
        "name": "Suzhou IC Design Park",
        "park_type": "specialized_industrial_park",
        "leading_industries": ["C397", "I65"],
        "units": [
            ("A", 1, "800.00"),
            ("A", 2, "650.00"),
            ("B", 1, "1200.00"),
            ("B", 2, "420.50"),
            ("C", 1, "300.00"),
        ],
        "tenants": [("C3973", [0]), ("I6513", [1, 3]), ("C2710", [2])],
    },
    {
        "park_id": "wuxi-bio-incubator",
        "name": "Wuxi Biomedicine Incubator",
        "park_type": "incubator",
        "leading_industries": ["C27", "M73"],
        "units": [("L", 1, "150.00"), ("L", 2, "150.00"), ("L", 3, "220.00"), ("M", 1, "95.50")],
        "tenants": [("C2761", [0]), ("M7340", [2])],
    },
]


def main() -> None:
    tokens = TokenCodec(DEV_JWT_SECRET, "parkops")
    admin = {"Authorization": f"Bearer {tokens.mint('demo-admin', Role.GROUP_ADMIN, GROUP)}"}
    with httpx.Client(headers=admin, timeout=10) as http:
        for seed, park in enumerate(PARKS):
            load_park(http, park, seed * 100)
        for park in PARKS:
            wait_for_kpi(http, str(park["park_id"]))
    operator = tokens.mint("demo-operator", Role.PARK_OPERATOR, GROUP, ["suzhou-ic-park"])
    print_usage(admin["Authorization"].removeprefix("Bearer "), operator)


def load_park(http: httpx.Client, park: dict[str, object], seed: int) -> None:
    park_id = park["park_id"]
    if http.get(f"{LEASING}/parks/{park_id}").status_code == 200:
        print(f"demo: {park_id} exists already", file=sys.stderr)
        return
    body = {k: park[k] for k in ("park_id", "name", "park_type", "leading_industries")}
    http.post(f"{LEASING}/parks", json=body).raise_for_status()
    http.put(f"{LEASING}/parks/{park_id}/pricing-policy", json=PRICING).raise_for_status()
    moved_in = datetime.now(UTC).date().replace(day=1).isoformat()  # the demo's tenants moved in this month
    unit_ids = []
    for i, (building, floor, area) in enumerate(park["units"]):  # type: ignore[attr-defined]
        unit = {
            "building": building,
            "floor": floor,
            "unit_number": f"{building}{floor}0{i}",
            "unit_type": "rnd_building",
            "area_m2": area,
            "listed_on": moved_in,  # listed when the tenants moved in: no lease starts before its units are
        }
        response = http.post(f"{LEASING}/parks/{park_id}/units", json=unit)
        response.raise_for_status()
        unit_ids.append(response.json()["unit_id"])
    for i, (industry, units) in enumerate(park["tenants"]):  # type: ignore[attr-defined]
        tenant = enterprise(seed + i, industry, [unit_ids[u] for u in units])
        response = http.post(f"{LEASING}/parks/{park_id}/tenants", json=tenant)
        response.raise_for_status()
        # Onboarding occupies nothing: the lease does (README, One owner per figure).
        lease = {
            "tenant_id": response.json()["tenant_id"],
            "unit_ids": tenant["unit_ids"],
            "term_months": 36,
            "starts_on": moved_in,
        }
        http.post(f"{LEASING}/parks/{park_id}/leases", json=lease).raise_for_status()
    print(f"demo: loaded {park_id}", file=sys.stderr)


def wait_for_kpi(http: httpx.Client, park_id: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        response = http.get(f"{KPI}/parks/{park_id}/occupancy")
        if response.status_code == 200 and response.json()["tenants"] > 0:
            return
        time.sleep(0.2)
    raise SystemExit(f"demo: kpi did not show {park_id} within 30 s")


def print_usage(admin: str, operator: str) -> None:
    print(f"""
The platform is up: leasing :8001, tickets :8002, finance :8003, matchmaking :8004, kpi :8005
(OpenAPI at http://127.0.0.1:<port>/docs, AsyncAPI at /asyncapi.json, health at /health/ready).

export ADMIN_TOKEN={admin}
export OPERATOR_TOKEN={operator}   # park_operator of suzhou-ic-park only

curl -s -H "Authorization: Bearer $ADMIN_TOKEN" {LEASING}/parks
curl -s -H "Authorization: Bearer $ADMIN_TOKEN" {KPI}/parks/suzhou-ic-park/occupancy
# 404, not its park:
curl -s -H "Authorization: Bearer $OPERATOR_TOKEN" {KPI}/parks/wuxi-bio-incubator/occupancy

More tokens: .venv/bin/parkops-token --role park_operator --group {GROUP} --park wuxi-bio-incubator
A tenant user's token names its tenant (a tenant_id from GET {LEASING}/parks/suzhou-ic-park/tenants):
  .venv/bin/parkops-token --role tenant_user --group {GROUP} --park suzhou-ic-park --tenant <tenant_id>
(These tokens are signed with the development secret: the services accept them because
scripts/platform starts them with DEV_MODE=true.)
Stop everything: scripts/platform down
""")


if __name__ == "__main__":
    main()
