"""Tokens: identity-provider keys (JWKS file or URL), development HS256, strict claims, 401 for the rest."""

import json
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm
from parkops_kernel.errors import Forbidden
from parkops_runtime.auth import MAX_PARKS_IN_TOKEN, Principal, Role, TokenCodec, TokenVerifier
from parkops_runtime.errors import Unauthorized, Unavailable
from parkops_runtime.problems import status_of

SECRET = "a-test-secret-long-enough-for-hs256!"
ISSUER = "https://idp.example.test/"
AUDIENCE = "parkops-api"
CODEC = TokenCodec(SECRET, "parkops")
HS256 = TokenVerifier(issuer="parkops", secret=SECRET)


@dataclass(frozen=True)
class SigningKey:
    kid: str
    algorithm: str
    private: Any

    def jwk(self) -> dict[str, Any]:
        to_jwk = RSAAlgorithm.to_jwk if self.algorithm == "RS256" else ECAlgorithm.to_jwk
        public = to_jwk(self.private.public_key(), as_dict=True)
        assert isinstance(public, dict)
        return public | {"kid": self.kid, "alg": self.algorithm, "use": "sig"}

    def sign(self, claims: dict[str, Any], **header: Any) -> str:
        return jwt.encode(claims, self.private, algorithm=self.algorithm, headers={"kid": self.kid} | header)


def rsa_key(kid: str) -> SigningKey:
    return SigningKey(kid, "RS256", rsa.generate_private_key(public_exponent=65537, key_size=2048))


def ec_key(kid: str) -> SigningKey:
    return SigningKey(kid, "ES256", ec.generate_private_key(ec.SECP256R1()))


RSA = rsa_key("rsa-1")
EC = ec_key("ec-1")


def jwks(*keys: SigningKey) -> dict[str, Any]:
    return {"keys": [k.jwk() for k in keys]}


def claims(**overrides: Any) -> dict[str, Any]:
    """What an identity provider issues for a park operator of g1, valid for an hour."""
    now = datetime.now(UTC)
    issued = {
        "sub": "user-7",
        "role": "park_operator",
        "group": "g1",
        "parks": ["p1", "p2"],
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + timedelta(hours=1),
    }
    return {k: v for k, v in (issued | overrides).items() if v is not ...}


@pytest.fixture
def jwks_file(tmp_path: Path) -> TokenVerifier:
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(jwks(RSA, EC)))
    return TokenVerifier(issuer=ISSUER, audience=AUDIENCE, jwks_file=str(path))


@dataclass
class KeyServer:
    """A stand-in for the identity provider's JWKS endpoint: answers the queued responses in turn."""

    url: str
    answers: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    requests: int = 0

    def serve(self, *keys: SigningKey) -> None:
        self.answers.append((200, jwks(*keys)))


@pytest.fixture
def key_server() -> Iterator[KeyServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    state = KeyServer(f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests += 1
            status, body = state.answers.pop(0) if len(state.answers) > 1 else state.answers[0]
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *_: Any) -> None:
            pass

    server.RequestHandlerClass = Handler
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


async def refused(verifier: TokenVerifier, token: str) -> str:
    """The reason of the 401 the verifier answers."""
    with pytest.raises(Unauthorized) as caught:
        await verifier.principal(token)
    assert status_of(caught.value) == 401
    return str(caught.value)


# --- identity-provider tokens ---


@pytest.mark.parametrize("key", [RSA, EC], ids=["RS256", "ES256"])
async def test_identity_provider_tokens_verify_against_a_jwks_file(
    jwks_file: TokenVerifier, key: SigningKey
) -> None:
    who = await jwks_file.principal(key.sign(claims()))
    assert who == Principal("user-7", Role.PARK_OPERATOR, "g1", frozenset({"p1", "p2"}))


async def test_identity_provider_tokens_verify_against_a_jwks_url(key_server: KeyServer) -> None:
    key_server.serve(RSA, EC)
    verifier = TokenVerifier(issuer=ISSUER, audience=AUDIENCE, jwks_url=key_server.url)
    for key in (RSA, EC):
        who = await verifier.principal(key.sign(claims(sub=f"by-{key.kid}")))
        assert who.subject == f"by-{key.kid}"
    assert key_server.requests == 1  # the key set is fetched once, then cached


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"iss": "https://another-idp.example.test/"}, "issuer"),
        ({"iss": ...}, "iss"),
        ({"aud": "another-api"}, "Audience"),
        ({"aud": ...}, "aud"),
        ({"exp": datetime.now(UTC) - timedelta(seconds=5)}, "expired"),
        ({"exp": ...}, "exp"),
    ],
    ids=["other-issuer", "no-issuer", "other-audience", "no-audience", "expired", "no-expiry"],
)
async def test_issuer_audience_and_expiry_are_enforced(
    jwks_file: TokenVerifier, overrides: dict[str, Any], reason: str
) -> None:
    assert reason in await refused(jwks_file, RSA.sign(claims(**overrides)))


async def test_an_unknown_kid_is_401_from_a_file(jwks_file: TokenVerifier) -> None:
    assert "rotated-9" in await refused(jwks_file, rsa_key("rotated-9").sign(claims()))


async def test_an_unknown_kid_is_401_from_a_url(key_server: KeyServer) -> None:
    key_server.serve(RSA)
    verifier = TokenVerifier(issuer=ISSUER, audience=AUDIENCE, jwks_url=key_server.url)
    assert "rotated-9" in await refused(verifier, rsa_key("rotated-9").sign(claims()))


async def test_an_unreachable_key_set_is_503_not_the_callers_fault(key_server: KeyServer) -> None:
    key_server.answers.append((503, {"error": "down"}))
    verifier = TokenVerifier(issuer=ISSUER, audience=AUDIENCE, jwks_url=key_server.url)
    with pytest.raises(Unavailable) as caught:
        await verifier.principal(RSA.sign(claims()))
    assert status_of(caught.value) == 503
    assert "Retry-After" in caught.value.headers


def unsigned(payload: dict[str, Any]) -> str:
    return jwt.encode(payload, "", algorithm="none")


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda: unsigned(claims()), "'none' is not accepted"),
        (lambda: jwt.encode(claims(), SECRET, algorithm="HS256", headers={"kid": "rsa-1"}), "'HS256'"),
        (lambda: rsa_key("rsa-1").sign(claims()), "Signature verification failed"),
        # The RSA key's kid on an ES256 token: the key does not fit the algorithm.
        (lambda: ec_key("rsa-1").sign(claims()), "not a ES256 key"),
        (lambda: RSA.sign(claims())[:-4] + "AAAA", "invalid token"),
        (lambda: "not-a-jwt", "invalid token"),
    ],
    ids=["alg-none", "hs256-without-secret", "bad-signature", "key-of-another-type", "tampered", "garbage"],
)
async def test_tokens_the_identity_provider_did_not_sign_are_401(
    jwks_file: TokenVerifier, make: Callable[[], str], reason: str
) -> None:
    assert reason in await refused(jwks_file, make())


async def test_alg_none_is_401_with_a_secret_too() -> None:
    payload = claims(iss="parkops", aud=...)
    assert "'none' is not accepted" in await refused(HS256, unsigned(payload))


# --- claims ---


@pytest.mark.parametrize(
    ("overrides", "claim"),
    [
        ({"parks": None}, "parks"),
        ({"parks": 5}, "parks"),
        ({"parks": ["p1", "p\x002"]}, "parks.1"),
        ({"parks": [f"p{i}" for i in range(MAX_PARKS_IN_TOKEN + 1)]}, "parks"),
        ({"role": "tenant_user"}, "tenant"),
        ({"role": "tenant_user", "tenant": None}, "tenant"),
        ({"role": "group_admin", "tenant": "t1"}, "tenant"),
        ({"role": "superuser"}, "role"),
        ({"role": ...}, "role"),
        ({"group": "g\x001"}, "group"),
        ({"group": ...}, "group"),
        ({"group": 7}, "group"),
        ({"sub": 42}, "Subject"),
        ({"sub": "user\x00"}, "sub"),
        ({"role": "tenant_user", "tenant": ["t1", "t2"]}, "tenant"),
    ],
    ids=[
        "parks-null",
        "parks-number",
        "nul-in-park",
        "too-many-parks",
        "tenant-user-without-tenant",
        "tenant-user-null-tenant",
        "tenant-on-group-admin",
        "unknown-role",
        "no-role",
        "nul-in-group",
        "no-group",
        "group-number",
        "sub-number",
        "nul-in-sub",
        "two-tenants",
    ],
)
async def test_malformed_claims_are_401_naming_the_claim(
    jwks_file: TokenVerifier, overrides: dict[str, Any], claim: str
) -> None:
    assert claim in await refused(jwks_file, EC.sign(claims(**overrides)))


async def test_a_tenant_user_token_carries_its_tenant(jwks_file: TokenVerifier) -> None:
    who = await jwks_file.principal(RSA.sign(claims(role="tenant_user", tenant="t1", parks=["p1"])))
    assert (who.role, who.tenant_id, who.park_ids) == (Role.TENANT_USER, "t1", frozenset({"p1"}))


# --- the cache of verified tokens ---


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every signature verification the verifier makes, by token."""
    seen: list[str] = []
    decode = jwt.decode

    def counting(token: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(token)
        return decode(token, *args, **kwargs)

    monkeypatch.setattr(jwt, "decode", counting)  # the module parkops_runtime.auth calls
    return seen


async def test_a_verified_token_is_not_verified_again(decodes: list[str]) -> None:
    token = CODEC.mint("u", Role.PARK_OPERATOR, "g1", ["p1"])
    first = await HS256.principal(token)
    assert await HS256.principal(token) is first
    assert decodes == [token]


async def test_a_bad_token_is_verified_again_every_time(decodes: list[str]) -> None:
    forged = TokenCodec("another-secret-long-enough-for-hs256", "parkops").mint("u", Role.GROUP_ADMIN, "g1")
    for _ in range(2):
        await refused(HS256, forged)
    assert decodes == [forged, forged]


async def test_a_failure_is_not_remembered_once_the_key_set_is_back(key_server: KeyServer) -> None:
    # The identity provider's key set is briefly unavailable, then back: the same token string that was
    # refused meanwhile is accepted by the same verifier, so the refusal was not cached.
    key_server.answers.append((503, {"error": "down"}))
    key_server.serve(RSA)
    verifier = TokenVerifier(issuer=ISSUER, audience=AUDIENCE, jwks_url=key_server.url)
    token = RSA.sign(claims())
    with pytest.raises(Unavailable):
        await verifier.principal(token)
    assert (await verifier.principal(token)).subject == "user-7"
    assert key_server.requests == 2


@dataclass
class Clock:
    """A monotonic clock the test advances."""

    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_a_cached_token_is_verified_again_once_it_expires(decodes: list[str]) -> None:
    clock = Clock()
    verifier = TokenVerifier(issuer="parkops", secret=SECRET, clock=clock)
    token = CODEC.mint("u", Role.PARK_OPERATOR, "g1", ["p1"], ttl=timedelta(hours=1))
    await verifier.principal(token)
    clock.now += 3600 - 5  # still within its hour (the mint and this test take far less than 5 s)
    await verifier.principal(token)
    assert decodes == [token], "served from the cache while valid"
    clock.now += 10  # its hour is over: the cache no longer vouches for it, the signature check decides
    await verifier.principal(token)
    assert decodes == [token, token]


# --- development tokens ---


async def test_a_minted_token_verifies_with_issuer_and_audience() -> None:
    codec = TokenCodec(SECRET, "parkops", "parkops-api")
    verifier = TokenVerifier(issuer="parkops", audience="parkops-api", secret=SECRET)
    who = await verifier.principal(codec.mint("u", Role.TENANT_USER, "g1", ["p1"], tenant_id="t1"))
    assert (who.role, who.group_id, who.tenant_id) == (Role.TENANT_USER, "g1", "t1")
    assert "Audience" in await refused(
        TokenVerifier(issuer="parkops", audience="another-api", secret=SECRET),
        codec.mint("u", Role.AUDITOR, "g1"),
    )


@pytest.mark.parametrize(
    ("role", "tenant"),
    [(Role.TENANT_USER, None), (Role.GROUP_ADMIN, "t1")],
    ids=["no-tenant", "staff-tenant"],
)
def test_mint_refuses_claims_no_service_accepts(role: Role, tenant: str | None) -> None:
    with pytest.raises(Unauthorized, match="tenant"):
        CODEC.mint("u", role, "g1", ["p1"], tenant_id=tenant)


def parkops_token(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "parkops_runtime.auth_cli", "--secret", SECRET, *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_the_cli_refuses_a_tenant_user_without_tenant_and_mints_one_with() -> None:
    refused_cli = parkops_token("--role", "tenant_user", "--group", "g1", "--park", "p1")
    assert refused_cli.returncode != 0
    assert "tenant" in refused_cli.stderr
    assert refused_cli.stdout == ""

    minted = parkops_token("--role", "tenant_user", "--group", "g1", "--park", "p1", "--tenant", "t1")
    assert minted.returncode == 0, minted.stderr
    who = await HS256.principal(minted.stdout.strip())
    assert (who.role, who.park_ids, who.tenant_id) == (Role.TENANT_USER, frozenset({"p1"}), "t1")


# --- what a principal reaches ---


def test_a_park_operator_names_only_its_parks_in_its_group() -> None:
    who = Principal("u", Role.PARK_OPERATOR, "g1", frozenset({"p1"}))
    assert who.sees_park("g1", "p1")
    assert not who.sees_park("g1", "p2")
    assert not who.sees_park("g2", "p1")


@pytest.mark.parametrize("role", [Role.GROUP_ADMIN, Role.AUDITOR])
def test_group_wide_roles_reach_every_park_of_their_group_only(role: Role) -> None:
    who = Principal("u", role, "g1", frozenset())
    assert who.sees_park("g1", "any-park")
    assert not who.sees_park("g2", "any-park")


def test_roles_are_enforced_with_403() -> None:
    auditor = Principal("u", Role.AUDITOR, "g1", frozenset())
    with pytest.raises(Forbidden, match="auditor") as caught:
        auditor.require_role(Role.GROUP_ADMIN, Role.PARK_OPERATOR)
    assert status_of(caught.value) == 403
