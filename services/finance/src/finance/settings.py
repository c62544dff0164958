from typing import ClassVar

from parkops_runtime.settings import ServiceSettings, settings_for


class FinanceSettings(ServiceSettings):
    """Environment variables prefixed `FINANCE_` (e.g. `FINANCE_HTTP_PORT`)."""

    SERVICE_NAME: ClassVar[str] = "finance"
    model_config = settings_for("FINANCE_")
    http_port: int = 8003
