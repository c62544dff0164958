from typing import ClassVar

from parkops_runtime.settings import ServiceSettings, settings_for
from pydantic import Field


class TicketsSettings(ServiceSettings):
    """Environment variables prefixed `TICKETS_` (e.g. `TICKETS_HTTP_PORT`)."""

    SERVICE_NAME: ClassVar[str] = "tickets"
    model_config = settings_for("TICKETS_")
    http_port: int = 8002
    breach_scan_seconds: float = Field(default=1.0, gt=0, description="Pause between breach-scan passes.")
    due_index_refresh_seconds: float = Field(
        default=300.0,
        gt=0,
        description="Re-read the due index from the store this often. An instance tracks its own writes at "
        "once; the re-read adopts other instances' tickets (e.g. of one that died). On FerretDB it scans "
        "every ticket.",
    )
    sla_cache_seconds: float = Field(
        default=1.0, ge=0, description="Reuse a park's SLA read from the store for this long."
    )
    breach_scanner_enabled: bool = True
    ticket_shards: int = Field(
        default=1,
        ge=1,
        le=4096,
        description="Collections the tickets are spread over. Lookups by id are indexed, and concurrent "
        "writes to one collection are sent together, so one is usually best.",
    )
