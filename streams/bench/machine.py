"""What the benchmark ran on: CPU, memory, versions, commit; and peak RSS of a process."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

__all__ = ["busy_cpu_seconds", "load_average", "machine_info", "process_cpu_seconds", "process_memory_mb"]

_REPO = Path(__file__).resolve().parents[2]


def _cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def _mem_total_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    return None


def _version(package: str) -> str | None:
    try:
        return version(package)
    except PackageNotFoundError:
        return None


def _git(*args: str) -> str | None:
    try:
        result = subprocess.run(["git", *args], cwd=_REPO, capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip()


def load_average() -> list[float]:
    """The 1/5/15-minute load averages: other work on the machine skews every number."""
    return [round(value, 2) for value in os.getloadavg()]


def machine_info() -> dict[str, object]:
    """CPU, memory, Python and package versions, the commit and how many paths differ from it."""
    status = _git("status", "--porcelain")
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_model": _cpu_model(),
        "memory_gb": _mem_total_gb(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "spacy": _version("spacy"),
        "faust_streaming": _version("faust-streaming"),
        "aiokafka": _version("aiokafka"),
        "commit": _git("rev-parse", "--short", "HEAD"),
        "uncommitted_paths": len(status.splitlines()) if status is not None else None,
    }


def process_memory_mb(pid: int) -> dict[str, float]:
    """VmHWM (peak resident set) and VmRSS of a live process from ``/proc/PID/status``, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmHWM", "VmRSS"):
            fields[name.lower().removeprefix("vm") + "_mb"] = round(int(rest.split()[0]) / 1024, 1)
    return fields


def process_cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds used so far by a live process, from ``/proc/PID/stat``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def busy_cpu_seconds() -> float:
    """CPU seconds the whole machine spent busy (not idle or waiting on I/O) since boot, from ``/proc/stat``."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")
