"""Gabi Yoga reports each execution environment's cold start, as the load-test plugin reads it."""

from __future__ import annotations

import pytest

from emulator.gateway import COLD_START_HEADER
from emulator.testing import start_emulator
from loadtests.common.coldstart import init_duration_ms
from tests.systems.gabi_yoga.conftest import TEMPLATE


@pytest.mark.slow
def test_the_first_response_of_a_function_reports_its_init_and_a_warm_one_does_not() -> None:
    with start_emulator(TEMPLATE) as emulator:
        client = emulator.client("GabiYogaApi")
        cold = client.get("/classes?date=2026-03-02")
        warm = client.get("/classes?date=2026-03-02")
    assert cold.status_code == warm.status_code == 200
    # The middleware's figure (what a deployment sends) and the emulator's own.
    assert cold.headers["Server-Timing"].startswith("init;dur=")
    assert float(cold.headers[COLD_START_HEADER]) > 0
    assert init_duration_ms(cold.headers) == float(cold.headers[COLD_START_HEADER])
    assert "Server-Timing" not in warm.headers and COLD_START_HEADER not in warm.headers
    assert init_duration_ms(warm.headers) is None
