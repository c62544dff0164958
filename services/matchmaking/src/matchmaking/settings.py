from typing import ClassVar

from parkops_runtime.settings import ServiceSettings, settings_for


class MatchmakingSettings(ServiceSettings):
    """Environment variables prefixed `MATCHMAKING_` (e.g. `MATCHMAKING_HTTP_PORT`)."""

    SERVICE_NAME: ClassVar[str] = "matchmaking"
    model_config = settings_for("MATCHMAKING_")
    http_port: int = 8004
