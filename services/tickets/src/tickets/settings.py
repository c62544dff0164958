from typing import ClassVar

from parkops_runtime.settings import ServiceSettings, settings_for


class TicketsSettings(ServiceSettings):
    """Environment variables prefixed `TICKETS_` (e.g. `TICKETS_HTTP_PORT`)."""

    SERVICE_NAME: ClassVar[str] = "tickets"
    model_config = settings_for("TICKETS_")
    http_port: int = 8002
