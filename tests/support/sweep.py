"""An authorization sweep driven by the services' OpenAPI documents (README, "Security").

Every operation of every service is called with the path ids of a seeded group's objects by callers
that must not reach them, and the answers are checked against the README's table:

- a bad token (none, expired, bad signature, `alg: none`, malformed claims): 401, on every operation;
- the group admin of the other group, the park operator of the group's other park and a tenant user
  of that park: 404 on everything under the park or its objects, answered exactly as for an unknown id
  of the same kind (no existence oracle); 403 (own group) or 404 (other group) on `/groups/{group_id}`;
- a tenant user of another tenant of the same park: 404 (or the 403 its role gets for an unknown id as
  well) on the victim tenant's objects;
- an auditor of the group: 403 on every write;
- the other group's admin and the other park's operator naming the victim's object ids under their own
  park: 404 as for an unknown id (an id reaches only its owner's objects).

No answer to any of them may carry an id its caller may not see (another group's, another park's,
another tenant's), other than the ids the caller put in the URL. An operation whose path parameter
the sweep cannot fill is a failure: a new route cannot slip past it."""

import asyncio
import base64
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
from parkops_runtime.auth import Role, TokenCodec
from parkops_runtime.settings import DEV_JWT_SECRET

from tests.support.seed import GroupWorld, Owner, unknown_id
from tests.support.services import TOKENS, bearer

ISSUER = "parkops"
NOT_IDS = frozenset({"kpi", "year", "period"})  # path parameters that name no object of an owner
TENANT_OWNED = frozenset(
    {
        "tenant_id",
        "lease_id",
        "ticket_id",
        "invoice_id",
        "payment_id",
        "deal_id",
        "stake_id",
        "subsidy_id",
        "need_id",
        "offering_id",
        "proposal_id",
        "meeting_id",
    }
)
PUBLIC = ("/health", "/metrics", "/openapi.json", "/asyncapi.json", "/docs", "/redoc")
QUERY_VALUES = {"from": "2026", "to": "2026", "period": "2026", "as_of": "2026-06-30"}
METHODS = ("get", "put", "post", "patch", "delete")
# POSTs that compute an answer and store nothing: not writes, so an auditor may call them.
COMPUTATIONS = frozenset({("leasing", "/parks/{park_id}/quotes")})


@dataclass(frozen=True)
class Operation:
    service: str
    method: str
    path: str
    params: tuple[str, ...]
    query: tuple[tuple[str, str], ...]  # required query parameters, with a value
    has_body: bool

    @property
    def label(self) -> str:
        return f"{self.service} {self.method} {self.path}"

    @property
    def write(self) -> bool:
        return self.method != "GET" and (self.service, self.path) not in COMPUTATIONS

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(p for p in self.params if p not in NOT_IDS)

    @property
    def scoped(self) -> bool:
        """Names an object of an owner (a group, a park, something in a park)."""
        return bool(self.ids)

    @property
    def group_level(self) -> bool:
        return "group_id" in self.params

    @property
    def tenant_owned(self) -> bool:
        return any(p in TENANT_OWNED for p in self.params)

    def url(self, values: dict[str, str]) -> str:
        return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], self.path)


def _query_value(name: str, schema: dict[str, Any]) -> str:
    if name in QUERY_VALUES:
        return QUERY_VALUES[name]
    kinds = [schema, *schema.get("anyOf", [])]
    if any(k.get("format") == "date" for k in kinds):
        return "2026-06-30"
    if any(k.get("type") == "integer" for k in kinds):
        return "1"
    return "2026"


def operations(service: str, document: dict[str, Any]) -> list[Operation]:
    found = []
    for path, item in document.get("paths", {}).items():
        if path.startswith(PUBLIC):
            continue
        for method in METHODS:
            spec = item.get(method)
            if spec is None:
                continue
            parameters = [*item.get("parameters", []), *spec.get("parameters", [])]
            query = tuple(
                (q["name"], _query_value(q["name"], q.get("schema", {})))
                for q in parameters
                if q.get("in") == "query" and q.get("required")
            )
            params = tuple(re.findall(r"\{(\w+)\}", path))
            found.append(Operation(service, method.upper(), path, params, query, "requestBody" in spec))
    return found


@dataclass(frozen=True)
class Caller:
    name: str
    headers: tuple[tuple[str, str], ...]
    group: str | None = None  # None: nobody (a bad token)
    park: str | None = None  # None: group-wide
    tenant: str | None = None

    def sees(self, owner: Owner) -> bool:
        if self.group is None or owner.group != self.group:
            return False
        if self.park is None or owner.park is None:
            return True
        if owner.park != self.park:
            return False
        return self.tenant is None or owner.tenants is None or self.tenant in owner.tenants


def caller(name: str, headers: dict[str, str], **scope: Any) -> Caller:
    return Caller(name, tuple(headers.items()), **scope)


def _signed(claims: dict[str, Any], secret: str = DEV_JWT_SECRET) -> dict[str, str]:
    now = datetime.now(UTC)
    full = {"sub": "sweep", "iss": ISSUER, "iat": now, "exp": now + timedelta(hours=1)} | claims
    return {"Authorization": f"Bearer {jwt.encode(full, secret, algorithm='HS256')}"}


def _unsigned(claims: dict[str, Any]) -> dict[str, str]:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    exp = int((datetime.now(UTC) + timedelta(hours=1)).timestamp())
    body = {"sub": "sweep", "iss": ISSUER, "exp": exp} | claims
    return {"Authorization": f"Bearer {part({'alg': 'none', 'typ': 'JWT'})}.{part(body)}."}


def bad_tokens(w: GroupWorld) -> list[Caller]:
    """Tokens that would reach the victim's objects if they were accepted."""
    admin = {"role": "group_admin", "group": w.group, "parks": [w.home]}
    expired = TOKENS.mint("sweep", Role.GROUP_ADMIN, w.group, [w.home], ttl=timedelta(minutes=-5))
    forged = TokenCodec("not-the-secret-" + "x" * 32, ISSUER).mint("sweep", Role.GROUP_ADMIN, w.group)
    return [
        caller("no token", {}),
        caller("not a JWT", {"Authorization": "Bearer not-a-jwt"}),
        caller("expired token", {"Authorization": f"Bearer {expired}"}),
        caller("bad signature", {"Authorization": f"Bearer {forged}"}),
        caller("alg none", _unsigned(admin)),
        caller("claim parks: null", _signed(admin | {"parks": None})),
        caller("claim parks: 5", _signed(admin | {"parks": 5})),
        caller("tenant_user without tenant", _signed(admin | {"role": "tenant_user"})),
        caller("unknown role", _signed(admin | {"role": "superuser"})),
        caller("no group claim", _signed({"role": "group_admin", "parks": [w.home]})),
    ]


@dataclass(frozen=True)
class Expect:
    codes: frozenset[int] | None  # None: any answer but 5xx (the body is still checked for leaks)
    like_unknown: bool = False  # the same answer as for an unknown id in place of the last path id

    def describe(self) -> str:
        codes = "/".join(map(str, sorted(self.codes))) if self.codes else "not 5xx"
        return codes + (", as for an unknown id" if self.like_unknown else "")


ANY = Expect(None)
NOT_FOUND = Expect(frozenset({404}), like_unknown=True)
FORBIDDEN = Expect(frozenset({403}))
UNAUTHORIZED = Expect(frozenset({401}))


def attacks(op: Operation, victim: GroupWorld, other: GroupWorld) -> list[tuple[Caller, Expect]]:
    """Who attacks the victim's objects through this operation, and what each must get."""
    g, p2 = victim.group, victim.parks[1]
    outsider = caller(f"group_admin of {other.group}", other.admin(), group=other.group)
    operator = caller(f"park_operator of {p2}", victim.operator(p2), group=g, park=p2)
    elsewhere = caller(
        f"tenant_user of {p2}",
        victim.tenant("elsewhere"),
        group=g,
        park=p2,
        tenant=victim.tenants["elsewhere"],
    )
    sibling = caller(
        f"tenant_user of another tenant of {victim.home}",
        victim.tenant("sibling"),
        group=g,
        park=victim.home,
        tenant=victim.tenants["sibling"],
    )
    auditor = caller(f"auditor of {g}", bearer(Role.AUDITOR, g), group=g)
    if not op.scoped:
        plan = [(outsider, ANY), (operator, ANY), (elsewhere, ANY), (sibling, ANY)]
    elif op.group_level:
        plan = [(outsider, NOT_FOUND), (operator, FORBIDDEN), (elsewhere, FORBIDDEN), (sibling, FORBIDDEN)]
    else:
        own = Expect(frozenset({403, 404}), like_unknown=True) if op.tenant_owned else ANY
        plan = [(outsider, NOT_FOUND), (operator, NOT_FOUND), (elsewhere, NOT_FOUND), (sibling, own)]
    if op.write:
        plan.append((auditor, FORBIDDEN))
    return plan


# Valid bodies for writes on an object: with `{}` the caller, in its own park, would rightly get the 422
# before the object is looked up. A write missing here is checked only for the same answer as an unknown id.
BODIES: dict[tuple[str, str, str], Callable[[dict[str, str]], dict[str, Any]]] = {
    ("leasing", "POST", "/parks/{park_id}/leases/{lease_id}/renewals"): lambda v: {"term_months": 12},
    ("leasing", "POST", "/parks/{park_id}/leases/{lease_id}/termination"): lambda v: {
        "terminated_on": "2027-06-30",
        "reason": "expansion_elsewhere",
    },
    ("leasing", "POST", "/parks/{park_id}/tenants/{tenant_id}/metrics"): lambda v: {
        "year": 2025,
        "tax_paid": "1.00",
        "revenue": "1.00",
        "headcount": 1,
    },
    ("leasing", "POST", "/parks/{park_id}/units/{unit_id}/renovations"): lambda v: {"base_rent": "50.00"},
    ("finance", "POST", "/parks/{park_id}/equity-stakes/{stake_id}/exit"): lambda v: {"amount": "1.00"},
    ("matchmaking", "POST", "/parks/{park_id}/meetings/{meeting_id}/attendance"): lambda v: {
        "tenant_id": v["tenant_id"]
    },
    ("matchmaking", "POST", "/parks/{park_id}/proposals/{proposal_id}/deal"): lambda v: {
        "value_cny": "1.00",
        "estimated_saving_cny": "0.00",
    },
    ("matchmaking", "PUT", "/parks/{park_id}/profiles/{tenant_id}"): lambda v: {"offerings": []},
}
SMUGGLED = Expect(frozenset({404, 422}), like_unknown=True)


def valid_body(op: Operation, values: dict[str, str]) -> dict[str, Any] | None:
    make = BODIES.get((op.service, op.method, op.path))
    return make(values) if make else None


def smuggled(op: Operation, victim: GroupWorld, other: GroupWorld) -> list[tuple[Caller, dict[str, str]]]:
    """The victim's object ids under a park the caller does reach: its own objects only are there."""
    if "park_id" not in op.params or op.group_level or len(op.ids) < 2:
        return []
    p2 = victim.parks[1]
    return [
        (
            caller(f"group_admin of {other.group}, in its own park", other.admin(), group=other.group),
            victim.values | {"park_id": other.home},
        ),
        (
            caller(
                f"park_operator of {p2}, in its own park", victim.operator(p2), group=victim.group, park=p2
            ),
            victim.values | {"park_id": p2},
        ),
    ]


@dataclass
class Sweep:
    clients: dict[str, httpx.AsyncClient]
    worlds: list[GroupWorld]
    requests: Counter[str] = field(default_factory=Counter)
    answers: Counter[int] = field(default_factory=Counter)
    mismatches: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    uncovered: list[str] = field(default_factory=list)
    concurrency: int = 8

    def __post_init__(self) -> None:
        # An id two owners both hold (a per-park invoice number) cannot tell whose it is: not checked.
        held: dict[str, set[Owner]] = {}
        for w in self.worlds:
            for value, owner in w.owners.items():
                held.setdefault(value, set()).add(owner)
        self.owners = {value: owners.pop() for value, owners in held.items() if len(owners) == 1}
        self._gate = asyncio.Semaphore(self.concurrency)

    async def documents(self) -> dict[str, list[Operation]]:
        found = {}
        for name, client in self.clients.items():
            r = await client.get("/openapi.json")
            assert r.status_code == 200, f"{name} serves no OpenAPI document: {r.status_code}"
            found[name] = operations(name, r.json())
            assert found[name], f"{name}'s OpenAPI document lists no operation"
        return found

    def fillable(self, op: Operation, w: GroupWorld) -> bool:
        missing = [p for p in op.params if p not in w.values]
        if missing:
            self.uncovered.append(
                f"{op.label}: no seeded value of {w.group} for path parameter(s) {', '.join(missing)}"
            )
        return not missing

    async def send(self, op: Operation, who: Caller, url: str, body: Any = None) -> httpx.Response:
        async with self._gate:
            self.requests[op.service] += 1
            r = await self.clients[op.service].request(
                op.method,
                url,
                headers=dict(who.headers),
                params=dict(op.query),
                json=body if body is not None else {} if op.has_body else None,
            )
            self.answers[r.status_code] += 1
            return r

    def check_leaks(self, op: Operation, who: Caller, url: str, r: httpx.Response) -> None:
        text = r.text
        for value, owner in self.owners.items():
            if value in text and value not in url and not who.sees(owner):
                self.leaks.append(
                    f"{op.method} {url} ({op.service}) as {who.name}: {r.status_code} carries {value!r} "
                    f"of {owner.group}/{owner.park or '-'}/{','.join(sorted(owner.tenants or ())) or '-'}"
                )

    async def attack(
        self, op: Operation, who: Caller, expect: Expect, values: dict[str, str], body: Any = None
    ) -> None:
        url = op.url(values)
        r = await self.send(op, who, url, body)
        self.check_leaks(op, who, url, r)
        wrong = r.status_code >= 500 or (expect.codes is not None and r.status_code not in expect.codes)
        if wrong:
            self.mismatch(op, who, url, expect.describe(), r)
            return
        if expect.like_unknown:
            # the object itself, and the park or group it is under when the caller may not see that
            root = op.ids[0]
            hidden = root in values and not who.sees(self.owners.get(values[root], Owner("")))
            for param in dict.fromkeys((op.ids[-1], *((root,) if hidden else ()))):
                await self.compare_with_unknown(op, who, values, r, param, body)

    async def compare_with_unknown(
        self,
        op: Operation,
        who: Caller,
        values: dict[str, str],
        seen: httpx.Response,
        param: str,
        body: Any = None,
    ) -> None:
        """Out of scope must be indistinguishable from missing: same status, same body but for the id."""
        real, fake = values[param], unknown_id()
        url = op.url(values | {param: fake})
        r = await self.send(op, who, url, body)
        self.check_leaks(op, who, url, r)
        if r.status_code != seen.status_code or _masked(seen, real) != _masked(r, fake):
            self.mismatches.append(
                f"{op.label} as {who.name}: oracle on {param}: existing {real} -> {seen.status_code} "
                f"{seen.text[:160]!r}, unknown -> {r.status_code} {r.text[:160]!r}"
            )

    def mismatch(self, op: Operation, who: Caller, url: str, expected: str, r: httpx.Response) -> None:
        self.mismatches.append(
            f"{op.label} as {who.name}: expected {expected}, got {r.status_code} "
            f"({op.method} {url}: {r.text[:200]!r})"
        )

    async def control(self, op: Operation, w: GroupWorld) -> None:
        """The owner reaches the object: otherwise the attacks' 404s would prove nothing."""
        owner = caller(f"group_admin of {w.group}", w.admin(), group=w.group)
        url = op.url(w.values)
        r = await self.send(op, owner, url)
        if r.status_code in (401, 404) or r.status_code >= 500:
            self.uncovered.append(
                f"{op.label}: its owner (group_admin of {w.group}) gets {r.status_code} for {url}, "
                f"so refusing others proves nothing: {r.text[:200]!r}"
            )

    async def run(self) -> dict[str, list[Operation]]:
        docs = await self.documents()
        ops = [op for found in docs.values() for op in found]
        a, b = self.worlds
        jobs = []
        tokens = bad_tokens(a)
        for op in ops:
            for victim, other in ((a, b), (b, a)):
                if not self.fillable(op, victim):
                    continue
                for who, expect in attacks(op, victim, other):
                    jobs.append(self.attack(op, who, expect, victim.values))
                if all(victim.values[p] in self.owners for p in op.ids[1:]):
                    # (an id both groups hold, a per-park invoice number, names the caller's own object)
                    body = valid_body(op, victim.values)
                    expect = SMUGGLED if op.has_body and body is None else NOT_FOUND
                    for who, values in smuggled(op, victim, other):
                        jobs.append(self.attack(op, who, expect, values, body))
            if _filled(op, a):
                jobs.extend(self.attack(op, who, UNAUTHORIZED, a.values) for who in tokens)
        await asyncio.gather(*jobs)
        # Owners last: their writes may change what they touch, the attacks above may not.
        await asyncio.gather(
            *(self.control(op, w) for op in ops if op.scoped for w in self.worlds if _filled(op, w))
        )
        self.uncovered = sorted(set(self.uncovered))
        return docs

    def report(self, docs: dict[str, list[Operation]]) -> str:
        lines = ["authorization sweep:"]
        for name, ops in docs.items():
            scoped = sum(op.scoped for op in ops)
            lines.append(
                f"  {name}: {len(ops)} operations ({scoped} with a path id), {self.requests[name]} requests"
            )
        lines.append(
            f"  total: {sum(self.requests.values())} requests, {len(self.mismatches)} mismatches, "
            f"{len(self.leaks)} leaks, {len(self.uncovered)} uncovered"
        )
        lines.append("  answers: " + ", ".join(f"{code} x{n}" for code, n in sorted(self.answers.items())))
        for title, items in (
            ("uncovered", self.uncovered),
            ("mismatches", self.mismatches),
            ("leaks", self.leaks),
        ):
            if items:
                lines.append(f"{title}:")
                lines.extend(f"  - {item}" for item in sorted(items))
        return "\n".join(lines)


def _filled(op: Operation, w: GroupWorld) -> bool:
    return all(p in w.values for p in op.params)


def _masked(r: httpx.Response, value: str) -> Any:
    text = r.text.replace(value, "<id>")
    try:
        return json.loads(text)
    except ValueError:
        return text
