"""`python -m matchmaking.announce`: publish ProfileChanged for every stored profile, once, so that a view
rebuilt from the topics holds the profiles stored before ProfileChanged existed (run it once after the
upgrade). Safe beside running replicas and safe to run again: each profile's event tells the state it
has, and a view folds the latest version of each profile."""

import asyncio

from parkops_contracts.events import matchmaking as matchmaking_events
from parkops_runtime.clock import Clock, utc_now
from parkops_runtime.service import ServiceRuntime

from matchmaking.repository import Collections
from matchmaking.settings import MatchmakingSettings


async def announce(settings: MatchmakingSettings, clock: Clock = utc_now) -> int:
    """Records one ProfileChanged per stored profile through the outbox and waits until they are out;
    returns how many. Only the producer and the outbox relay run: no consumer, no view."""
    runtime = ServiceRuntime(settings)
    runtime.document_publications(matchmaking_events.PUBLISHED)
    profiles = Collections(runtime, clock).stores.profiles
    await runtime.broker.connect()
    await runtime.relay.owners.beat()
    runtime.relay.start()
    try:
        cursor = runtime.aggregates("profiles").collection.find({}, {"_id": 1})
        ids = [str(doc["_id"]) async for doc in cursor]
        at = clock()
        for tenant_id in ids:
            await profiles.change(tenant_id, lambda p: p.announce(at))
    finally:
        await runtime.relay.stop()
        await runtime.broker.stop()
        await runtime.client.close()
    return len(ids)


if __name__ == "__main__":
    print(f"announced {asyncio.run(announce(MatchmakingSettings()))} profiles")
