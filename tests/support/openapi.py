"""Each service's OpenAPI document, and its committed snapshot `services/<service>/openapi.json`.

`python -m tests.support.openapi` (scripts/export-openapi) rewrites the snapshots; the contract tests fail
while a snapshot differs from the code, so an HTTP change is always a reviewed change of a committed file."""

import importlib
import json
import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("leasing", "tickets", "finance", "matchmaking", "kpi")


def snapshot_path(service: str) -> Path:
    return ROOT / "services" / service / "openapi.json"


def current(service: str) -> dict[str, Any]:
    """The document the service's composition root serves; building the app needs no broker or store."""
    os.environ.setdefault("DEV_MODE", "true")  # the development secret is acceptable for reading a document
    app = importlib.import_module(f"{service}.main").create_app()
    return json.loads(json.dumps(app.openapi()))  # type: ignore[no-any-return]


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


def main() -> None:
    for service in SERVICES:
        path = snapshot_path(service)
        path.write_text(render(current(service)))
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
