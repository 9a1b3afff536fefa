"""Two functions with the same module names, invoked alternately and concurrently."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

from emulator.testing import ApiClient, TestEmulator


def _twin(client: ApiClient, name: str) -> dict[str, object]:
    response = client.get(f"/twins/{name}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return json.loads(response.get_data(as_text=True))  # type: ignore[no-any-return]


def test_functions_sharing_module_names_each_see_their_own_modules(rest: ApiClient) -> None:
    for _ in range(3):
        a = _twin(rest, "a")
        b = _twin(rest, "b")
        assert (a["who"], a["lazy"], a["twin_env"]) == ("twin-a", "lazy-twin-a", "a")
        assert (b["who"], b["lazy"], b["twin_env"]) == ("twin-b", "lazy-twin-b", "b")


def test_module_state_lives_in_its_execution_environment(rest: ApiClient) -> None:
    first = _twin(rest, "a")["calls"]
    second = _twin(rest, "a")["calls"]
    assert isinstance(first, int) and second == first + 1


def test_concurrent_invocations_of_different_functions_stay_isolated(
        sample: TestEmulator) -> None:
    def call(name: str) -> tuple[str, dict[str, object]]:
        return name, _twin(sample.client("ServerlessRestApi"), name)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(call, ["a", "b"] * 16))
    for name, body in results:
        assert body["who"] == f"twin-{name}"
        assert body["lazy"] == f"lazy-twin-{name}"
        assert body["twin_env"] == name


def test_a_slow_function_does_not_block_requests_to_other_functions(
        sample: TestEmulator) -> None:
    finished: list[str] = []

    def slow() -> None:
        response = sample.client("ServerlessRestApi").get("/behaviour/nap")  # 0.8 s handler
        assert response.status_code == 200
        finished.append("slow")

    with ThreadPoolExecutor(max_workers=2) as pool:
        future = pool.submit(slow)
        for _ in range(3):
            assert sample.client("ServerlessRestApi").get("/echo").status_code == 200
        finished.append("fast")
        future.result()
    assert finished == ["fast", "slow"]
