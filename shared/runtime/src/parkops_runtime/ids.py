"""Identifiers for new aggregates."""

import secrets
import time


def new_id() -> str:
    """32 hex digits that sort by creation time: a 48-bit millisecond timestamp, then 80 random bits
    (the layout of a UUIDv7). New documents then land at the right edge of the store's `_id` index
    instead of at random places in it, which keeps inserts into a large collection cheap."""
    return f"{time.time_ns() // 1_000_000:012x}{secrets.token_hex(10)}"


def short_id() -> str:
    """12 hex digits (48 random bits) for what people read and type: a payment, deal or stake id within
    one park's books, where a clash is refused by the books, never overwritten."""
    return secrets.token_hex(6)
