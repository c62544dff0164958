import time
from datetime import timedelta

import pytest
from fastapi import HTTPException
from parkops_runtime.auth import Role, TokenCodec
from parkops_runtime.errors import Forbidden, NotFound

CODEC = TokenCodec("a-test-secret-long-enough-for-hs256!", "parkops")


def test_a_park_operator_sees_only_its_parks_in_its_group() -> None:
    who = CODEC.decode(CODEC.mint("u", Role.PARK_OPERATOR, "g1", ["p1"]))
    assert who.sees_park("g1", "p1")
    assert not who.sees_park("g1", "p2")
    assert not who.sees_park("g2", "p1")
    with pytest.raises(NotFound, match="p2"):
        who.require_park("g1", "p2")


@pytest.mark.parametrize("role", [Role.GROUP_ADMIN, Role.AUDITOR])
def test_group_wide_roles_see_every_park_of_their_group_only(role: Role) -> None:
    who = CODEC.decode(CODEC.mint("u", role, "g1"))
    assert who.sees_park("g1", "any-park")
    assert not who.sees_park("g2", "any-park")


def test_roles_are_enforced() -> None:
    auditor = CODEC.decode(CODEC.mint("u", Role.AUDITOR, "g1"))
    with pytest.raises(Forbidden, match="auditor"):
        auditor.require_role(Role.GROUP_ADMIN, Role.PARK_OPERATOR)


@pytest.mark.parametrize(
    "token",
    [
        TokenCodec("another-secret-long-enough-for-hs256", "parkops").mint("u", Role.GROUP_ADMIN, "g1"),
        TokenCodec("a-test-secret-long-enough-for-hs256!", "someone-else").mint("u", Role.GROUP_ADMIN, "g1"),
        CODEC.mint("u", Role.GROUP_ADMIN, "g1", ttl=timedelta(seconds=-5)),
        "not-a-jwt",
    ],
    ids=["wrong-secret", "wrong-issuer", "expired", "garbage"],
)
def test_bad_tokens_are_401(token: str) -> None:
    with pytest.raises(HTTPException) as caught:
        CODEC.decode(token)
    assert caught.value.status_code == 401


def test_a_verified_token_is_served_from_the_cache_until_it_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    codec = TokenCodec("a-test-secret-long-enough-for-hs256!", "parkops")
    token = codec.mint("u", Role.PARK_OPERATOR, "g1", ["p1"], ttl=timedelta(seconds=60))
    first = codec.decode(token)
    assert codec.decode(token) is first  # not verified again

    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    # Past its expiry the cache answers no more: the token is verified again (and an expired token is
    # refused by that verification, see test_bad_tokens_are_401).
    assert codec.decode(token) is not first


def test_a_bad_token_is_never_cached() -> None:
    codec = TokenCodec("a-test-secret-long-enough-for-hs256!", "parkops")
    for _ in range(2):
        with pytest.raises(HTTPException):
            codec.decode("not-a-jwt")
