from typing import ClassVar

from parkops_runtime.settings import ServiceSettings, settings_for
from pydantic import Field


class LeasingSettings(ServiceSettings):
    """Environment variables prefixed `LEASING_` (e.g. `LEASING_HTTP_PORT`)."""

    SERVICE_NAME: ClassVar[str] = "leasing"
    model_config = settings_for("LEASING_")
    http_port: int = 8001
    park_collections: int = Field(
        default=1,
        ge=1,
        le=1024,
        description="Shard parks over this many collections (FerretDB scans each on every lookup); "
        "fixed for the life of a database: changing it needs a migration.",
    )
    read_cache_seconds: float = Field(
        default=1.0, ge=0, description="How long a replica serves a park it read or wrote from memory."
    )
