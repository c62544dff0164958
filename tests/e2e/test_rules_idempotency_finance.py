"""Finance's commands follow the one Idempotency-Key rule (`parkops_runtime.request_keys`), against the
real broker and store: the same key and request answer the first answer with the same status and no
second event on the topic; the same key with another request is 409 naming the key and changes
nothing; a key is the park's own, so the same key in another group's park is another request."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from parkops_contracts.base import Event
from parkops_contracts.events.finance import InvoiceIssued, PaymentReceived
from parkops_runtime.aggregates import AggregateStore
from parkops_runtime.auth import Role

from tests.e2e.test_finance_api import beside_leasing
from tests.support.infra import Infra
from tests.support.kafka import read_all
from tests.support.parks import known, onboard_tenant, register_park
from tests.support.services import bearer, run_id


@dataclass
class Park:
    park_id: str
    operator: dict[str, str]
    tenant: str


@dataclass
class Keys:
    run: str
    infra: Infra
    http: httpx.AsyncClient
    books: AggregateStore[Any]
    parks: tuple[Park, Park]  # of two groups

    async def post(self, park: Park, path: str, body: dict[str, Any], key: str) -> httpx.Response:
        headers = park.operator | {"Idempotency-Key": key}
        return await self.http.post(f"/parks/{park.park_id}{path}", json=body, headers=headers)

    async def published(self, event: type[Event], park: Park) -> list[str]:
        """The causes of the park's events of one type on the topic (all of them, not de-duplicated)."""
        records = await read_all(self.infra.kafka_bootstrap_servers, event.topic(f"t{self.run}"))
        found = [event.model_validate_json(r.value) for r in records]
        return [e.cause for e in found if e.park_id == park.park_id]  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
async def keys(infra: Infra) -> AsyncIterator[Keys]:
    run = run_id()
    async with beside_leasing(infra, run) as (leasing, app, http):
        parks = []
        for name in ("a", "b"):
            group, park_id = f"group-{name}-{run}", f"keys-{name}-{run}"
            await register_park(leasing, group, park_id)
            tenant = await onboard_tenant(leasing, group, park_id, 1)
            await known(
                http, f"/parks/{park_id}/invoices", bearer(Role.TENANT_USER, group, [park_id], tenant)
            )
            parks.append(Park(park_id, bearer(Role.PARK_OPERATOR, group, [park_id]), tenant))
        yield Keys(run, infra, http, app.state.finance.books, (parks[0], parks[1]))


def invoice(park: Park, amount: str = "100.00") -> dict[str, Any]:
    return {"payer_id": park.tenant, "stream": "rent", "amount": amount, "description": "rent"}


async def test_a_replay_answers_the_first_answer_and_publishes_nothing_again(keys: Keys) -> None:
    a = keys.parks[0]
    first = await keys.post(a, "/invoices", invoice(a), "bill-march")
    assert first.status_code == 201, first.text
    again = await keys.post(
        a, "/invoices", invoice(a, "100"), "bill-march"
    )  # the same amount, spelt otherwise
    assert (again.status_code, again.json()) == (201, first.json())
    paid = await keys.post(a, "/payments", {"payer_id": a.tenant, "amount": "40.00"}, "pay-march")
    assert paid.status_code == 201, paid.text
    assert paid.json()["events"][0]["data"]["payment_id"]  # named from the key: none was given
    repaid = await keys.post(a, "/payments", {"payer_id": a.tenant, "amount": "40.00"}, "pay-march")
    assert (repaid.status_code, repaid.json()) == (201, paid.json())
    assert await keys.published(InvoiceIssued, a) == [first.json()["cause"]]
    assert await keys.published(PaymentReceived, a) == [paid.json()["cause"]]
    listed = await keys.http.get(f"/parks/{a.park_id}/invoices", headers=a.operator)
    assert [i["paid"] for i in listed.json()["invoices"]] == ["40.00"]


async def test_the_same_key_with_another_request_is_409_naming_the_key_and_changes_nothing(
    keys: Keys,
) -> None:
    a = keys.parks[0]
    first = await keys.post(a, "/operating-costs", {"amount": "12.00", "description": "power"}, "cost-1")
    assert first.status_code == 201, first.text
    version = await keys.books.version(a.park_id)
    other_body = await keys.post(a, "/operating-costs", {"amount": "13.00", "description": "power"}, "cost-1")
    other_command = await keys.post(
        a, "/subsidies-received", {"amount": "12.00", "description": "power"}, "cost-1"
    )
    for refused in (other_body, other_command):
        assert refused.status_code == 409, refused.text
        assert "cost-1" in refused.json()["detail"]
    assert await keys.books.version(a.park_id) == version


async def test_a_key_of_one_park_does_not_meet_another_groups_park(keys: Keys) -> None:
    a, b = keys.parks
    in_a = await keys.post(a, "/fees", {"payer_id": a.tenant, "kind": "testing"}, "fee-shared")
    in_b = await keys.post(b, "/fees", {"payer_id": b.tenant, "kind": "testing"}, "fee-shared")
    assert (in_a.status_code, in_b.status_code) == (201, 201), in_b.text
    assert in_a.json()["cause"] != in_b.json()["cause"]
    assert in_b.json()["events"][0]["data"]["park_id"] == b.park_id
    assert await keys.published(InvoiceIssued, b) == [in_b.json()["cause"]]


async def test_every_command_takes_the_key(keys: Keys) -> None:
    """Each create and action: a replay is the first answer and status; another body is 409."""
    b = keys.parks[1]
    issued = await keys.post(b, "/invoices", invoice(b, "500.00"), "inv-to-cancel")
    invoice_id = issued.json()["events"][0]["data"]["invoice_id"]
    stake = {"tenant_id": b.tenant, "percent": "2", "amount": "1000.00"}
    bought = await keys.post(b, "/equity-stakes", stake, "stake-1")
    stake_id = bought.json()["events"][0]["data"]["stake_id"]
    deal = {"tenant_id": b.tenant, "institution": "ICBC", "instrument": "loan", "amount": "1000.00"}
    pay, fee = {"payer_id": b.tenant, "amount": "5.00"}, {"payer_id": b.tenant, "kind": "testing"}
    subsidy = {"tenant_id": b.tenant, "policy": "p", "amount": "100.00"}
    cash = {"amount": "1.00", "description": "x"}
    cancel, exit_ = f"/invoices/{invoice_id}/cancel", f"/equity-stakes/{stake_id}/exit"
    commands: list[tuple[str, dict[str, Any], str, dict[str, Any], int]] = [  # asked, another ask, status
        (cancel, {}, "/invoices/INV-999999/cancel", {}, 200),
        ("/payments", pay, "/payments", pay | {"amount": "6.00"}, 201),
        ("/fees", fee, "/fees", fee | {"kind": "property"}, 201),
        ("/billing-runs", {"period": "2026-02"}, "/billing-runs", {"period": "2026-03"}, 200),
        ("/dunning-runs", {"as_of": "2026-03-01"}, "/dunning-runs", {"as_of": "2026-03-02"}, 200),
        (
            "/financing-deals",
            deal | {"payer_id": b.tenant},
            "/financing-deals",
            deal | {"payer_id": "institution:x"},
            201,
        ),
        ("/subsidies", subsidy, "/subsidies", subsidy | {"policy": "q"}, 201),
        ("/subsidies-received", cash, "/subsidies-received", cash | {"amount": "2.00"}, 201),
        ("/operating-costs", cash, "/operating-costs", cash | {"description": "y"}, 201),
        ("/equity-stakes", stake, "/equity-stakes", stake | {"percent": "3"}, 201),
        (exit_, {"amount": "1500.00"}, exit_, {"amount": "1600.00"}, 200),
    ]
    for path, body, other_path, other, status in commands:
        key = "stake-1" if path == "/equity-stakes" else f"key-{path}"  # the stake's key: used above
        first = bought if path == "/equity-stakes" else await keys.post(b, path, body, key)
        assert first.status_code == status, (path, first.text)
        again = await keys.post(b, path, body, key)
        assert (again.status_code, again.json()) == (status, first.json()), path
        refused = await keys.post(b, other_path, other, key)
        assert refused.status_code == 409, (path, refused.text)
    catalogue = await keys.http.get(f"/parks/{b.park_id}/fee-catalogue", headers=b.operator)
    headers = b.operator | {"Idempotency-Key": "prices-1"}
    url = f"/parks/{b.park_id}/fee-catalogue"
    changed = catalogue.json() | {"testing_fee": "21000.00"}
    first = await keys.http.put(url, json=changed, headers=headers)
    again = await keys.http.put(url, json=changed, headers=headers)
    assert (first.status_code, again.status_code, again.json()) == (200, 200, first.json())
    refused = await keys.http.put(url, json=changed | {"testing_fee": "22000.00"}, headers=headers)
    assert refused.status_code == 409, refused.text
