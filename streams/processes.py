"""Worker processes started and stopped by our own code (demo, tests, benchmarks)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

from streams.embedded import free_port
from streams.exceptions import NewseventsError

__all__ = ["WorkerProcess", "WorkerStartError", "metric_sum"]


def metric_sum(exposition: str, name: str) -> float:
    """Sum of every series of metric ``name`` in Prometheus text ``exposition`` (0 when it has none)."""
    pattern = rf"^{re.escape(name)}(?:\{{[^}}]*\}})? (\S+)$"
    return sum(float(value) for value in re.findall(pattern, exposition, re.MULTILINE))


class WorkerStartError(NewseventsError):
    """A worker process exited or did not become ready in time."""


class WorkerProcess:
    """``newsevents worker`` in a child process, configured through ``NEWSEVENTS_*`` variables."""

    def __init__(
        self,
        broker_url: str,
        *,
        web_port: int | None = None,
        env: dict[str, str] | None = None,
        log_path: Path | None = None,
    ) -> None:
        """Prepare a worker on ``broker_url``; ``env`` adds settings such as NEWSEVENTS_APP_ID."""
        self.broker_url = broker_url
        self.web_port = web_port or free_port()
        self.env = env or {}
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def metrics_url(self) -> str:
        """The worker's Prometheus endpoint."""
        return f"http://127.0.0.1:{self.web_port}/metrics"

    def start(self) -> WorkerProcess:
        """Spawn the worker; returns at once (see :meth:`wait_ready`)."""
        env = {
            **os.environ,
            **self.env,
            "NEWSEVENTS_BROKER": self.broker_url,
            "NEWSEVENTS_WEB_PORT": str(self.web_port),
        }
        command = [sys.executable, "-m", "streams.cli", "worker"]
        output = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        try:
            self.process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
        finally:
            if self.log_path:
                output.close()  # type: ignore[union-attr]
        return self

    def metrics_text(self) -> str:
        """Fetch ``/metrics``; raises ``OSError`` when the worker does not answer."""
        with urllib.request.urlopen(self.metrics_url, timeout=5) as response:  # noqa: S310 - loopback only
            return response.read().decode()

    def readiness(self) -> tuple[int, dict[str, object]]:
        """Status and JSON body of ``/ready``; raises ``OSError`` when the worker does not answer."""
        url = f"http://127.0.0.1:{self.web_port}/ready"
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:  # 503 while not ready
            return error.code, json.loads(error.read())

    def wait_ready(self, timeout: float = 90.0) -> None:
        """Block until the worker holds at least one ``articles`` partition."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                message = f"worker exited with code {self.process and self.process.returncode}"
                raise WorkerStartError(message)
            try:
                if metric_sum(self.metrics_text(), "newsevents_assigned_partitions") > 0:
                    return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.5)
        message = f"worker on port {self.web_port} was not assigned partitions within {timeout:.0f} s"
        raise WorkerStartError(message)

    def signal(self, signum: int) -> None:
        """Send ``signum`` (e.g. SIGKILL to simulate a crash)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signum)

    def stop(self, timeout: float = 30.0) -> int | None:
        """SIGTERM, wait up to ``timeout`` for a clean exit, then SIGKILL; return the exit code."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def __enter__(self) -> WorkerProcess:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
