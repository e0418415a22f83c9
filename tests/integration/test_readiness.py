"""``/ready``: true only once the model is loaded and the agent consumes; ``/metrics`` answers either way."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from streams.processes import WorkerProcess

pytestmark = pytest.mark.integration


def test_a_consuming_worker_is_ready(start_worker: Callable[..., WorkerProcess]) -> None:
    worker = start_worker()
    status, body = worker.readiness()
    assert (status, body) == (200, {"ready": True, "model_loaded": True, "consuming": True})


def test_a_worker_whose_model_cannot_load_is_never_ready(start_worker: Callable[..., WorkerProcess]) -> None:
    worker = start_worker(wait=False, NEWSEVENTS_MODEL="no_such_spacy_model")
    process = worker.process
    assert process is not None
    answers: list[tuple[int, dict[str, object]]] = []
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and process.poll() is None:
        try:
            answers.append(worker.readiness())
        except OSError:
            pass  # not listening: the model is loaded before the web server starts
        time.sleep(0.5)
    assert all(status == 503 for status, _ in answers), answers
    assert process.poll() not in (None, 0)  # it exits with an error instead of holding its partitions
