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
            worker.metrics_text()  # the metrics page answers all the same
        except OSError:
            pass  # not listening yet, or exiting
        time.sleep(0.5)
    assert all(status == 503 and body["model_loaded"] is False for status, body in answers), answers
    # Either it stays up unready (its agent retries the load) or it exits with an error status.
    assert answers or (process.returncode or 0) != 0
