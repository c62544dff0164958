"""The same rooms in every service (README, "Code layout"), checked on the source: a service that grows a
room of its own, a domain module that reaches for the runtime, a route that reaches into the domain or a
write without the Idempotency-Key rule fails here, not in a reviewer's memory."""

import ast
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = sorted(p.name for p in (ROOT / "services").iterdir() if (p / "pyproject.toml").exists())
ROOMS = (
    "domain",
    "service",
    "queries",
    "access",
    "repository",
    "handlers",
    "api",
    "schemas",
    "settings",
    "main",
)
PACKAGES = ("domain", "api")
DOMAIN_MAY_IMPORT = {"pydantic", "parkops_kernel", "parkops_contracts", "typing_extensions"}
MAX_FUNCTION_LINES = 50
WRITES = ("post", "put", "patch", "delete")
CHANGES_NOTHING = {"POST /parks/{park_id}/quotes"}  # a quote is computed, never stored: nothing to repeat


def package(service: str) -> Path:
    return ROOT / "services" / service / "src" / service


def modules(root: Path) -> Iterator[Path]:
    yield from sorted(root.rglob("*.py"))


def imported(path: Path) -> Iterator[str]:
    """Every module a file imports (absolute names; relative imports are the file's own package)."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def room_exists(service: str, room: str) -> bool:
    base = package(service) / room
    if room in PACKAGES:
        return (base / "__init__.py").exists()
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def consumes_events(service: str) -> bool:
    return ".subscribe(" in (package(service) / "main.py").read_text()


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_has_the_same_rooms(service: str) -> None:
    """`handlers` only where the service consumes events (leasing, the system of record, consumes none)."""
    needed = [room for room in ROOMS if room != "handlers" or consumes_events(service)]
    missing = [room for room in needed if not room_exists(service, room)]
    assert missing == [], f"{service} lacks {missing} (README, Code layout)"


@pytest.mark.parametrize("service", SERVICES)
def test_domain_code_imports_only_the_kernel_the_contracts_and_the_standard_library(service: str) -> None:
    allowed = DOMAIN_MAY_IMPORT | set(sys.stdlib_module_names) | {service}
    wrong = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in modules(package(service) / "domain")
        for name in imported(path)
        if name.split(".")[0] not in allowed or (name.startswith(f"{service}.") and ".domain" not in name)
    ]
    assert wrong == [], "domain code must stay pure:\n" + "\n".join(wrong)


@pytest.mark.parametrize("service", SERVICES)
def test_routes_do_not_reach_into_the_domain(service: str) -> None:
    wrong = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in modules(package(service) / "api")
        for name in imported(path)
        if name.startswith(f"{service}.domain")
    ]
    assert wrong == [], "routes call the service or queries with HTTP schemas:\n" + "\n".join(wrong)


def long_functions(root: Path) -> Iterator[str]:
    for path in modules(root):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    yield f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({length} lines)"


def test_no_production_function_is_longer_than_fifty_lines() -> None:
    roots = [ROOT / "services" / s / "src" for s in SERVICES] + sorted((ROOT / "shared").glob("*/src"))
    found = [f for root in roots for f in long_functions(root)]
    assert found == [], "\n".join(found)


def writes_without_key(openapi: dict[str, object]) -> list[str]:
    paths = openapi["paths"]
    assert isinstance(paths, dict)
    return [
        f"{method.upper()} {path}"
        for path, operations in paths.items()
        for method, operation in operations.items()
        if method in WRITES
        and f"{method.upper()} {path}" not in CHANGES_NOTHING
        and not any(
            p.get("in") == "header" and p.get("name") == "Idempotency-Key"
            for p in operation.get("parameters", [])
        )
    ]


@pytest.mark.parametrize("service", SERVICES)
def test_every_create_and_action_takes_an_idempotency_key(service: str) -> None:
    """Read from the committed OpenAPI snapshot, which `tests/contracts` keeps equal to the code."""
    openapi = json.loads((ROOT / "services" / service / "openapi.json").read_text())
    assert writes_without_key(openapi) == []


def test_a_write_without_the_header_is_reported() -> None:
    header = {"in": "header", "name": "Idempotency-Key"}
    openapi = {"paths": {"/a": {"post": {"parameters": [header]}, "get": {}}, "/b": {"delete": {}}}}
    assert writes_without_key(openapi) == ["DELETE /b"]
