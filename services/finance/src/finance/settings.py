from typing import ClassVar

from parkops_runtime.settings import ServiceSettings, settings_for
from pydantic import Field


class FinanceSettings(ServiceSettings):
    """Environment variables prefixed `FINANCE_` (e.g. `FINANCE_HTTP_PORT`)."""

    SERVICE_NAME: ClassVar[str] = "finance"
    model_config = settings_for("FINANCE_")
    http_port: int = 8003
    directory_wait_seconds: float = Field(
        default=5.0,
        ge=0,
        le=60,
        description="How long an event of a park not in the directory yet waits for it before it fails.",
    )
