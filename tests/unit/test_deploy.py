"""The deployment files are consistent: docker-compose.yml, the Dockerfile, Prometheus and Grafana config.

Docker cannot run in CI, so the compose file is checked structurally; Prometheus files go through promtool.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml

from streams.settings import Settings
from tests.conftest import require_binary

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
PROMETHEUS_CONFIG = DEPLOY / "prometheus" / "prometheus.yml"
ALERTS = DEPLOY / "prometheus" / "alerts.yml"
ALERT_TESTS = DEPLOY / "prometheus" / "alerts.test.yml"
DATASOURCES = DEPLOY / "grafana" / "provisioning" / "datasources"
DASHBOARD_PROVIDERS = DEPLOY / "grafana" / "provisioning" / "dashboards"
DASHBOARD = DEPLOY / "grafana" / "dashboards" / "newsevents.json"
DASHBOARD_GENERATOR = DEPLOY / "grafana" / "dashboard.py"
WORKER_JOB = "newsevents-worker"

Service = dict[str, Any]


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


COMPOSE: dict[str, Any] = load_yaml(REPO / "docker-compose.yml")
SERVICES: dict[str, Service] = COMPOSE["services"]


def environment(service: Service) -> dict[str, str]:
    """A service's environment as a mapping (compose allows a mapping or a list of NAME=value)."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {str(name): str(value) for name, value in env.items()}


def mounts(service: Service) -> list[tuple[str, str, str]]:
    """``(type, source, target)`` of each volume entry, short or long syntax; type is bind or volume."""
    result = []
    for entry in service.get("volumes") or []:
        if isinstance(entry, dict):
            result.append((entry["type"], str(entry["source"]), str(entry["target"])))
            continue
        source, target = entry.split(":")[:2]
        kind = "bind" if source.startswith((".", "/", "~")) else "volume"
        result.append((kind, source, target))
    return result


def host_path(service: Service, container_path: str) -> Path:
    """The repository file that ``container_path`` is, through one of ``service``'s bind mounts."""
    wanted = PurePosixPath(container_path)
    for kind, source, target in mounts(service):
        if kind == "bind" and (wanted == PurePosixPath(target) or PurePosixPath(target) in wanted.parents):
            return REPO / source / wanted.relative_to(target)
    message = f"{container_path} is not bind-mounted into the service"
    raise AssertionError(message)


def published_host_ports(service: Service) -> list[int]:
    ports = []
    for entry in service.get("ports") or []:
        if isinstance(entry, dict):
            ports.append(int(entry["published"]))
            continue
        parts = str(entry).split(":")
        assert len(parts) >= 2, f"port {entry!r} publishes a random host port; give it a fixed one"
        ports.append(int(parts[-2]))
    return ports


def command_flag(service: Service, flag: str) -> str:
    """The value of ``--flag=value`` in a service's command list."""
    for argument in service.get("command") or []:
        if argument.startswith(f"{flag}="):
            return argument.split("=", 1)[1]
    message = f"{flag} not set in the command"
    raise AssertionError(message)


def listeners(value: str) -> dict[str, int]:
    """``NAME://host:port,...`` to ``{NAME: port}``."""
    return {name: int(port) for name, port in re.findall(r"(\w+)://[^,:]*:(\d+)", value)}


def test_required_services_exist_and_each_has_an_image_or_build() -> None:
    assert {"kafka", "worker", "feeder", "prometheus", "grafana"} <= SERVICES.keys()
    for name, service in SERVICES.items():
        assert service.get("image") or service.get("build"), f"service {name} has neither image nor build"
        image = service.get("image", "")
        if image and not service.get("build"):
            assert ":" in image and not image.endswith(":latest"), f"service {name}: pin the tag of {image}"
    assert SERVICES["kafka"]["image"].startswith("apache/kafka:")


def test_build_contexts_and_dockerfiles_exist() -> None:
    for name, service in SERVICES.items():
        build = service.get("build")
        if build is None:
            continue
        if isinstance(build, str):
            build = {"context": build}
        context, dockerfile = build.get("context", "."), build.get("dockerfile", "Dockerfile")
        assert (REPO / context).is_dir(), f"service {name}: build context {context} missing"
        assert (REPO / context / dockerfile).is_file(), f"service {name}: {dockerfile} missing"


def test_dockerfile_copies_existing_files_that_dockerignore_lets_through() -> None:
    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8")
    allowed = {line[1:].rstrip("/") for line in (REPO / ".dockerignore").read_text().splitlines() if line[:1] == "!"}
    copies = [line.split()[1:-1] for line in dockerfile.splitlines() if line.startswith("COPY ")]
    sources = [source for args in copies if not any(a.startswith("--from") for a in args) for source in args]
    assert sources, "the Dockerfile copies nothing from the repository"
    for source in sources:
        assert (REPO / source).exists(), f"Dockerfile copies {source}, which is not in the repository"
        assert source.rstrip("/") in allowed, f".dockerignore excludes {source}, which the Dockerfile copies"
    assert 'pip install -c requirements.lock ".[rocksdb]"' in dockerfile


def test_bind_mounts_env_files_and_named_volumes_exist() -> None:
    declared = set(COMPOSE.get("volumes") or {})
    for name, service in SERVICES.items():
        env_files = service.get("env_file") or []
        for env_file in [env_files] if isinstance(env_files, str) else env_files:
            path = env_file if isinstance(env_file, str) else env_file["path"]
            required = isinstance(env_file, str) or env_file.get("required", True)
            assert not required or (REPO / path).is_file(), f"service {name}: env_file {path} missing"
        for kind, source, target in mounts(service):
            assert target.startswith("/"), f"service {name}: mount target {target} is not absolute"
            if kind == "bind":
                assert (REPO / source).exists(), f"service {name}: bind-mounted {source} missing"
            else:
                assert source in declared, f"service {name}: volume {source} is not declared"


def test_published_ports_are_unique_and_the_worker_publishes_none() -> None:
    seen: dict[int, str] = {}
    for name, service in SERVICES.items():
        for port in published_host_ports(service):
            assert 1024 <= port <= 65535, f"service {name}: host port {port} out of range"
            assert port not in seen, f"host port {port} published by both {seen[port]} and {name}"
            seen[port] = name
    # A fixed host port would make `docker compose up --scale worker=3` fail on the second replica.
    assert not SERVICES["worker"].get("ports")
    assert {9090, 3000} <= seen.keys()


def test_services_use_the_production_setting_names() -> None:
    known = {f"NEWSEVENTS_{name.upper()}" for name in Settings.model_fields}
    for name, service in SERVICES.items():
        unknown = {var for var in environment(service) if var.startswith("NEWSEVENTS_")} - known
        assert not unknown, f"service {name} sets {unknown}, which streams/settings.py does not read"
    worker = environment(SERVICES["worker"])
    assert worker["NEWSEVENTS_WEB_HOST"] == "0.0.0.0"
    assert worker["NEWSEVENTS_STORE"] == "rocksdb://"
    assert SERVICES["feeder"]["command"][0] == "feed"
    assert host_path(SERVICES["feeder"], SERVICES["feeder"]["command"][1]) == REPO / "seeds"


def test_kafka_listeners_are_coherent_with_the_clients() -> None:
    kafka = environment(SERVICES["kafka"])
    bound = listeners(kafka["KAFKA_LISTENERS"])
    advertised = listeners(kafka["KAFKA_ADVERTISED_LISTENERS"])
    protocols = dict(pair.split(":") for pair in kafka["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
    assert advertised.keys() <= bound.keys() <= protocols.keys()
    assert kafka["KAFKA_CONTROLLER_LISTENER_NAMES"] in bound
    assert kafka["KAFKA_INTER_BROKER_LISTENER_NAME"] in advertised
    assert set(published_host_ports(SERVICES["kafka"])) <= set(advertised.values())
    internal = re.search(r"(\w+)://kafka:(\d+)", kafka["KAFKA_ADVERTISED_LISTENERS"])
    assert internal is not None
    for name in ("worker", "feeder"):
        assert environment(SERVICES[name])["NEWSEVENTS_BROKER"] == f"kafka://kafka:{internal.group(2)}"


def test_prometheus_loads_the_repository_config_and_discovers_every_worker() -> None:
    prometheus = SERVICES["prometheus"]
    assert host_path(prometheus, command_flag(prometheus, "--config.file")) == PROMETHEUS_CONFIG
    config = load_yaml(PROMETHEUS_CONFIG)
    for rule_file in config["rule_files"]:
        assert (PROMETHEUS_CONFIG.parent / rule_file).is_file()
    job = next(job for job in config["scrape_configs"] if job["job_name"] == WORKER_JOB)
    assert not job.get("static_configs"), "scaled workers must be discovered, not listed"
    [discovery] = job["dns_sd_configs"]
    assert discovery["names"] == ["worker"] and discovery["type"] == "A"
    assert str(discovery["port"]) == environment(SERVICES["worker"])["NEWSEVENTS_WEB_PORT"]


def provisioned_datasource() -> dict[str, Any]:
    [path] = DATASOURCES.glob("*.yml")
    [datasource] = load_yaml(path)["datasources"]
    return datasource


def test_grafana_provisions_the_prometheus_datasource_and_the_dashboard() -> None:
    grafana = SERVICES["grafana"]
    env = environment(grafana)
    assert env["GF_AUTH_ANONYMOUS_ENABLED"] == "true" and env["GF_AUTH_ANONYMOUS_ORG_ROLE"] == "Viewer"
    assert host_path(grafana, "/etc/grafana/provisioning/datasources") == DATASOURCES
    assert host_path(grafana, "/etc/grafana/provisioning/dashboards") == DASHBOARD_PROVIDERS
    datasource = provisioned_datasource()
    assert datasource["type"] == "prometheus"
    assert datasource["url"] == f"http://prometheus:{published_host_ports(SERVICES['prometheus'])[0]}"
    [provider] = load_yaml(next(DASHBOARD_PROVIDERS.glob("*.yml")))["providers"]
    assert host_path(grafana, provider["options"]["path"]) == DASHBOARD.parent
    assert host_path(grafana, env["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]) == DASHBOARD


def dashboard_panels() -> list[dict[str, Any]]:
    return [panel for panel in json.loads(DASHBOARD.read_text(encoding="utf-8"))["panels"] if panel["type"] != "row"]


def test_dashboard_json_is_what_the_generator_produces() -> None:
    result = subprocess.run(
        [sys.executable, str(DASHBOARD_GENERATOR), "--check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_every_dashboard_panel_queries_the_provisioned_datasource() -> None:
    uid = provisioned_datasource()["uid"]
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids)), "panel ids must be unique"
    panels = dashboard_panels()
    assert len(panels) >= 10
    for panel in panels:
        assert panel["datasource"]["uid"] == uid, panel["title"]
        assert panel["targets"], f"panel {panel['title']} has no targets"
        assert panel["gridPos"]["x"] + panel["gridPos"]["w"] <= 24, panel["title"]
        for target in panel["targets"]:
            assert target["expr"].strip(), f"panel {panel['title']} has an empty expression"
            assert target["datasource"]["uid"] == uid, panel["title"]


@pytest.fixture(scope="module")
def promtool() -> str:
    """The promtool binary (Debian package `prometheus`); missing fails under CI, skips elsewhere."""
    return require_binary("promtool")


def run_promtool(promtool: str, *args: str | Path) -> None:
    result = subprocess.run([promtool, *map(str, args)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"promtool {' '.join(map(str, args))}:\n{result.stdout}{result.stderr}"


def test_promtool_accepts_the_prometheus_config_and_rules(promtool: str) -> None:
    run_promtool(promtool, "check", "config", PROMETHEUS_CONFIG)
    run_promtool(promtool, "check", "rules", ALERTS)


def test_alert_rules_pass_their_unit_tests(promtool: str) -> None:
    run_promtool(promtool, "test", "rules", ALERT_TESTS)
    tested = set(re.findall(r"alertname: (\w+)", ALERT_TESTS.read_text(encoding="utf-8")))
    defined = {rule["alert"] for group in load_yaml(ALERTS)["groups"] for rule in group["rules"]}
    assert defined == tested, f"alerts without a unit test: {defined - tested}"


def test_dashboard_expressions_are_valid_promql(promtool: str, tmp_path: Path) -> None:
    # promtool parses rule expressions: wrap each panel query in a recording rule.
    grafana_ranges = {"$__rate_interval": "1m", "$__range": "1h", "$__interval": "15s"}
    rules = []
    for panel in dashboard_panels():
        for target in panel["targets"]:
            expr = target["expr"]
            for variable, value in grafana_ranges.items():
                expr = expr.replace(variable, value)
            assert "$" not in expr, f"unhandled Grafana variable in {expr}"
            rules.append({"record": f"dashboard:panel{panel['id']}:{target['refId']}", "expr": expr})
    path = tmp_path / "dashboard-rules.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}), encoding="utf-8")
    run_promtool(promtool, "check", "rules", path)


def test_compose_runs_the_kafka_version_the_tests_run() -> None:
    pom = (DEPLOY / "kafka" / "pom.xml").read_text(encoding="utf-8")
    version = re.search(r"<kafka.version>([^<]+)</kafka.version>", pom)
    assert version is not None
    kafka_images = {s["image"] for s in SERVICES.values() if s.get("image", "").startswith("apache/kafka:")}
    assert kafka_images == {f"apache/kafka:{version.group(1)}"}


def test_worker_health_check_asks_for_readiness() -> None:
    assert "/ready" in " ".join(SERVICES["worker"]["healthcheck"]["test"])
