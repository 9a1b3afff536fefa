"""Fixtures for Gabi Yoga: the system's own template on an in-process emulator, dev logins.

One emulator (fresh moto, seeded from fixtures/gabi_yoga/seed) serves the whole package:
a start-up costs seconds, so tests never rely on being alone - they create their own
members, classes and posts, and assert on seed rows no other test changes.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from emulator.testing import ApiClient, TestEmulator, start_emulator
from handlers.common.lambda_common import tokens
from tests.conftest import REPO_ROOT
from tests.e2e.conftest import ServedEmulator, start_serve, stop_serve

TEMPLATE = REPO_ROOT / "handlers" / "gabi_yoga" / "template.yaml"
ADMIN_EMAIL, ADMIN_PASSWORD = "gabi@gabiyoga.example", "admin-dev-password"
MEMBER_EMAIL, MEMBER_PASSWORD = "maya@gabiyoga.example", "member-dev-password"
ADMIN_API_KEY = "gabi-yoga-dev-admin-key-0001"
WEBHOOK_SECRET = "whsec_gabi_yoga_dev_only"
SENDER = "no-reply@gabiyoga.example"


@dataclass
class GabiYoga:
    """The running system plus the helpers tests share."""

    emulator: TestEmulator
    api: ApiClient
    _tokens: dict[str, str] = field(default_factory=dict)

    def physical(self, logical_id: str) -> str:
        return self.emulator.stack.resources[logical_id].physical_id

    def table(self, logical_id: str) -> Any:
        return self.emulator.aws.resource("dynamodb").Table(self.physical(logical_id))

    def jwt_secret(self) -> str:
        secrets = self.emulator.aws.client("secretsmanager")
        return str(secrets.get_secret_value(SecretId=self.physical("JwtSecret"))["SecretString"])

    def login(self, email: str, password: str) -> dict[str, Any]:
        response = self.api.post("/auth/login", json={"email": email, "password": password})
        assert response.status_code == 200, response.get_data(as_text=True)
        return dict(response.get_json())

    def bearer(self, email: str = MEMBER_EMAIL, password: str = MEMBER_PASSWORD
               ) -> dict[str, str]:
        """Authorization header of a (cached) login: tokens last 15 minutes."""
        if email not in self._tokens:
            self._tokens[email] = self.login(email, password)["accessToken"]
        return {"Authorization": f"Bearer {self._tokens[email]}"}

    def admin(self, *, api_key: bool = True) -> dict[str, str]:
        headers = self.bearer(ADMIN_EMAIL, ADMIN_PASSWORD)
        if api_key:
            headers["x-api-key"] = ADMIN_API_KEY
        return headers

    def register(self, *, newsletter: bool = False) -> tuple[str, str, dict[str, Any]]:
        email = f"member-{uuid.uuid4().hex[:10]}@example.com"
        password = "a-long-password-1"
        response = self.api.post("/auth/register", json={
            "email": email, "password": password, "name": "Test Member",
            "newsletter": newsletter})
        assert response.status_code == 201, response.get_data(as_text=True)
        return email, password, dict(response.get_json())

    def mint(self, user_id: str, role: str = "member") -> dict[str, str]:
        """A valid access token signed with the stack's key, for users that need no row."""
        issued = tokens.issue_access(user_id, role, self.jwt_secret())
        return {"Authorization": f"Bearer {issued.token}"}

    def add_class(self, *, capacity: int = 10, price_cents: int = 2000,
                  date: str = "2026-03-09") -> str:
        class_id = f"cls-test-{uuid.uuid4().hex[:8]}"
        self.table("ClassesTable").put_item(Item={
            "classId": class_id, "title": "Test Flow", "instructor": "Ana", "date": date,
            "startTime": f"{date}T10:00:00Z", "durationMinutes": 60, "capacity": capacity,
            "booked": 0, "priceCents": price_cents, "currency": "eur"})
        return class_id

    def verify_sender(self) -> None:
        self.emulator.aws.client("ses").verify_email_identity(EmailAddress=SENDER)

    def sent_emails(self, to: str) -> list[Any]:
        """Messages moto's SES accepted for ``to`` (moto keeps them in its backend)."""
        from moto.ses.models import ses_backends

        settings = self.emulator.settings
        backend = ses_backends[settings.account_id][settings.region]
        return [m for m in backend.sent_messages if to in m.destinations.get("ToAddresses", [])]


@pytest.fixture(scope="package")
def gabi() -> Iterator[GabiYoga]:
    with start_emulator(TEMPLATE) as emulator:
        yield GabiYoga(emulator, emulator.client("GabiYogaApi"))


_SERVED: dict[str, ServedEmulator] = {}


@pytest.fixture(scope="package")
def served() -> Iterator[ServedEmulator]:
    """``python -m emulator serve`` of the system template, on free loopback ports."""
    server = start_serve(TEMPLATE)
    _SERVED["server"] = server
    yield server
    stop_serve(server.process)
    _SERVED.clear()


def serve_errors() -> str:
    """Error lines the served emulator logged so far, for assertion messages."""
    server = _SERVED.get("server")
    lines = server.output().splitlines() if server is not None else []
    return "\n".join(line for line in lines if "rror" in line)[-4000:]


def now() -> int:
    return int(time.time())
