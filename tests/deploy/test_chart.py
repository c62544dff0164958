"""The Helm chart with every service's values: lints, renders, and each manifest is valid Kubernetes;
a replica count a service cannot answer correctly with is refused. helm comes from scripts/helm (built
from the Go module proxy once, then cached); without it these tests fail, never skip."""

import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from tests.support.contracts import SERVICES

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "deploy" / "helm" / "parkops-service"
KUBERNETES = "1.31"


def helm(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ROOT / "scripts" / "helm"), *args], capture_output=True, text=True, timeout=900, check=False
    )


def values(service: str) -> list[str]:
    return ["-f", str(ROOT / "deploy/values/tokens.yaml"), "-f", str(ROOT / f"deploy/values/{service}.yaml")]


def rendered(service: str, *extra: str) -> list[dict[str, Any]]:
    result = helm("template", service, str(CHART), *values(service), *extra)
    assert result.returncode == 0, result.stderr
    return [d for d in yaml.safe_load_all(result.stdout) if d]


@pytest.mark.parametrize("service", SERVICES)
def test_the_chart_lints_and_renders_valid_manifests_for_every_service(service: str) -> None:
    lint = helm("lint", "--strict", str(CHART), *values(service))
    assert lint.returncode == 0, lint.stdout + lint.stderr
    documents = rendered(service)
    for document in documents:
        kubernetes_validate.validate(document, KUBERNETES, strict=True)
    kinds = sorted(d["kind"] for d in documents)
    assert kinds == ["ConfigMap", "Deployment", "PodDisruptionBudget", "Service"]
    deployment = next(d for d in documents if d["kind"] == "Deployment")
    env = {e["name"]: e.get("value") for e in deployment["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["PORT"] == str(
        deployment["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"]
    )
    config = next(d for d in documents if d["kind"] == "ConfigMap")["data"]
    assert config[f"{service.upper()}_TOPICS_EXTERNAL"] == "true"


@pytest.mark.parametrize(
    ("service", "limit", "allowed"),
    [
        ("kpi", [], True),
        ("matchmaking", [], True),
        ("leasing", [], True),
        ("kpi", ["maxSafeReplicas=1"], False),
    ],
)
def test_replicas_beyond_what_a_service_answers_correctly_with_are_refused(
    service: str, limit: list[str], allowed: bool
) -> None:
    """Every service answers correctly with any number of replicas now; the chart still refuses more
    than a values file's `maxSafeReplicas` where one sets it."""
    limited = [arg for setting in limit for arg in ("--set", setting)]
    for extra in (
        ["--set", "replicaCount=3"],
        ["--set", "autoscaling.enabled=true,autoscaling.maxReplicas=3"],
    ):
        result = helm("template", service, str(CHART), *values(service), *limited, *extra)
        assert (result.returncode == 0) is allowed, result.stderr
        if not allowed:
            assert "at most 1 replica(s)" in result.stderr
