from typing import ClassVar

from parkops_runtime.settings import ServiceSettings, settings_for


class LeasingSettings(ServiceSettings):
    """Environment variables prefixed `LEASING_` (e.g. `LEASING_HTTP_PORT`)."""

    SERVICE_NAME: ClassVar[str] = "leasing"
    model_config = settings_for("LEASING_")
    http_port: int = 8001
