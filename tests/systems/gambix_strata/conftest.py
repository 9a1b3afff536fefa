"""Fixtures for Gambix Strata: the fixture site on loopback, the system on an in-process
emulator (its event sources running), dev logins and fresh users.

One emulator serves the whole package (a start-up costs seconds); tests create their own
users and projects, so they never depend on each other's data. The scrape allow-list is the
fixture site's ``host:port``, handed in as the ``ScrapeAllowList`` parameter, as ``serve``
does from ``Metadata.Emulator.StaticSites``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import pytest

from emulator.config import Settings
from emulator.static_sites import StaticSite
from emulator.testing import ApiClient, TestEmulator, start_emulator
from tests.conftest import REPO_ROOT

TEMPLATE = REPO_ROOT / "handlers" / "gambix_strata" / "template.yaml"
SITE = REPO_ROOT / "fixtures" / "gambix_strata" / "site"
ANA = ("ana@gambix.example", "ana-dev-password")
BEN = ("ben@gambix.example", "ben-dev-password")
#: The fixture site's expected score (fixtures/gambix_strata/README.md).
SITE_SCORE = 87
LEGACY_SCORE = 30


@dataclass
class Strata:
    """The running system plus the helpers tests share."""

    emulator: TestEmulator
    api: ApiClient
    site: StaticSite
    _tokens: dict[str, str] = field(default_factory=dict)

    def physical(self, logical_id: str) -> str:
        return self.emulator.stack.resources[logical_id].physical_id

    def table(self, logical_id: str) -> Any:
        return self.emulator.aws.resource("dynamodb").Table(self.physical(logical_id))

    def login(self, email: str, password: str) -> dict[str, Any]:
        response = self.api.post("/api/users/login", json={"email": email, "password": password})
        assert response.status_code == 200, response.get_data(as_text=True)
        return dict(response.get_json())

    def auth(self, user: tuple[str, str] = ANA) -> dict[str, str]:
        """Authorization header with a (cached) ID token."""
        if user[0] not in self._tokens:
            self._tokens[user[0]] = self.login(*user)["idToken"]
        return {"Authorization": self._tokens[user[0]]}

    def new_user(self) -> dict[str, str]:
        """A freshly registered and confirmed user's Authorization header."""
        email = f"user-{uuid.uuid4().hex[:10]}@example.com"
        registered = self.api.post("/api/users/register", json={
            "email": email, "password": "a-long-password", "name": "Test User"})
        assert registered.status_code == 201, registered.get_data(as_text=True)
        confirmed = self.api.post("/api/users/confirm", json={"email": email, "code": "123456"})
        assert confirmed.status_code == 200, confirmed.get_data(as_text=True)
        return {"Authorization": self.login(email, "a-long-password")["idToken"]}

    def project(self, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
        body = {"name": "Northwind", "url": f"{self.site.url}/index.html", **fields}
        response = self.api.post("/api/gambix/projects", headers=headers, json=body)
        assert response.status_code == 201, response.get_data(as_text=True)
        return dict(response.get_json())

    def scrape(self, headers: dict[str, str], project_id: str, **fields: Any) -> dict[str, Any]:
        """Queue a scrape and wait for the worker (and the alert stream) to finish it."""
        response = self.api.post("/api/scrape", headers=headers,
                                 json={"projectId": project_id, **fields})
        assert response.status_code == 202, response.get_data(as_text=True)
        assert self.emulator.sources.wait_idle(60), "the scrape queue did not drain"
        job = self.api.get(f"/api/scrape/{response.get_json()['jobId']}", headers=headers)
        return dict(job.get_json())


@pytest.fixture(scope="package")
def site() -> Iterator[StaticSite]:
    with StaticSite(SITE) as hosted:
        yield hosted


@pytest.fixture(scope="package")
def strata(site: StaticSite) -> Iterator[Strata]:
    settings = Settings(parameter_overrides=MappingProxyType({"ScrapeAllowList": site.host_port}))
    with start_emulator(TEMPLATE, settings=settings) as emulator:
        yield Strata(emulator, emulator.client("GambixStrataApi"), site)
