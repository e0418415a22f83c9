"""A local Apache Kafka cluster: KRaft nodes (broker and controller in one JVM) on free loopback ports.

The jars come from ``deploy/kafka`` (``make kafka-jars`` runs Maven there). Each node gets a directory
with its ``server.properties``, its log segments and its ``kafka.log``; ``cluster.json`` in the cluster
directory records ports and process ids, so ``newsevents kafka down`` can stop what ``up`` started.
"""

from __future__ import annotations

import asyncio
import base64
import ctypes
import json
import os
import signal
import subprocess
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from types import TracebackType

from aiokafka import AIOKafkaClient
from aiokafka.errors import KafkaError

from streams.embedded import free_port, wait_for_port
from streams.exceptions import BrokerStartError

__all__ = ["KAFKA_DEPLOY_DIR", "KafkaCluster", "KafkaNode", "NodeSpec"]

#: The Maven project fetching the broker, its log configuration, and ``lib/`` with the jars.
KAFKA_DEPLOY_DIR = Path(__file__).resolve().parent.parent / "deploy" / "kafka"
_HOST = "127.0.0.1"
_STATE_FILE = "cluster.json"
#: Small heaps: the cluster shares the machine with spaCy workers.
DEFAULT_HEAP = "256m"
_PR_SET_PDEATHSIG = 1
#: Looked up before any fork: the child only calls it.
_prctl = ctypes.CDLL(None, use_errno=True).prctl


def _die_with_parent() -> None:
    """In the child before exec: the kernel SIGKILLs it when the process that started it dies (Linux)."""
    _prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL))


@dataclass(frozen=True)
class NodeSpec:
    """Identity and ports of one node."""

    node_id: int
    broker_port: int
    controller_port: int


def _broker_properties(spec: NodeSpec, specs: list[NodeSpec], data_dir: Path) -> str:
    """``server.properties`` of one combined broker+controller node of a cluster of ``len(specs)`` nodes."""
    size = len(specs)
    voters = ",".join(f"{s.node_id}@{_HOST}:{s.controller_port}" for s in specs)
    replicas = min(size, 3)
    min_isr = min(size, 2)
    settings = {
        "process.roles": "broker,controller",
        "node.id": spec.node_id,
        "controller.quorum.voters": voters,
        "listeners": f"PLAINTEXT://{_HOST}:{spec.broker_port},CONTROLLER://{_HOST}:{spec.controller_port}",
        "advertised.listeners": f"PLAINTEXT://{_HOST}:{spec.broker_port}",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "PLAINTEXT",
        "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs": str(data_dir),
        # Durable writes: every topic replicated to 3 nodes (fewer in smaller clusters), acks=all needs 2.
        "default.replication.factor": replicas,
        "min.insync.replicas": min_isr,
        "offsets.topic.replication.factor": replicas,
        "transaction.state.log.replication.factor": replicas,
        "transaction.state.log.min.isr": min_isr,
        "offsets.topic.num.partitions": 8,
        "transaction.state.log.num.partitions": 8,
        "group.initial.rebalance.delay.ms": 0,
        # A killed node is fenced (its partitions led elsewhere) after 6 s instead of 9 s.
        "broker.session.timeout.ms": 6000,
        "broker.heartbeat.interval.ms": 1000,
        # Few threads: two cores are shared with the workers.
        "num.network.threads": 2,
        "num.io.threads": 2,
        "background.threads": 2,
        "num.replica.fetchers": 1,
        "num.recovery.threads.per.data.dir": 1,
        "log.cleaner.threads": 1,
    }
    return "".join(f"{key}={value}\n" for key, value in settings.items())


class KafkaNode:
    """One node's JVM process: format its storage once, start, kill, stop."""

    def __init__(self, spec: NodeSpec, specs: list[NodeSpec], directory: Path, heap: str) -> None:
        """Prepare node ``spec`` of the cluster ``specs`` in ``directory`` (created if missing)."""
        self.spec = spec
        self.directory = directory
        self.heap = heap
        self.data_dir = directory / "data"
        self.config_path = directory / "server.properties"
        self.log_path = directory / "kafka.log"
        directory.mkdir(parents=True, exist_ok=True)
        self.config_path.write_text(_broker_properties(spec, specs, self.data_dir))
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        """``host:port`` of this node's broker listener."""
        return f"{_HOST}:{self.spec.broker_port}"

    @property
    def running(self) -> bool:
        """Whether this node's process is alive."""
        return self.process is not None and self.process.poll() is None

    def _java(self, main_class: str, *args: str) -> list[str]:
        lib = KAFKA_DEPLOY_DIR / "lib"
        if not any(lib.glob("kafka_2.13-*.jar")):
            message = f"the Kafka jars are missing in {lib}: run `make kafka-jars` (needs Java 17 and Maven)"
            raise BrokerStartError(message)
        return [
            "java",
            f"-Xms{self.heap}",
            f"-Xmx{self.heap}",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",  # C1 only: less JIT work on a small machine, fast enough here
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={KAFKA_DEPLOY_DIR / 'log4j2.properties'}",
            "-cp",
            f"{lib}/*",
            main_class,
            *args,
        ]

    def format(self, cluster_id: str) -> None:
        """Write the KRaft metadata of an empty node (skipped when already formatted)."""
        command = self._java(
            "kafka.tools.StorageTool", "format", "--cluster-id", cluster_id, "--config", str(self.config_path)
        )
        result = subprocess.run([*command, "--ignore-formatted"], capture_output=True, text=True, check=False)
        if result.returncode != 0:
            message = f"formatting node {self.spec.node_id} failed: {(result.stderr or result.stdout).strip()}"
            raise BrokerStartError(message)

    def start(self, *, bound_to_parent: bool = False) -> None:
        """Start the node's JVM in its own session: it outlives the command that started it, unless
        ``bound_to_parent`` (tests), where it is killed when that process dies without stopping it.
        """
        command = self._java("kafka.Kafka", str(self.config_path))
        with open(self.log_path, "ab") as output:
            self.process = subprocess.Popen(
                command,
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=_die_with_parent if bound_to_parent else None,  # one prctl call, no locks taken
            )

    def kill(self) -> None:
        """SIGKILL: a crash, as ``kill -9`` would cause."""
        if self.running:
            assert self.process is not None
            self.process.kill()
            self.process.wait()

    def terminate(self) -> None:
        """Ask the node to shut down (SIGTERM: controlled shutdown)."""
        if self.running:
            assert self.process is not None
            self.process.terminate()

    def wait_stopped(self, timeout: float) -> None:
        """Wait for the process to exit after :meth:`terminate`; SIGKILL it after ``timeout``."""
        if self.process is None:
            return
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class KafkaCluster:
    """``size`` KRaft nodes in ``directory``; a context manager that starts and stops them."""

    def __init__(
        self, directory: Path, size: int = 3, *, heap: str = DEFAULT_HEAP, bound_to_parent: bool = False
    ) -> None:
        """Choose free ports for ``size`` nodes (1 or 3) and write their configuration.

        ``bound_to_parent``: the nodes die with this process (tests); otherwise they run until stopped.
        """
        self.bound_to_parent = bound_to_parent
        if size not in (1, 3):
            message = f"a cluster has 1 or 3 nodes, not {size}"
            raise ValueError(message)
        self.directory = directory
        self.cluster_id = _cluster_id()
        specs = [NodeSpec(i, free_port(), free_port()) for i in range(1, size + 1)]
        self.nodes = [KafkaNode(spec, specs, directory / f"node-{spec.node_id}", heap) for spec in specs]

    @property
    def bootstrap(self) -> str:
        """``h1:p1,h2:p2,...`` for Kafka clients."""
        return ",".join(node.bootstrap for node in self.nodes)

    @property
    def url(self) -> str:
        """``kafka://h1:p1,h2:p2,...`` for Faust and the CLI."""
        return f"kafka://{self.bootstrap}"

    def start(self, timeout: float = 120.0) -> KafkaCluster:
        """Format and start every node, then wait until each broker is registered and unfenced."""
        for node in self.nodes:
            node.format(self.cluster_id)
        for node in self.nodes:
            node.start(bound_to_parent=self.bound_to_parent)
        self._write_state()
        try:
            self.wait_ready(timeout)
        except BrokerStartError:
            self.stop()
            raise
        return self

    def wait_ready(self, timeout: float = 120.0) -> None:
        """Block until every node answers and the cluster metadata lists all of them as brokers."""
        deadline = time.monotonic() + timeout
        for node in self.nodes:
            remaining = deadline - time.monotonic()
            if not node.running or not wait_for_port(_HOST, node.spec.broker_port, max(remaining, 0)):
                message = f"Kafka node {node.spec.node_id} did not start; see {node.log_path}"
                raise BrokerStartError(message)
        while time.monotonic() < deadline:
            if asyncio.run(self._live_brokers()) == len(self.nodes):
                return
            time.sleep(0.5)
        message = f"the Kafka cluster did not list {len(self.nodes)} brokers within {timeout:.0f} s"
        raise BrokerStartError(message)

    async def _live_brokers(self) -> int:
        client = AIOKafkaClient(bootstrap_servers=self.bootstrap, request_timeout_ms=5000)
        try:
            await client.bootstrap()
            return len(client.cluster.brokers())
        except KafkaError:
            return 0
        finally:
            await client.close()

    def stop(self, timeout: float = 30.0) -> None:
        """Controlled shutdown of every node at once; SIGKILL what is still running after ``timeout``."""
        for node in self.nodes:
            node.terminate()
        deadline = time.monotonic() + timeout
        for node in self.nodes:
            node.wait_stopped(max(deadline - time.monotonic(), 0.1))
        (self.directory / _STATE_FILE).unlink(missing_ok=True)

    def _write_state(self) -> None:
        state = {
            "url": self.url,
            "nodes": [
                {
                    **asdict(node.spec),
                    "pid": node.process.pid if node.process else None,
                    "config": str(node.config_path),
                }
                for node in self.nodes
            ],
        }
        (self.directory / _STATE_FILE).write_text(json.dumps(state, indent=2) + "\n")

    @staticmethod
    def read_state(directory: Path) -> dict | None:
        """What ``up`` recorded in ``directory``, or None when no cluster was started there."""
        path = directory / _STATE_FILE
        return json.loads(path.read_text()) if path.exists() else None

    @staticmethod
    def running_nodes(directory: Path) -> list[int]:
        """Process ids of the nodes recorded in ``directory`` that are still running."""
        state = KafkaCluster.read_state(directory) or {"nodes": []}
        return [node["pid"] for node in state["nodes"] if _is_node_process(node["pid"], node["config"])]

    @staticmethod
    def stop_recorded(directory: Path, timeout: float = 30.0) -> int:
        """Stop the nodes recorded in ``directory`` by another process; return how many were running."""
        pids = KafkaCluster.running_nodes(directory)
        for pid in pids:
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for pid in pids:
            while _is_node_process(pid) and time.monotonic() < deadline:
                time.sleep(0.2)
            if _is_node_process(pid):
                os.kill(pid, signal.SIGKILL)
        (directory / _STATE_FILE).unlink(missing_ok=True)
        return len(pids)

    def __enter__(self) -> KafkaCluster:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def _cluster_id() -> str:
    """A random cluster id in Kafka's form (URL-safe base64 of 16 bytes); like Kafka's own ``Uuid.randomUuid``
    it never starts with ``-``, which the storage tool's argument parser would take for an option."""
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


def _is_node_process(pid: int | None, config: str | None = None) -> bool:
    """Whether ``pid`` is alive (not a zombie) and, given ``config``, a Kafka node started with that file."""
    if pid is None:
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        command_line = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return False
    if stat.rsplit(")", 1)[1].split()[0] == "Z":
        return False
    return config is None or config in command_line.split("\0")
