"""JWT bearer authentication and park scoping.

A token names one park group and, for park operators and tenant users, the parks it may touch. Group
admins and auditors see every park of their group; auditors only read. Objects outside the token's
scope answer 404, exactly like objects that do not exist, so nothing leaks about other parks."""

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any

import jwt
from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from parkops_runtime.errors import Forbidden, NotFound

ALGORITHM = "HS256"
MAX_VERIFIED_TOKENS = 10_000


class Role(StrEnum):
    GROUP_ADMIN = "group_admin"
    PARK_OPERATOR = "park_operator"
    TENANT_USER = "tenant_user"
    AUDITOR = "auditor"


GROUP_WIDE = frozenset({Role.GROUP_ADMIN, Role.AUDITOR})


@dataclass(frozen=True)
class Principal:
    subject: str
    role: Role
    group_id: str
    park_ids: frozenset[str]
    tenant_id: str | None = None

    def sees_park(self, group_id: str, park_id: str) -> bool:
        if group_id != self.group_id:
            return False
        return self.role in GROUP_WIDE or park_id in self.park_ids

    def require_park(self, group_id: str, park_id: str, what: str = "park") -> None:
        """404 unless the park is in scope: the answer never tells whether it exists elsewhere."""
        if not self.sees_park(group_id, park_id):
            raise NotFound(f"{what} {park_id} not found")

    def require_role(self, *roles: Role) -> None:
        if self.role not in roles:
            allowed = ", ".join(r.value for r in roles)
            raise Forbidden(f"role {self.role.value} may not do this; allowed: {allowed}")


class TokenCodec:
    def __init__(self, secret: str, issuer: str) -> None:
        self._secret = secret
        self._issuer = issuer
        # Verifying a signature was ~7% of a request's CPU; callers send the same token again and again.
        self._verified: dict[str, tuple[Principal, float]] = {}

    def mint(
        self,
        subject: str,
        role: Role,
        group_id: str,
        park_ids: frozenset[str] | list[str] = frozenset(),
        tenant_id: str | None = None,
        ttl: timedelta = timedelta(hours=12),
    ) -> str:
        now = datetime.now(UTC)
        claims: dict[str, Any] = {
            "sub": subject,
            "role": role.value,
            "group": group_id,
            "parks": sorted(park_ids),
            "iss": self._issuer,
            "iat": now,
            "exp": now + ttl,
        }
        if tenant_id:
            claims["tenant"] = tenant_id
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    def decode(self, token: str) -> Principal:
        """The token's principal; a token verified before is not verified again until it expires."""
        known = self._verified.get(token)
        if known is not None and time.time() < known[1]:
            return known[0]
        principal, expires = self._verify(token)
        if len(self._verified) >= MAX_VERIFIED_TOKENS:
            self._verified.clear()
        self._verified[token] = (principal, expires)
        return principal

    def _verify(self, token: str) -> tuple[Principal, float]:
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                issuer=self._issuer,
                options={"require": ["sub", "role", "group", "exp", "iss"]},
            )
            principal = Principal(
                subject=str(claims["sub"]),
                role=Role(claims["role"]),
                group_id=str(claims["group"]),
                park_ids=frozenset(str(p) for p in claims.get("parks", [])),
                tenant_id=claims.get("tenant"),
            )
            return principal, float(claims["exp"])
        except (jwt.PyJWTError, ValueError) as exc:
            raise _unauthorized(f"invalid token: {exc}") from exc


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status_code=401, detail=detail, headers={"WWW-Authenticate": "Bearer"})


_bearer = HTTPBearer(auto_error=False)


async def authenticate(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    """Async though it awaits nothing: FastAPI runs a plain `def` dependency on a worker thread."""
    if credentials is None:
        raise _unauthorized("missing bearer token")
    codec: TokenCodec = request.app.state.token_codec
    return codec.decode(credentials.credentials)


CurrentPrincipal = Annotated[Principal, Depends(authenticate)]
