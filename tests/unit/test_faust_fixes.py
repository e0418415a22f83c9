"""The worker consumer's fetch wait (streams.faust_fixes.App): Faust fixes it at 1.5 s; the app can set it."""

from __future__ import annotations

import pytest

from streams.faust_fixes import App


@pytest.mark.parametrize(("fetch_max_wait", "expected_ms"), [(0.25, 250), (None, 1500)])
async def test_the_worker_consumer_waits_as_set(fetch_max_wait: float | None, expected_ms: int) -> None:
    app = App("fetch-wait", broker="kafka://localhost:1", fetch_max_wait=fetch_max_wait)
    consumer = app.consumer._thread._create_worker_consumer(app.transport)  # built, not started: no broker needed
    try:
        assert consumer._fetch_max_wait_ms == expected_ms
    finally:
        await consumer.stop()
