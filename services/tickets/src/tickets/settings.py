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
        default=0,
        ge=0,
        description="Also re-read the due index from every ticket this often (0: never; the due feed keeps "
        "it in step with every replica's writes from the tickets' events). On FerretDB a re-read decodes "
        "every ticket.",
    )
    due_index_checkpoint_seconds: float = Field(
        default=60.0,
        gt=0,
        description="Save the due index with the event offsets it reflects this often (when it changed); "
        "a replica starts from the latest one plus the events since.",
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
    remembered_tickets: int = Field(
        default=10_000,
        ge=0,
        description="Tickets kept in memory after a read or write (a read of one costs a version check "
        "instead of a load); the one known longest ago is forgotten first.",
    )
