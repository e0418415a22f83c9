"""A real Prometheus scrapes a live worker: rates rise, and every dashboard and alert query evaluates."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from schemas import Article
from streams.embedded import free_port
from streams.processes import WorkerProcess
from streams.settings import Settings
from tests.conftest import isolated_settings, require_binary, worker_factory
from tests.integration.helpers import publish_articles, wait_for_markers
from tests.integration.test_metrics import ALERTS, deployed_queries, feed

JOB = "newsevents-worker"
# Grafana's range variables, as Grafana would substitute them for a short dashboard range.
GRAFANA_VARIABLES = {"$__rate_interval": "30s", "$__range": "5m", "$__interval": "1s"}
SECOND_WAVE = [
    Article(id=f"metrics-wave2-{n}", language="en", body="Russia accused Ukraine of shelling villages on Monday.")
    for n in range(2)
]


class PrometheusError(AssertionError):
    """Prometheus did not start, or answered a query with an error."""


@dataclass(frozen=True)
class Prometheus:
    url: str

    def api(self, path: str, **params: str) -> Any:
        """GET ``/api/v1/<path>`` and return its ``data``; an error status raises PrometheusError."""
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        try:
            with urllib.request.urlopen(f"{self.url}/api/v1/{path}{query}", timeout=10) as response:  # noqa: S310
                body = json.load(response)
        except urllib.error.HTTPError as exc:
            body = json.load(exc)
        if body["status"] != "success":
            message = f"{path} {params}: {body.get('errorType')}: {body.get('error')}"
            raise PrometheusError(message)
        return body["data"]

    def query(self, expr: str) -> list[dict[str, Any]]:
        """Instant vector result of ``expr`` (a scalar comes back as one unlabelled sample)."""
        data = self.api("query", query=expr)
        if data["resultType"] == "scalar":
            return [{"metric": {}, "value": data["result"]}]
        return data["result"]

    def wait_for(self, expr: str, timeout: float = 60.0) -> list[dict[str, Any]]:
        """Poll until ``expr`` returns a non-empty result."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if result := self.query(expr):
                return result
            time.sleep(0.5)
        message = f"{expr} stayed empty for {timeout:.0f} s"
        raise PrometheusError(message)


@pytest.fixture(scope="module")
def prometheus_binary() -> str:
    """The Debian package's prometheus; its absence fails under CI and skips elsewhere."""
    return require_binary("prometheus")


@contextmanager
def prometheus_server(binary: str, worker: WorkerProcess, workdir: Path) -> Iterator[Prometheus]:
    """Prometheus on a free loopback port, scraping ``worker`` every second with the deployed alert rules."""
    config = {
        "global": {"scrape_interval": "1s", "scrape_timeout": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(ALERTS)],
        "scrape_configs": [{"job_name": JOB, "static_configs": [{"targets": [f"127.0.0.1:{worker.web_port}"]}]}],
    }
    config_path = workdir / "prometheus.yml"
    config_path.write_text(yaml.safe_dump(config), encoding="utf-8")
    port = free_port()
    command = [
        binary,
        f"--config.file={config_path}",
        f"--storage.tsdb.path={workdir / 'data'}",
        f"--web.listen-address=127.0.0.1:{port}",
    ]
    with open(workdir / "prometheus.log", "wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    server = Prometheus(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                message = f"prometheus exited with {process.returncode}; see {workdir / 'prometheus.log'}"
                raise PrometheusError(message)
            try:
                with urllib.request.urlopen(f"{server.url}/-/ready", timeout=2):  # noqa: S310 - loopback
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass(frozen=True)
class Stack:
    settings: Settings
    prometheus: Prometheus


@pytest.fixture(scope="module")
def stack(broker_url: str, prometheus_binary: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A worker, a Prometheus scraping it, and two waves of articles processed.

    A labelled counter's series appears at its first increment, which rate() cannot see (there is no
    earlier sample), so a second wave is published once Prometheus has scraped the first.
    """
    settings = isolated_settings(broker_url)
    workdir = tmp_path_factory.mktemp("prometheus")
    with worker_factory(settings, workdir) as start:
        worker = start()
        with prometheus_server(prometheus_binary, worker, workdir) as prometheus:
            prometheus.wait_for(f'up{{job="{JOB}"}} == 1', timeout=20)
            first = feed(settings)
            wait_for_markers(settings, first, timeout=60)
            prometheus.wait_for('newsevents_articles_processed_total{outcome="ok"} == 2', timeout=20)
            publish_articles(settings, SECOND_WAVE)
            wait_for_markers(settings, first + len(SECOND_WAVE), timeout=60)
            yield Stack(settings, prometheus)


def test_prometheus_sees_articles_processed(stack: Stack) -> None:
    [sample] = stack.prometheus.wait_for("sum(rate(newsevents_articles_processed_total[30s])) > 0", timeout=60)
    assert float(sample["value"][1]) > 0


def test_every_dashboard_query_evaluates_and_returns_data(stack: Stack) -> None:
    stack.prometheus.wait_for('newsevents_articles_processed_total{outcome="ok"} == 4', timeout=20)
    empty = []
    for query in deployed_queries():
        expr = query.expr
        for variable, value in GRAFANA_VARIABLES.items():
            expr = expr.replace(variable, value)
        result = stack.prometheus.query(expr)  # raises on any PromQL error
        if query.source.startswith("dashboard") and not result:
            empty.append(f"{query.source}: {expr}")
    assert not empty, "panels without data after two waves of articles:\n" + "\n".join(empty)


def evaluated_alert_rules(prometheus: Prometheus, timeout: float = 20.0) -> dict[str, dict[str, Any]]:
    """The alerting rules by name, once Prometheus has evaluated each of them."""
    deadline = time.monotonic() + timeout
    while True:
        groups = prometheus.api("rules", type="alert")["groups"]
        rules = {rule["name"]: rule for group in groups for rule in group["rules"]}
        if rules and not any(rule["lastEvaluation"].startswith("0001-") for rule in rules.values()):
            return rules
        if time.monotonic() > deadline:
            message = f"alert rules not evaluated within {timeout:.0f} s"
            raise PrometheusError(message)
        time.sleep(0.5)


def test_alert_rules_evaluate_cleanly_and_none_fires_on_a_healthy_worker(stack: Stack) -> None:
    rules = evaluated_alert_rules(stack.prometheus)
    defined = yaml.safe_load(ALERTS.read_text(encoding="utf-8"))["groups"]
    assert rules.keys() == {rule["alert"] for group in defined for rule in group["rules"]}
    for name, rule in rules.items():
        assert rule["health"] == "ok", f"{name}: {rule.get('lastError')}"
        assert rule["state"] != "firing", f"{name} fires on a healthy worker: {rule['alerts']}"
