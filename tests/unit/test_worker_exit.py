"""A worker whose agent crashes exits (status 75) so that the orchestrator restarts it, instead of looping."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from streams.app import FATAL_EXIT_CODE

REPO = Path(__file__).resolve().parents[2]

# The real agent on a stream whose iteration fails outside any batch, as a broken consumer would.
_CRASHING_AGENT = """
import asyncio
import faust
from prometheus_client import CollectorRegistry
from streams.app import ExtractEventsAgent
from streams.extraction import Extractor
from streams.metrics import PipelineMetrics
from streams.settings import Settings

class BrokenStream:
    async def noack_take(self, size, within):
        raise RuntimeError("the consumer broke")
        yield

settings = Settings(_env_file=None, broker="kafka://127.0.0.1:9")
app = faust.App("crash-test", broker=settings.broker)
agent = ExtractEventsAgent(app, settings, Extractor(), PipelineMetrics(CollectorRegistry()))
asyncio.run(agent.run(BrokenStream()))
print("the agent returned")
"""


def test_an_agent_that_crashes_exits_the_worker() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _CRASHING_AGENT], capture_output=True, text=True, cwd=REPO, timeout=120, check=False
    )
    assert result.returncode == FATAL_EXIT_CODE, result.stderr
    assert "the extract_events agent crashed" in result.stderr
    assert "RuntimeError: the consumer broke" in result.stderr
    assert "the agent returned" not in result.stdout
