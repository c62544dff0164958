"""`parkops-topics`: the services' topics on a cluster, from their own declarations.

    parkops-topics manifests --app leasing.main:create_app ... [--profile production] > strimzi.yaml
    parkops-topics apply --app leasing.main:create_app ... --bootstrap kafka:9092 [--dry-run]

Each `--app` is a service's composition root; building it reads the service's settings (its topic
prefix) and touches neither broker nor store. `apply` creates missing topics, adds partitions where a
topic has fewer than declared (never removes any: keys would move) and sets configs that differ; run
again, it changes nothing."""

import argparse
import asyncio
import importlib
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from aiokafka.admin import AIOKafkaAdminClient, NewPartitions, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from parkops_runtime.topology import PROFILES, ServiceTopics, TopicSpec, declared, strimzi_manifests


def service_topics(factories: Sequence[str]) -> list[ServiceTopics]:
    """Each `module:function` factory's app, built only to read what its runtime declared."""
    os.environ.setdefault("DEV_MODE", "true")  # reading declarations: the development secret is fine
    found = []
    for factory in factories:
        module, _, function = factory.partition(":")
        app = getattr(importlib.import_module(module), function)()
        found.append(app.state.runtime.topics)
    return found


@dataclass(frozen=True)
class Change:
    topic: str
    action: str  # "create", "add partitions", "set configs"
    detail: str


async def plan(admin: AIOKafkaAdminClient, specs: Sequence[TopicSpec]) -> list[Change]:
    """What `apply` would change on the cluster the admin client talks to."""
    existing = set(await admin.list_topics())
    changes = [
        Change(s.name, "create", f"{s.partitions} partitions") for s in specs if s.name not in existing
    ]
    present = [s for s in specs if s.name in existing]
    if not present:
        return changes
    described = {d["topic"]: d for d in await admin.describe_topics([s.name for s in present])}
    resources = [ConfigResource(ConfigResourceType.TOPIC, s.name) for s in present]
    configs: dict[str, dict[str, str]] = {}
    for response in await admin.describe_configs(resources):
        for _, _, _, name, entries in response.resources:
            configs[name] = {entry[0]: entry[1] for entry in entries}
    for spec in present:
        partitions = len(described[spec.name]["partitions"])
        if partitions < spec.partitions:
            changes.append(Change(spec.name, "add partitions", f"{partitions} -> {spec.partitions}"))
        differ = {k: v for k, v in spec.configs.items() if configs.get(spec.name, {}).get(k) != v}
        if differ:
            changes.append(Change(spec.name, "set configs", ", ".join(f"{k}={v}" for k, v in differ.items())))
    return changes


class Refused(RuntimeError):
    """The cluster refused a change (e.g. a replication factor above its number of brokers)."""


def refused(response: Any) -> None:
    """Raise the first error a create/alter response carries."""
    for result in [*getattr(response, "topic_errors", []), *getattr(response, "resources", [])]:
        if result[1]:  # error_code
            raise Refused(f"{result}")


async def apply(bootstrap_servers: str, specs: Sequence[TopicSpec], dry_run: bool = False) -> list[Change]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="parkops-topics")
    await admin.start()
    try:
        changes = await plan(admin, specs)
        if dry_run or not changes:
            return changes
        by_name = {s.name: s for s in specs}
        created = [by_name[c.topic] for c in changes if c.action == "create"]
        if created:
            new = [NewTopic(s.name, s.partitions, s.replication, topic_configs=s.configs) for s in created]
            refused(await admin.create_topics(new))
        grown = {
            c.topic: NewPartitions(by_name[c.topic].partitions)
            for c in changes
            if c.action == "add partitions"
        }
        if grown:
            refused(await admin.create_partitions(grown))
        # Non-incremental: the topic's dynamic configs become exactly the declared ones.
        altered = [
            ConfigResource(ConfigResourceType.TOPIC, c.topic, configs=by_name[c.topic].configs)
            for c in changes
            if c.action == "set configs"
        ]
        for response in await admin.alter_configs(altered) if altered else []:
            refused(response)
        return changes
    finally:
        await admin.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="parkops-topics", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("manifests", "apply"):
        command = sub.add_parser(name)
        command.add_argument("--app", action="append", required=True, help="module:factory of a service")
        command.add_argument("--profile", choices=sorted(PROFILES), default="production")
    sub.choices["manifests"].add_argument("--cluster", default="parkops", help="Strimzi Kafka cluster name")
    sub.choices["manifests"].add_argument("--namespace", default="parkops")
    sub.choices["apply"].add_argument("--bootstrap", required=True, help="host:port of the cluster")
    sub.choices["apply"].add_argument("--dry-run", action="store_true", help="print the changes only")
    args = parser.parse_args(argv)
    services, profile = service_topics(args.app), PROFILES[args.profile]
    if args.command == "manifests":
        documents = strimzi_manifests(services, profile, args.cluster, args.namespace)
        sys.stdout.write(yaml.safe_dump_all(documents, sort_keys=False))
        return 0
    changes = asyncio.run(apply(args.bootstrap, declared(services, profile), args.dry_run))
    for change in changes:
        print(f"{'would ' if args.dry_run else ''}{change.action}: {change.topic} ({change.detail})")
    print(f"{len(changes)} change(s){' planned' if args.dry_run else ''}; the cluster holds the declaration")
    return 0


if __name__ == "__main__":
    sys.exit(main())
