"""Bearer tokens: who is calling, verified once, as a typed principal.

Production tokens come from an identity provider, signed RS256 or ES256, verified against its JWKS (a URL
or a file) with the issuer and audience from settings. HS256 with a shared secret serves development and
tests. The claims are parsed by a pydantic model, so a missing or malformed claim is a 401 that says
which claim, never a 500. What a principal may see is decided in `parkops_runtime.access`."""

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from parkops_kernel.bounds import ClientId, Text
from parkops_kernel.errors import Forbidden
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from parkops_runtime.errors import Unauthorized, Unavailable

SECRET_ALGORITHMS = ("HS256",)
KEY_ALGORITHMS = ("RS256", "ES256")
MAX_VERIFIED_TOKENS = 10_000
MAX_PARKS_IN_TOKEN = 1_000


class Role(StrEnum):
    GROUP_ADMIN = "group_admin"
    PARK_OPERATOR = "park_operator"
    TENANT_USER = "tenant_user"
    AUDITOR = "auditor"


GROUP_WIDE = frozenset({Role.GROUP_ADMIN, Role.AUDITOR})
STAFF = (Role.GROUP_ADMIN, Role.PARK_OPERATOR)


class Claims(BaseModel):
    """The claims parkops reads; `exp`, `iss` and `aud` are checked by the signature verification."""

    model_config = ConfigDict(extra="ignore", frozen=True, strict=True)

    sub: Text
    role: Annotated[Role, Field(strict=False)]
    group: ClientId
    parks: list[ClientId] = Field(default_factory=list, max_length=MAX_PARKS_IN_TOKEN)
    tenant: ClientId | None = None

    @model_validator(mode="after")
    def _tenant_matches_role(self) -> "Claims":
        if self.role is Role.TENANT_USER and self.tenant is None:
            raise ValueError("a tenant_user token must name exactly one tenant (claim `tenant`)")
        if self.role is not Role.TENANT_USER and self.tenant is not None:
            raise ValueError(f"a {self.role.value} token names no tenant (claim `tenant`)")
        return self


@dataclass(frozen=True)
class Principal:
    subject: str
    role: Role
    group_id: str
    park_ids: frozenset[str]
    tenant_id: str | None = None

    @classmethod
    def of(cls, claims: Claims) -> "Principal":
        return cls(claims.sub, claims.role, claims.group, frozenset(claims.parks), claims.tenant)

    @property
    def group_wide(self) -> bool:
        return self.role in GROUP_WIDE

    def may_name_park(self, park_id: str) -> bool:
        """Whether the token reaches the park at all (its group still has to own it)."""
        return self.group_wide or park_id in self.park_ids

    def sees_park(self, group_id: str, park_id: str) -> bool:
        return group_id == self.group_id and self.may_name_park(park_id)

    def require_role(self, *roles: Role) -> None:
        """403: for callers that see the object but may not do this to it."""
        if self.role not in roles:
            allowed = ", ".join(r.value for r in roles)
            raise Forbidden(f"role {self.role.value} may not do this; allowed: {allowed}")


def parse_claims(claims: dict[str, Any]) -> Claims:
    try:
        return Claims.model_validate(claims)
    except ValidationError as exc:
        reasons = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'claims'}: {e['msg']}" for e in exc.errors())
        raise Unauthorized(f"invalid token claims: {reasons}") from exc


class TokenCodec:
    """Mints HS256 tokens (development, tests, `parkops-token`); production tokens come from the IdP."""

    def __init__(self, secret: str, issuer: str, audience: str | None = None) -> None:
        self._secret, self._issuer, self._audience = secret, issuer, audience

    def mint(
        self,
        subject: str,
        role: Role,
        group_id: str,
        park_ids: frozenset[str] | list[str] = frozenset(),
        *,
        tenant_id: str | None = None,
        ttl: timedelta = timedelta(hours=12),
    ) -> str:
        """Raises `Unauthorized` for claims no service would accept (e.g. a tenant user without tenant)."""
        now = datetime.now(UTC)
        claims: dict[str, Any] = {"sub": subject, "role": role.value, "group": group_id}
        claims["parks"] = sorted(park_ids)
        if tenant_id is not None:
            claims["tenant"] = tenant_id
        parse_claims(claims)
        claims |= {"iss": self._issuer, "iat": now, "exp": now + ttl}
        if self._audience:
            claims["aud"] = self._audience
        return jwt.encode(claims, self._secret, algorithm="HS256")


class TokenVerifier:
    """Verifies a token's signature, expiry, issuer and audience, then parses its claims.

    A token verified before is not verified again until it expires (verifying was ~7% of a request's
    CPU); failures are never cached. Keys of the identity provider are looked up by the token's `kid`.
    A cached token is kept for its remaining lifetime measured on `clock` (monotonic: a wall-clock step
    neither extends nor cuts it; tests pass a clock they advance)."""

    def __init__(
        self,
        *,
        issuer: str,
        audience: str | None = None,
        secret: str | None = None,
        jwks_url: str | None = None,
        jwks_file: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._clock = clock
        self._issuer, self._audience, self._secret = issuer, audience, secret or None
        self._jwks_client = jwt.PyJWKClient(jwks_url, lifespan=300) if jwks_url else None
        self._jwks_file = jwt.PyJWKSet.from_json(Path(jwks_file).read_text()) if jwks_file else None
        self._verified: dict[str, tuple[Principal, float]] = {}

    @property
    def algorithms(self) -> tuple[str, ...]:
        has_keys = self._jwks_client is not None or self._jwks_file is not None
        return (SECRET_ALGORITHMS if self._secret else ()) + (KEY_ALGORITHMS if has_keys else ())

    async def principal(self, token: str) -> Principal:
        known = self._verified.get(token)
        if known is not None and self._clock() < known[1]:
            return known[0]
        key = await self._key_for(token)
        principal, expires = self._verify(token, key)
        if len(self._verified) >= MAX_VERIFIED_TOKENS:
            self._verified.clear()
        self._verified[token] = (principal, self._clock() + (expires - time.time()))
        return principal

    async def _key_for(self, token: str) -> Any:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"invalid token: {exc}") from exc
        algorithm = header.get("alg")
        if algorithm not in self.algorithms:
            allowed = ", ".join(self.algorithms) or "none configured"
            raise Unauthorized(f"invalid token: algorithm {algorithm!r} is not accepted ({allowed})")
        if algorithm in SECRET_ALGORITHMS:
            return self._secret
        kid = header.get("kid")
        try:
            if self._jwks_file is not None:
                jwk = self._jwks_file[str(kid)]
            else:
                assert self._jwks_client is not None
                # PyJWKClient fetches with urllib: off the event loop (it caches the key set afterwards).
                jwk = await asyncio.to_thread(self._jwks_client.get_signing_key_from_jwt, token)
        except jwt.PyJWKClientConnectionError as exc:
            raise Unavailable("the identity provider's key set cannot be fetched; try again shortly") from exc
        except (KeyError, jwt.PyJWKClientError) as exc:
            raise Unauthorized(f"invalid token: no key {kid!r} in the identity provider's key set") from exc
        # A key of another type (an RSA key's kid on an ES256 token) makes PyJWT raise TypeError: a 500.
        if jwk.algorithm_name != algorithm:
            raise Unauthorized(f"invalid token: key {kid!r} is not a {algorithm} key")
        return jwk.key

    def _verify(self, token: str, key: Any) -> tuple[Principal, float]:
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=list(self.algorithms),
                issuer=self._issuer,
                audience=self._audience,
                options={"require": ["sub", "exp", "iss"], "verify_aud": self._audience is not None},
            )
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"invalid token: {exc}") from exc
        return Principal.of(parse_claims(claims)), float(claims["exp"])


_bearer = HTTPBearer(auto_error=False)


async def authenticate(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    if credentials is None:
        raise Unauthorized("missing bearer token")
    verifier: TokenVerifier = request.app.state.token_verifier
    return await verifier.principal(credentials.credentials)


CurrentPrincipal = Annotated[Principal, Depends(authenticate)]
