"""The store's side of a test session's cleanup."""

from collections.abc import Sequence
from typing import Any

from pymongo import AsyncMongoClient


async def drop_databases_of_runs(mongodb_url: str, runs: Sequence[str]) -> int:
    """Drop the databases whose name starts with one of these test runs' prefixes (`t<run>`); returns
    how many. A long-lived local FerretDB keeps files open for every database it holds, and stops
    answering ("too many open files") once thousands of old test databases have gathered."""
    prefixes = tuple(f"t{run}" for run in runs)
    async with AsyncMongoClient[dict[str, Any]](mongodb_url) as client:
        doomed = [name for name in await client.list_database_names() if name.startswith(prefixes)]
        for name in doomed:
            await client.drop_database(name)
    return len(doomed)
