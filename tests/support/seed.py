"""Two groups' worth of objects in every service, created through the public HTTP APIs, with the owner of
every id recorded (group, park, tenants) so an authorization sweep knows what each caller may see.

Per group: parks P1 and P2; in P1 the *victim* tenant (whose objects are attacked), a *partner* (its
matchmaking counterpart) and a *sibling* (a tenant of the same park with nothing to do with the victim);
in P2 a tenant *elsewhere*. In each service at least one object of every kind a path id names.
A step that fails is recorded in `problems` and the rest goes on, so a half-converted service still
yields a report of everything else."""

import asyncio
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from parkops_runtime.auth import Role

from tests.support.platform import FOLLOWERS, Platform
from tests.support.services import bearer, eventually

YEAR = "2026"


@dataclass(frozen=True)
class Owner:
    """Who an id belongs to: a group; a park of it (None: the group itself); the tenants that take part
    in the object (None: the whole park, e.g. a unit or the park itself)."""

    group: str
    park: str | None = None
    tenants: frozenset[str] | None = None


@dataclass
class GroupWorld:
    group: str
    parks: tuple[str, str]
    tenants: dict[str, str] = field(default_factory=dict)  # victim, partner, sibling (P1), elsewhere (P2)
    values: dict[str, str] = field(default_factory=dict)  # path parameter -> the victim's object
    owners: dict[str, Owner] = field(default_factory=dict)  # every seeded id -> its owner
    problems: list[str] = field(default_factory=list)

    @property
    def home(self) -> str:
        return self.parks[0]

    def admin(self) -> dict[str, str]:
        return bearer(Role.GROUP_ADMIN, self.group)

    def operator(self, park: str) -> dict[str, str]:
        return bearer(Role.PARK_OPERATOR, self.group, [park])

    def tenant(self, name: str) -> dict[str, str]:
        park = self.parks[1] if name == "elsewhere" else self.home
        return bearer(Role.TENANT_USER, self.group, [park], self.tenants[name])

    def own(self, value: str, park: str | None = None, *tenants: str) -> str:
        self.owners[value] = Owner(self.group, park, frozenset(tenants) if tenants else None)
        return value

    @contextmanager
    def step(self, what: str) -> Iterator[None]:
        try:
            yield
        except (AssertionError, KeyError, IndexError, TypeError, ValueError, httpx.HTTPError) as exc:
            self.problems.append(f"seeding {self.group}: {what}: {type(exc).__name__}: {exc}")


def found(body: Any, key: str) -> str | None:
    """The first string under `key` anywhere in a JSON body (ids sit at different depths per service)."""
    if isinstance(body, dict):
        if isinstance(body.get(key), str):
            return str(body[key])
        nested = (found(v, key) for v in body.values())
    elif isinstance(body, list):
        nested = (found(v, key) for v in body)
    else:
        return None
    return next((v for v in nested if v is not None), None)


def created(r: httpx.Response, key: str, what: str) -> str:
    assert r.status_code in (200, 201), f"{what}: {r.status_code} {r.text[:300]}"
    value = found(r.json(), key)
    assert value, f"{what}: no {key} in {r.text[:300]}"
    return value


async def seed_groups(p: Platform, tags: tuple[str, ...] = ("a", "b")) -> list[GroupWorld]:
    worlds = [GroupWorld(f"g{p.run}-{tag}", (f"p{p.run}-{tag}1", f"p{p.run}-{tag}2")) for tag in tags]
    for w in worlds:
        w.own(w.group)
        await _leasing(p, w)
    if any(w.problems for w in worlds):  # nothing else can be seeded without parks and tenants
        return worlds
    parks = [park for w in worlds for park in w.parks]
    tenants = [(w.parks[n == "elsewhere"], t) for w in worlds for n, t in w.tenants.items()]
    waits = [p.known_by(service, parks, tenants) for service in FOLLOWERS]
    learned = await asyncio.gather(*waits, return_exceptions=True)
    seeders = {"tickets": _tickets, "finance": _finance, "kpi": _kpi, "matchmaking": _matchmaking}
    for service, outcome in zip(FOLLOWERS, learned, strict=True):
        for w in worlds:
            if isinstance(outcome, BaseException):
                w.problems.append(
                    f"seeding {w.group}: {service} never learned the parks and tenants: {outcome}"
                )
            else:
                await seeders[service](p, w)
    return worlds


async def _leasing(p: Platform, w: GroupWorld) -> None:
    c, admin, p1, p2 = p.leasing, w.admin(), w.home, w.parks[1]
    with w.step("parks, units, tenants in leasing"):
        for park in w.parks:
            await p.register_park(w.group, w.own(park, park))
        # listed before the lease of unit l (2027-01-01) whatever day the seed runs on
        listed = f"{YEAR}-01-01"
        units = {
            n: w.own(await p.list_unit(w.group, p1, f"{n}-1", listed_on=listed), p1)
            for n in ("v", "pa", "s", "l")
        }
        spare = w.own(await p.list_unit(w.group, p2, "e-1"), p2)
        w.own(await p.list_unit(w.group, p2, "e-2"), p2)
        for name, unit, industry in (
            ("victim", "v", "C2762"),
            ("partner", "pa", "C3055"),
            ("sibling", "s", "I6510"),
        ):
            tenant = await p.onboard(w.group, p1, [units[unit]], industry)
            w.tenants[name] = w.own(tenant, p1, tenant)
        tenant = await p.onboard(w.group, p2, [spare], "C3973")
        w.tenants["elsewhere"] = w.own(tenant, p2, tenant)
        w.values |= {
            "park_id": p1,
            "group_id": w.group,
            "tenant_id": w.tenants["victim"],
            "unit_id": units["v"],
        }
    with w.step("the victim's lease in leasing"):
        policy = {"base_rents": {"rnd_building": "45"}, "industry_fit_discount": "0.10"}
        r = await c.put(f"/parks/{p1}/pricing-policy", headers=admin, json=policy)
        assert r.status_code == 200, f"pricing policy: {r.status_code} {r.text[:300]}"
        lease = {
            "tenant_id": w.tenants["victim"],
            "unit_ids": [units["l"]],
            "term_months": 12,
            "starts_on": "2027-01-01",
        }
        r = await c.post(
            f"/parks/{p1}/leases", headers=admin | {"Idempotency-Key": f"lease-{w.group}"}, json=lease
        )
        w.values["lease_id"] = w.own(created(r, "lease_id", "signing a lease"), p1, w.tenants["victim"])


async def _tickets(p: Platform, w: GroupWorld) -> None:
    c = p.http["tickets"]
    for name, park in (("victim", w.home), ("elsewhere", w.parks[1])):
        with w.step(f"a ticket of the {name} tenant"):
            body = {"category": "repair", "priority": "normal", "title": f"door of {name} jammed"}
            r = await c.post(f"/parks/{park}/tickets", headers=w.tenant(name), json=body)
            ticket = w.own(created(r, "ticket_id", "opening a ticket"), park, w.tenants[name])
            if name == "victim":
                w.values["ticket_id"] = ticket


async def _finance(p: Platform, w: GroupWorld) -> None:
    c, p1, victim = p.http["finance"], w.home, w.tenants["victim"]
    staff = w.admin()
    with w.step("an invoice and a payment of the victim"):
        invoice = {"payer_id": victim, "stream": "rent", "amount": "1000.00", "description": "rent"}
        r = await c.post(f"/parks/{p1}/invoices", headers=staff, json=invoice)
        w.values["invoice_id"] = w.own(created(r, "invoice_id", "issuing an invoice"), p1, victim)
        r = await c.post(
            f"/parks/{p1}/payments", headers=staff, json={"payer_id": victim, "amount": "100.00"}
        )
        w.values["payment_id"] = w.own(created(r, "payment_id", "receiving a payment"), p1, victim)
    with w.step("a financing deal of the victim"):
        deal = {
            "tenant_id": victim,
            "institution": "ICBC Suzhou",
            "instrument": "loan",
            "amount": "1000000.00",
            "payer_id": victim,
        }
        r = await c.post(f"/parks/{p1}/financing-deals", headers=staff, json=deal)
        w.values["deal_id"] = w.own(created(r, "deal_id", "closing a financing deal"), p1, victim)
    with w.step("an equity stake in the victim"):
        stake = {"tenant_id": victim, "percent": "1.5", "amount": "50000.00"}
        r = await c.post(f"/parks/{p1}/equity-stakes", headers=staff, json=stake)
        w.values["stake_id"] = w.own(created(r, "stake_id", "acquiring a stake"), p1, victim)
    if "lease_id" in w.values:
        with w.step("finance knows the victim's lease (billing schedule from LeaseSigned)"):
            url = f"/parks/{p1}/billing-schedules/{w.values['lease_id']}"

            async def scheduled() -> bool:
                return (await c.get(url, headers=staff)).status_code == 200

            await eventually(scheduled, within=20)


async def _kpi(p: Platform, w: GroupWorld) -> None:
    c, p1, admin = p.http["kpi"], w.home, w.admin()
    assessed = str(int(YEAR) - 1)  # kpi assesses closed periods only: the year before is closed
    w.values |= {"year": YEAR, "period": assessed}
    with w.step("kpi targets, an agreement and a published assessment"):
        r = await c.get(f"/parks/{p1}/targets", headers=admin)
        assert r.status_code == 200, f"targets: {r.status_code} {r.text[:300]}"
        kpis = sorted(r.json()["targets"])
        w.values["kpi"] = kpis[0]
        agreement = {"kpis": kpis[:2], "bonus_basis": "revenue", "bonus_share": "0.10"}
        r = await c.put(f"/parks/{p1}/agreement", headers=admin, json=agreement)
        assert r.status_code == 200, f"agreement: {r.status_code} {r.text[:300]}"
        r = await c.post(f"/parks/{p1}/assessments/{assessed}", headers=admin)
        assert r.status_code == 201, f"assessment: {r.status_code} {r.text[:300]}"


async def _matchmaking(p: Platform, w: GroupWorld) -> None:
    c, p1, admin = p.http["matchmaking"], w.home, w.admin()
    victim, partner = w.tenants["victim"], w.tenants["partner"]
    with w.step("matchmaking profiles with an offering and a need"):

        async def profiled() -> bool:
            r = await c.get(f"/parks/{p1}/profiles/{victim}", headers=admin)
            return r.status_code == 200

        await eventually(profiled, within=20)
        offering = {
            "text": "中硼硅玻璃瓶 疫苗西林瓶 borosilicate vaccine vials",
            "segment": "bio.packaging",
            "capacity": 20000,
            "certifications": ["GMP"],
        }
        r = await c.put(f"/parks/{p1}/profiles/{partner}", headers=admin, json={"offerings": [offering]})
        w.values["offering_id"] = w.own(created(r, "offering_id", "declaring an offering"), p1, partner)
        need = {"text": "采购疫苗西林瓶 glass vials", "volume": 5000, "required_certifications": ["GMP"]}
        r = await c.put(f"/parks/{p1}/profiles/{victim}", headers=admin, json={"needs": [need]})
        w.values["need_id"] = w.own(created(r, "need_id", "declaring a need"), p1, victim)
    if "need_id" not in w.values:
        return
    with w.step("a proposal between the victim and its partner"):
        url = f"/parks/{p1}/profiles/{victim}/needs/{w.values['need_id']}/proposals"
        r = await c.post(url, headers=admin)
        w.values["proposal_id"] = w.own(created(r, "proposal_id", "proposing"), p1, victim, partner)
    with w.step("a matchmaking meeting of the victim and its partner, planned as a job"):
        meeting = {"title": "vials", "held_on": "2026-09-01", "top_k": 5}
        job = admin | {"Prefer": "respond-async", "Idempotency-Key": f"sweep-meeting-{w.group}"}
        r = await c.post(f"/parks/{p1}/meetings", headers=job, json=meeting)
        assert r.status_code == 202, f"planning a meeting as a job: {r.status_code} {r.text[:300]}"
        w.values["meeting_id"] = w.own(found(r.json(), "meeting_id"), p1, victim, partner)
        batch = r.headers["location"]  # its meeting batch, owned as the meeting is

        async def planned() -> bool:
            state = (await c.get(batch, headers=admin)).json().get("state")
            assert state != "failed", f"the meeting's batch failed: {batch}"
            return state == "succeeded"

        await eventually(planned, within=60, every=0.1)


def unknown_id() -> str:
    """An id of the right shape that names nothing."""
    return f"zz{secrets.token_hex(12)}"
