"""The monitoring files under ops/: Prometheus's scrape config and alert rules, and the
Grafana dashboard. They parse, they agree with docker-compose.yml and the runbook, and
every metric they name is one the service really exports."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

import triage.assessment.llm
import triage.assessment.surge
import triage.inquiries.flows
import triage.inquiries.state
import triage.inquiries.sweeper  # noqa: F401  (their metrics are registered on import)

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS = ROOT / "ops" / "prometheus"
DASHBOARD = ROOT / "ops" / "grafana" / "triage.json"

REQUIRED_ALERTS = {
    "TriageSLABreach",
    "TriageUrgentQueueGrowing",
    "TriageLLMCircuitOpen",
    "TriageDeadLetters",
    "TriageDatabaseDown",
    "TriageRedisDown",
    "TriageTargetDown",
}
# A series name; recording rules (`triage:…`) are not the service's.
_METRIC = re.compile(r"(?<![\w:])triage_[a-z0-9_]+")


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def alert_rules() -> list[dict[str, Any]]:
    groups = load_yaml(PROMETHEUS / "alerts.yml")["groups"]
    return [rule for group in groups for rule in group["rules"] if "alert" in rule]


def dashboard_exprs() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    return [t["expr"] for p in dashboard["panels"] if p["type"] != "row" for t in p["targets"]]


def exported_names(page: str) -> set[str]:
    """Every series name a /metrics page can have, histogram suffixes included."""
    names = set()
    for line in page.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            names.add(name)
            if kind == "histogram":
                names.update(f"{name}_{suffix}" for suffix in ("bucket", "count", "sum"))
    return names


def test_prometheus_scrapes_the_api_and_every_worker_on_its_compose_port() -> None:
    config = load_yaml(PROMETHEUS / "prometheus.yml")
    for rule_file in config["rule_files"]:
        assert (PROMETHEUS / rule_file).is_file()
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert jobs["triage-api"]["static_configs"][0]["targets"] == ["api:8000"]
    scraped = {
        name: sd["port"] for sd in jobs["triage-worker"]["dns_sd_configs"] for name in sd["names"]
    }
    services = load_yaml(ROOT / "docker-compose.yml")["services"]
    workers = {
        name: service
        for name, service in services.items()
        if service.get("command", [])[:2] == ["triage", "worker"]
    }
    assert set(workers) == set(scraped) == {"worker-triage", "worker-outbound", "worker-refine"}
    for name, service in workers.items():
        assert int(service["environment"]["TRIAGE_WORKER_METRICS_PORT"]) == scraped[name]
        assert "frontend" in service["networks"]  # the network Prometheus is on
    assert "frontend" in services["prometheus"]["networks"]
    mounted = services["prometheus"]["volumes"]
    assert "./ops/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro" in mounted


def test_every_alert_is_complete_and_explained_in_the_runbook() -> None:
    runbook = (ROOT / "docs" / "OPERATIONS.md").read_text(encoding="utf-8")
    rules = alert_rules()
    assert {rule["alert"] for rule in rules} >= REQUIRED_ALERTS
    for rule in rules:
        assert rule["expr"].strip()
        assert rule["labels"]["severity"] in {"page", "ticket"}
        assert rule["annotations"]["summary"]
        assert rule["annotations"]["runbook"] == "docs/OPERATIONS.md#alerts"
        assert f"`{rule['alert']}`" in runbook, f"{rule['alert']} is not in the runbook"


def test_the_dashboard_is_importable_grafana_json() -> None:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    assert dashboard["uid"] and dashboard["title"]
    assert [i["name"] for i in dashboard["__inputs"]] == ["DS_PROMETHEUS"]
    panels = [p for p in dashboard["panels"] if p["type"] != "row"]
    assert len({p["id"] for p in dashboard["panels"]}) == len(dashboard["panels"])
    for panel in panels:
        assert panel["datasource"]["uid"] == "${DS_PROMETHEUS}"
        assert panel["targets"] and all(t["expr"].strip() for t in panel["targets"])
    exprs = " ".join(dashboard_exprs())
    for metric in (
        "triage_inquiries_received_total",
        "triage_inquiries_routed_total",
        "triage_receipt_to_routed_seconds_bucket",
        "triage_queue_depth",
        "triage_open_inquiries",
        "triage_replies_dead_lettered_total",
        "triage_llm_call_seconds_bucket",
        "triage_llm_errors_total",
        "triage_llm_circuit_open",
        "triage_sla_breaches",
    ):
        assert metric in exprs, f"the dashboard shows no {metric}"


def test_alerts_and_dashboard_name_only_metrics_the_service_exports(client: TestClient) -> None:
    exported = exported_names(client.get("/metrics").text)
    named = {
        name
        for expr in [*dashboard_exprs(), *(rule["expr"] for rule in alert_rules())]
        for name in _METRIC.findall(expr)
    }
    assert named
    assert named <= exported, f"not exported: {sorted(named - exported)}"


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool is not installed")
def test_promtool_accepts_the_config_and_the_rule_tests_pass() -> None:
    for command in (["check", "config", "prometheus.yml"], ["test", "rules", "alerts_test.yml"]):
        result = subprocess.run(
            ["promtool", *command], cwd=PROMETHEUS, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stdout + result.stderr
