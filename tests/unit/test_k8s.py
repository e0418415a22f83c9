"""deploy/k8s: every manifest is valid for a pinned Kubernetes version, and consistent with the worker.

kubernetes-validate carries the Kubernetes JSON schemas in its package, so this runs offline. The KEDA
ScaledObject and the Prometheus Operator ServiceMonitor are custom resources it has no schema for (it
says so); their fields that must agree with the rest are checked here one by one.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from streams.settings import Settings
from streams.topics import ARTICLES

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
#: The Kubernetes version the manifests are validated against.
KUBERNETES_VERSION = "1.34.0"
CUSTOM_KINDS = {"ScaledObject", "ServiceMonitor"}
#: Measured peak RSS of one worker (docs/benchmarks.md) and the longest batch the grace period must cover.
WORKER_PEAK_RSS_MB = 434
LONGEST_BATCH_SECONDS = 20

Manifest = dict[str, Any]


def manifests() -> list[Manifest]:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    return [doc for name in kustomization["resources"] for doc in yaml.safe_load_all((K8S / name).read_text())]


def one(kind: str, name: str | None = None) -> Manifest:
    found = [m for m in manifests() if m["kind"] == kind and (name is None or m["metadata"]["name"] == name)]
    assert len(found) == 1, f"{len(found)} manifests of kind {kind} {name or ''}"
    return found[0]


def memory_mb(quantity: str) -> float:
    number, unit = re.fullmatch(r"(\d+)(Mi|Gi)", quantity).groups()  # type: ignore[union-attr]
    return int(number) * (1024 if unit == "Gi" else 1) * 1.048576


CONFIG: dict[str, str] = one("ConfigMap", "newsevents")["data"]
WORKER: Manifest = one("Deployment", "newsevents-worker")
CONTAINER: Manifest = WORKER["spec"]["template"]["spec"]["containers"][0]


def test_kustomization_lists_every_file() -> None:
    listed = set(yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"])
    assert listed == {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}


@pytest.mark.parametrize("manifest", manifests(), ids=lambda m: f"{m['kind']}/{m['metadata']['name']}")
def test_manifest_is_valid_kubernetes(manifest: Manifest) -> None:
    if manifest["kind"] in CUSTOM_KINDS:
        with pytest.raises(kubernetes_validate.SchemaNotFoundError):
            kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)
        return
    kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)


def test_the_validator_rejects_a_broken_manifest() -> None:
    broken = copy.deepcopy(WORKER)
    broken["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)
    misspelt = copy.deepcopy(WORKER)
    misspelt["spec"]["template"]["spec"]["terminationGracePeriod"] = 60
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(misspelt, KUBERNETES_VERSION, strict=True)


def test_every_setting_in_the_configmap_exists_and_parses() -> None:
    fields = {f"NEWSEVENTS_{name.upper()}" for name in Settings.model_fields}
    assert set(CONFIG) <= fields, set(CONFIG) - fields
    settings = Settings(_env_file=None, **{key.removeprefix("NEWSEVENTS_").lower(): v for key, v in CONFIG.items()})
    assert settings.web_host == "0.0.0.0" and settings.replication_factor == 3
    assert settings.store.startswith("rocksdb://")


def test_worker_probes_port_resources_and_grace_period() -> None:
    ports = {p["name"]: p["containerPort"] for p in CONTAINER["ports"]}
    assert ports == {"metrics": int(CONFIG["NEWSEVENTS_WEB_PORT"])}
    assert CONTAINER["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert CONTAINER["startupProbe"]["httpGet"]["path"] == "/ready"
    assert CONTAINER["livenessProbe"]["httpGet"]["path"] == "/metrics"
    resources = CONTAINER["resources"]
    assert memory_mb(resources["requests"]["memory"]) > WORKER_PEAK_RSS_MB
    assert memory_mb(resources["limits"]["memory"]) > 1.5 * WORKER_PEAK_RSS_MB
    assert WORKER["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] > LONGEST_BATCH_SECONDS
    volume_paths = {m["mountPath"] for m in CONTAINER["volumeMounts"]}
    assert CONFIG["NEWSEVENTS_DATA_DIR"] in volume_paths


def test_selectors_match_the_worker_pods() -> None:
    labels = WORKER["spec"]["template"]["metadata"]["labels"]
    service = one("Service", "newsevents-worker")
    for selector in (
        WORKER["spec"]["selector"]["matchLabels"],
        one("PodDisruptionBudget")["spec"]["selector"]["matchLabels"],
        service["spec"]["selector"],
    ):
        assert selector.items() <= labels.items()
    monitor = one("ServiceMonitor")
    assert monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
    assert {e["port"] for e in monitor["spec"]["endpoints"]} == {p["name"] for p in service["spec"]["ports"]}
    assert {e["path"] for e in monitor["spec"]["endpoints"]} == {"/metrics"}


def test_scaled_object_follows_the_lag_of_articles_up_to_the_partition_count() -> None:
    scaled = one("ScaledObject")
    assert scaled["apiVersion"] == "keda.sh/v1alpha1"
    assert scaled["spec"]["scaleTargetRef"]["name"] == WORKER["metadata"]["name"]
    assert scaled["spec"]["maxReplicaCount"] == int(CONFIG["NEWSEVENTS_PARTITIONS"])
    assert 1 <= scaled["spec"]["minReplicaCount"] <= scaled["spec"]["maxReplicaCount"]
    (trigger,) = scaled["spec"]["triggers"]
    assert trigger["type"] == "kafka"
    metadata = trigger["metadata"]
    prefix = CONFIG.get("NEWSEVENTS_TOPIC_PREFIX", "")
    assert metadata["topic"] == prefix + ARTICLES
    assert metadata["consumerGroup"] == CONFIG["NEWSEVENTS_APP_ID"]
    assert metadata["bootstrapServers"] == CONFIG["NEWSEVENTS_BROKER"].removeprefix("kafka://")
    assert int(metadata["lagThreshold"]) > 0 and metadata["allowIdleConsumers"] == "false"


def test_cron_job_polls_the_feeds_once_with_a_persistent_seen_store() -> None:
    cron = one("CronJob")
    pod = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["args"][0] == "feed" and "--once" in container["args"]
    feeds_path = Path(container["args"][container["args"].index("--feeds") + 1])
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    feeds_volume = next(name for name, path in mounts.items() if path == str(feeds_path.parent))
    feeds_map = one("ConfigMap", volumes[feeds_volume]["configMap"]["name"])
    assert yaml.safe_load(feeds_map["data"][feeds_path.name])["feeds"]
    data_volume = next(name for name, path in mounts.items() if path == CONFIG["NEWSEVENTS_DATA_DIR"])
    claim = volumes[data_volume]["persistentVolumeClaim"]["claimName"]
    assert one("PersistentVolumeClaim", claim)
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"
