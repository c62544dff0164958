"""Identifiers for new aggregates."""

import secrets
import time


def new_id() -> str:
    """32 hex digits that sort by creation time: a 48-bit millisecond timestamp, then 80 random bits
    (the layout of a UUIDv7). New documents then land at the right edge of the store's `_id` index
    instead of at random places in it, which keeps inserts into a large collection cheap."""
    return f"{time.time_ns() // 1_000_000:012x}{secrets.token_hex(10)}"
