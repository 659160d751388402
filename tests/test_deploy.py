"""What can be validated of deploy/ on a machine without Docker or a cluster."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from jiaodui_photos import metrics as photos_metrics
from jiaodui_runtime import metrics
from jiaodui_subscriptions import metrics as subscriptions_metrics

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, check=False, cwd=ROOT)


def test_k8s_manifests_match_sizing_toml() -> None:
    result = run(sys.executable, "deploy/k8s/generate.py", "--check")
    assert result.returncode == 0, result.stderr


def test_operations_guide_sizing_matches_the_manifests_numbers() -> None:
    result = run(sys.executable, "deploy/k8s/sizing.py", "--check")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("overlay", ["campus", "national"])
def test_kustomize_renders_every_overlay(overlay: str) -> None:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed here")
    result = run(kubectl, "kustomize", f"deploy/k8s/overlays/{overlay}")
    assert result.returncode == 0, result.stderr
    kinds = {doc["kind"] for doc in yaml.safe_load_all(result.stdout) if doc}
    assert {
        "Kafka",
        "KafkaTopic",
        "Cluster",
        "Deployment",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "Ingress",
        "StatefulSet",
    } <= kinds


def test_compose_and_alert_files_parse() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    assert {
        "identity",
        "records",
        "photos",
        "notify",
        "corrections",
        "gateway",
        "kafka",
        "postgres",
        "redis",
        "prometheus",
    } <= set(compose["services"])
    rules = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yaml").read_text())
    assert rules["groups"][0]["rules"]


def test_dashboard_and_alerts_only_use_metrics_the_services_export() -> None:
    exported = {
        name
        for module in (metrics, photos_metrics, subscriptions_metrics)
        for value in vars(module).values()
        if hasattr(value, "_name")
        for name in (value._name, f"{value._name}_total", f"{value._name}_bucket")
    }
    text = (DEPLOY / "grafana" / "dashboard.json").read_text()
    text += (DEPLOY / "prometheus" / "alerts.yaml").read_text()
    json.loads((DEPLOY / "grafana" / "dashboard.json").read_text())
    used = set(re.findall(r"\b((?:http|outbox|consumer|photos)_[a-z_]+)\b", text))
    assert used and used <= exported, used - exported


def test_dockerfile_runs_as_non_root_from_the_lock_file() -> None:
    text = (DEPLOY / "docker" / "Dockerfile").read_text()
    assert "uv sync --frozen" in text and "USER 10001" in text
    assert ":latest" not in text


def render(script: str, function: str, stack_dir: Path) -> None:
    """Render a deploy/local template as `make run` does, into ``stack_dir``."""
    env = {"PATH": "/usr/sbin:/usr/bin:/bin", "JIAODUI_STACK_DIR": str(stack_dir)}
    result = subprocess.run(
        ["bash", "-c", f"source deploy/local/{script} && {function}"],
        capture_output=True, text=True, check=False, cwd=ROOT, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_prometheus_config_and_alert_rules_pass_promtool(tmp_path: Path) -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool (Debian's prometheus) is not installed here")
    render("prometheus.sh", "prometheus_render", tmp_path)
    config = run(promtool, "check", "config", str(tmp_path / "prometheus" / "prometheus.yml.new"))
    assert config.returncode == 0, config.stdout + config.stderr
    assert "SUCCESS: 7 rules found" in config.stdout  # the config loads the alert rules
    rules = run(promtool, "check", "rules", "deploy/prometheus/alerts.yaml")
    assert rules.returncode == 0, rules.stdout + rules.stderr


def test_gateway_config_passes_nginx_t(tmp_path: Path) -> None:
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if nginx is None:
        pytest.skip("nginx is not installed here")
    render("nginx.sh", "nginx_render", tmp_path)
    conf = tmp_path / "nginx" / "nginx.conf.new"
    result = run(nginx, "-t", "-q", "-p", str(tmp_path / "nginx"), "-e", "stderr", "-c", str(conf))
    assert result.returncode == 0, result.stderr
    assert "auth_request /_gateway/access/ops;" in conf.read_text()
