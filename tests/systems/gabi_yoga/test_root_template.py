"""The repository's root template serves Gabi Yoga as a nested application (Child/Resource)."""

from __future__ import annotations

from emulator.config import Settings
from emulator.testing import start_emulator
from tests.conftest import REPO_ROOT


def test_the_root_template_serves_the_seeded_system_as_a_nested_application() -> None:
    # The package's emulator shares this process's moto, where API key values are unique:
    # this stack gets its own name and key.
    settings = Settings(stack_name="kit-root", parameter_overrides={
        "GabiYogaAdminApiKey": "root-template-test-key-0001"})
    with start_emulator(REPO_ROOT / "template.yaml", settings=settings) as emulator:
        api = emulator.client("GabiYoga/GabiYogaApi")
        classes = api.get("/classes", query={"date": "2026-03-02"})
        assert classes.status_code == 200
        assert len(classes.get_json()["items"]) == 2
        login = api.post("/auth/login", json={"email": "maya@gabiyoga.example",
                                              "password": "member-dev-password"})
        assert login.status_code == 200
        assert api.get("/bookings").status_code == 401
