"""Each service's committed contracts beside the code they come from: its OpenAPI document
(`services/<service>/openapi.json`) and the Kafka topology of all five (`deploy/kafka/strimzi.yaml`).

`python -m tests.support.contracts` (scripts/export-contracts) rewrites them; tests/contracts fails while
one differs from the code, so an HTTP or topic change is always a reviewed change of a committed file."""

import importlib
import io
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from parkops_runtime.topology_cli import main as topics_cli

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("leasing", "tickets", "finance", "matchmaking", "kpi")
FACTORIES = [f"{service}.main:create_app" for service in SERVICES]
STRIMZI = ROOT / "deploy" / "kafka" / "strimzi.yaml"


@contextmanager
def committed_settings() -> Iterator[None]:
    """The settings the committed contracts describe: the default topic prefix; the development secret
    is acceptable for building an app that is never started (no broker or store is touched)."""
    saved = {name: os.environ.get(name) for name in ("DEV_MODE", "TOPIC_PREFIX")}
    os.environ.update(DEV_MODE="true", TOPIC_PREFIX="parkops")
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def app_of(service: str) -> FastAPI:
    with committed_settings():
        app: FastAPI = importlib.import_module(f"{service}.main").create_app()
    return app


def snapshot_path(service: str) -> Path:
    return ROOT / "services" / service / "openapi.json"


def current_openapi(service: str) -> dict[str, Any]:
    return json.loads(json.dumps(app_of(service).openapi()))  # type: ignore[no-any-return]


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def removed_operations(committed: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """Operations of the snapshot the code no longer serves: a breaking change for every client."""
    return sorted(
        f"{method.upper()} {path}"
        for path, operations in committed.get("paths", {}).items()
        for method in operations
        if method not in now.get("paths", {}).get(path, {})
    )


def current_strimzi() -> str:
    """The production Strimzi manifests, as `parkops-topics manifests` prints them."""
    out = io.StringIO()
    with committed_settings(), redirect_stdout(out):
        topics_cli(["manifests", *(f"--app={f}" for f in FACTORIES), "--profile=production"])
    return out.getvalue()


def main() -> None:
    for service in SERVICES:
        path = snapshot_path(service)
        path.write_text(render(current_openapi(service)))
        print(f"wrote {path.relative_to(ROOT)}")
    STRIMZI.parent.mkdir(parents=True, exist_ok=True)
    STRIMZI.write_text(current_strimzi())
    print(f"wrote {STRIMZI.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
