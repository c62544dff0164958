"""Talking to leasing over HTTP: reading what the park holds, then running the plan through leasing's own
commands, each with an `Idempotency-Key` made of the park, the sheet and the row's natural key, so a
request repeated (a retry after a lost answer, a second run within the key's 24 hours) answers the
first answer and publishes nothing new. A refusal from leasing (404, 409, 422) is a refused row, not a
crash; a lost connection is retried with the same key."""

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from pydantic import ValidationError

from leasing.importer.plan import Holdings, LeaseStep, Plan, Step, TenantStep, UnitStep
from leasing.importer.sheets import Refusal
from leasing.schemas.leases import LeasePublic, PricingPolicy
from leasing.schemas.space import TenantPublic, UnitPublic

ATTEMPTS = 3
_PLAIN = re.compile(r"[A-Za-z0-9._/-]{1,100}")


class Unusable(Exception):
    """leasing cannot be used at all (unreachable, the token refused, the park unknown): nothing to import."""


@dataclass
class Summary:
    imported: int = 0
    present: int = 0
    refused: list[Refusal] = field(default_factory=list)


@dataclass
class Answer:
    status: int
    body: Any


class Leasing:
    """leasing's HTTP API for one park."""

    def __init__(self, client: httpx.Client, park_id: str) -> None:
        self._client = client
        self.park_id = park_id

    def holdings(self) -> Holdings:
        base = f"/parks/{self.park_id}"
        park = self._get(base)
        if park.status == 404:
            raise Unusable(f"park {self.park_id} is not found (or not in the token's scope)")
        self._ok(park, base)
        answers = {
            name: self._get(f"{base}/{name}") for name in ("units", "tenants", "leases", "pricing-policy")
        }
        for name in ("units", "tenants", "leases"):
            self._ok(answers[name], f"{base}/{name}")
        try:
            policy = answers["pricing-policy"]
            return Holdings(
                units=[UnitPublic.model_validate(u) for u in answers["units"].body],
                tenants=[TenantPublic.model_validate(t) for t in answers["tenants"].body],
                leases=[LeasePublic.model_validate(x) for x in answers["leases"].body],
                policy=PricingPolicy.model_validate(policy.body) if policy.status == 200 else None,
            )
        except (ValidationError, TypeError) as e:
            raise Unusable(f"leasing answered something this importer does not understand: {e}") from None

    def post(self, path: str, body: dict[str, Any], key: str) -> Answer:
        return self._send("POST", f"/parks/{self.park_id}{path}", body, key)

    def _get(self, path: str) -> Answer:
        return self._send("GET", path, None, None)

    def _send(self, method: str, path: str, body: dict[str, Any] | None, key: str | None) -> Answer:
        headers = {"Idempotency-Key": key} if key else {}
        for attempt in range(1, ATTEMPTS + 1):
            try:
                r = self._client.request(method, path, json=body, headers=headers)
            except httpx.TransportError as e:  # the same key makes the retry harmless
                if attempt == ATTEMPTS:
                    raise Unusable(f"cannot reach leasing at {self._client.base_url}: {e}") from None
                continue
            if r.status_code in (401, 403):
                raise Unusable(f"leasing refused the token ({r.status_code}): {_detail(r)}")
            if r.status_code >= 500 and attempt < ATTEMPTS:
                continue
            return Answer(r.status_code, _json(r))
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _ok(answer: Answer, path: str) -> None:
        if answer.status != 200:
            raise Unusable(f"GET {path} answered {answer.status}: {answer.body}")


def _json(r: httpx.Response) -> Any:
    try:
        return r.json()
    except ValueError:
        return r.text


def _detail(r: httpx.Response) -> str:
    body = _json(r)
    return str(body.get("detail", body)) if isinstance(body, dict) else str(body)


def idempotency_key(park_id: str, sheet: str, key: str, action: str = "") -> str:
    """`import:<park>:<sheet>:<natural key>[:<action>]`: the same row of the same park, the same key. A
    header is ASCII: a natural key with other characters (A栋/101, a Chinese contract number) or longer
    than 100 is written as `h-` and 32 hex digits of its SHA-256."""
    if not _PLAIN.fullmatch(key):
        key = "h-" + hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"import:{park_id}:{sheet}:{key}" + (f":{action}" if action else "")


@dataclass
class Ids:
    """Server ids by natural key, as the park holds them or as the import creates them."""

    units: dict[str, str]
    tenants: dict[str, str]

    @classmethod
    def of(cls, park: Holdings) -> "Ids":
        return cls(
            units={f"{u.building}/{u.unit_number}": u.unit_id for u in park.units},
            tenants={t.credit_code: t.tenant_id for t in park.tenants},
        )


Progress = Callable[[int, int, Step, str], None]


def run(plan: Plan, leasing: Leasing, park: Holdings, progress: Progress) -> Summary:
    """Every step of the plan, in order; each row's outcome reported as it ends."""
    summary, ids = Summary(), Ids.of(park)
    for done, step in enumerate(plan.steps, start=1):
        refusal = _missing(step, ids)
        outcome = _run(step, leasing, ids) if refusal is None else refusal
        if isinstance(outcome, Refusal):
            summary.refused.append(outcome)
            progress(done, len(plan.steps), step, f"refused: {outcome.reason}")
        elif outcome:
            summary.imported += 1
            progress(done, len(plan.steps), step, "imported")
        else:
            summary.present += 1
            progress(done, len(plan.steps), step, "already present")
    return summary


def _missing(step: Step, ids: Ids) -> Refusal | None:
    """A row whose unit or tenant was refused by leasing above cannot be written."""
    units = step.units if isinstance(step, TenantStep | LeaseStep) else []
    lost = [ref for ref in units if ref not in ids.units]
    if isinstance(step, LeaseStep) and step.tenant not in ids.tenants:
        return step.row.refusal("tenant", f"tenant {step.tenant} was refused above")
    if lost:
        return step.row.refusal("units", f"unit {lost[0]} was refused above")
    return None


def _run(step: Step, leasing: Leasing, ids: Ids) -> bool | Refusal:
    """True: the row changed the park; False: the park held it already; or leasing's refusal."""
    park = leasing.park_id
    if isinstance(step, UnitStep):
        if step.present:
            return False
        answer = leasing.post(
            "/units", step.body.model_dump(mode="json"), idempotency_key(park, "units", step.key)
        )
        if answer.status == 201:
            ids.units[step.key] = answer.body["unit_id"]
    elif isinstance(step, TenantStep):
        if step.present:
            return False
        body = step.body.model_copy(update={"unit_ids": [ids.units[u] for u in step.units]})
        answer = leasing.post(
            "/tenants", body.model_dump(mode="json"), idempotency_key(park, "tenants", step.credit_code)
        )
        if answer.status == 201:
            ids.tenants[step.credit_code] = answer.body["tenant_id"]
    else:
        return _run_lease(step, leasing, ids)
    return _refusal(step, answer) or True


def _run_lease(step: LeaseStep, leasing: Leasing, ids: Ids) -> bool | Refusal:
    park = leasing.park_id
    lease_id = step.present.lease_id if step.present else None
    if step.signs:
        update = {"tenant_id": ids.tenants[step.tenant], "unit_ids": [ids.units[u] for u in step.units]}
        body = step.body.model_copy(update=update).model_dump(mode="json", exclude_none=True)
        answer = leasing.post("/leases", body, idempotency_key(park, "leases", step.ref))
        refused = _refusal(step, answer)
        if refused:
            return refused
        lease_id = answer.body["lease_id"]
    if step.terminates and step.termination is not None:
        ending = step.termination.model_dump(mode="json")
        answer = leasing.post(
            f"/leases/{lease_id}/termination",
            ending,
            idempotency_key(park, "leases", step.ref, "termination"),
        )
        refused = _refusal(step, answer)
        if refused:
            return refused
    return step.signs or step.terminates


def _refusal(step: Step, answer: Answer) -> Refusal | None:
    if answer.status in (200, 201):
        return None
    body = answer.body if isinstance(answer.body, dict) else {"detail": answer.body}
    errors = body.get("errors") or []
    column = str(errors[0].get("field", "-")).split(".")[0] if errors else "-"
    column = {"unit_ids": "units", "tenant_id": "tenant", "reason": "termination_reason"}.get(column, column)
    return step.row.refusal(column, f"leasing answered {answer.status}: {body.get('detail', body)}")
