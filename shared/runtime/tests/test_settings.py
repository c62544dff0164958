"""A service refuses the public development secret outside development mode."""

import pytest
from parkops_runtime.service import ServiceRuntime
from parkops_runtime.settings import DEV_JWT_SECRET, InsecureSettings, ServiceSettings, settings_for


class DemoSettings(ServiceSettings):
    SERVICE_NAME = "demo"
    model_config = settings_for("DEMO_")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The settings under test come from this test alone, not from the shell that runs pytest."""
    for name in ("DEV_MODE", "JWT_SECRET", "JWT_JWKS_URL", "JWT_JWKS_FILE", "JWT_ISSUER", "JWT_AUDIENCE"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(f"DEMO_{name}", raising=False)


def test_the_development_secret_is_refused_outside_development_mode() -> None:
    settings = DemoSettings()
    assert settings.jwt_secret.get_secret_value() == DEV_JWT_SECRET
    with pytest.raises(InsecureSettings, match="DEV_MODE"):
        settings.check_secure()


def test_a_service_does_not_start_with_it() -> None:
    with pytest.raises(InsecureSettings):
        ServiceRuntime(DemoSettings())


def test_the_development_secret_is_refused_next_to_a_key_set_too() -> None:
    # HS256 stays accepted while a secret is set: anyone could mint tokens with the public one.
    with pytest.raises(InsecureSettings):
        DemoSettings(jwt_jwks_url="https://idp.example.test/jwks.json").check_secure()


@pytest.mark.parametrize("variable", ["DEV_MODE", "DEMO_DEV_MODE"])
def test_development_mode_from_the_environment_accepts_it(
    monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.setenv(variable, "true")
    settings = DemoSettings()
    assert settings.dev_mode
    settings.check_secure()


def test_the_prefixed_variable_wins_over_the_shared_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEV_MODE", "true")
    monkeypatch.setenv("DEMO_DEV_MODE", "false")
    with pytest.raises(InsecureSettings):
        DemoSettings().check_secure()


@pytest.mark.parametrize(
    "environment",
    [
        {"JWT_SECRET": "", "JWT_JWKS_URL": "https://idp.example.test/.well-known/jwks.json"},
        {"DEMO_JWT_SECRET": "", "DEMO_JWT_JWKS_FILE": "/etc/parkops/jwks.json"},
        {"JWT_SECRET": "a-secret-of-our-own-long-enough-for-hs256"},
    ],
    ids=["jwks-url", "jwks-file", "own-secret"],
)
def test_production_setups_are_accepted(monkeypatch: pytest.MonkeyPatch, environment: dict[str, str]) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    settings = DemoSettings()
    assert not settings.dev_mode
    settings.check_secure()


def test_an_identity_provider_setup_reaches_the_verifier(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JWT_SECRET", "")
    monkeypatch.setenv("JWT_JWKS_URL", "https://idp.example.test/.well-known/jwks.json")
    monkeypatch.setenv("JWT_ISSUER", "https://idp.example.test/")
    monkeypatch.setenv("DEMO_JWT_AUDIENCE", "parkops-api")
    settings = DemoSettings()
    assert (settings.jwt_issuer, settings.jwt_audience) == ("https://idp.example.test/", "parkops-api")
    runtime = ServiceRuntime(settings)
    assert runtime.tokens.algorithms == ("RS256", "ES256")  # no HS256 without a secret
