from typing import ClassVar

from parkops_runtime.settings import ServiceSettings, settings_for


class KpiSettings(ServiceSettings):
    """Environment variables prefixed `KPI_` (e.g. `KPI_HTTP_PORT`)."""

    SERVICE_NAME: ClassVar[str] = "kpi"
    model_config = settings_for("KPI_")
    http_port: int = 8005
