"""Functional tests: the sample SAM app provisioned in-process on moto, once per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from emulator.testing import ApiClient, TestEmulator, start_emulator
from tests.conftest import APPS

SAMPLE_TEMPLATE = APPS / "sample" / "template.yaml"


@pytest.fixture(scope="module")
def sample() -> Iterator[TestEmulator]:
    with start_emulator(SAMPLE_TEMPLATE) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def rest(sample: TestEmulator) -> ApiClient:
    return sample.client("ServerlessRestApi")


@pytest.fixture(scope="module")
def http(sample: TestEmulator) -> ApiClient:
    return sample.client("ServerlessHttpApi")


@pytest.fixture(scope="module")
def explicit(sample: TestEmulator) -> ApiClient:
    return sample.client("ExplicitApi")


@pytest.fixture(scope="module")
def cors_http(sample: TestEmulator) -> ApiClient:
    return sample.client("CorsHttpApi")
