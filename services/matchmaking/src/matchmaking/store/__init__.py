"""Persistence: documents of the aggregates, and their Mongo collections (state + outbox per write)."""
