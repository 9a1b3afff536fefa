"""Gambix Strata load test: site owners, analysts and signed-out probes, weighted as used.

    locust -f loadtests/gambix_strata.py --headless -u 30 -r 2 -t 1m \
        --host http://127.0.0.1:3001/dev --csv out/gs --html out/gs.html

``--host`` is the API's stage URL: ``http://127.0.0.1:3001/dev`` for ``python -m emulator
serve`` of the root template (``/_emulator/info`` lists it), or the stack's
``GambixStrataApiUrl`` output for a deployment. Journeys (by share of simulated users):

- owners (6): each signs up, confirms and signs in once (``on_start``), with an account of
  its own (``load-<random>@loadtest.example``) so projects never collide, and creates a
  project watching the fixture site; then lists projects, reads the project, its stats,
  health, analysis, recommendations (and marks one), alerts and reports, writes a report,
  edits the project, creates and deletes a spare one, and now and then scrapes the site
  and polls the job until it is done;
- analysts (3): sign in as the dev fixture users (read-mostly: the project list, a
  project's stats, health and recommendations, the alerts, the profile);
- signed-out (1): the public routes' failure paths a live API sees: a sign-in to an
  account that does not exist (401; never the analysts', which a real pool would lock
  after repeated failures) and an API call without a token (401, from the Cognito
  authorizer).

The scrape needs a site the deployment may fetch: ``GAMBIX_STRATA_SCRAPE_URL`` (against a
staging deployment: a page of a site on its ``ScrapeAllowList``, or any public site you own);
unset, the URL is the fixture website ``serve`` hosts, read from ``GET /_emulator/info``
(``static_sites.GambixFixtureSite``) on the API's origin. The confirmation code is
``GAMBIX_STRATA_CONFIRMATION_CODE`` (the emulator's Cognito accepts any six digits; a real
pool emails it, so against AWS the staging pool needs an auto-confirming PreSignUp trigger).
The analysts' accounts are ``GAMBIX_STRATA_ANALYSTS`` (``email:password,...``; default the
dev fixtures). Requests are named by route template (``/api/gambix/projects/{id}``); the
gates are the ``gambix_strata`` block of ``loadtests/targets.yaml``.
"""

from __future__ import annotations

import os
import random
import sys
import time
import uuid
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from locust import between, task

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # locust imports this file by path, from any directory
    sys.path.insert(0, str(ROOT))

from loadtests.common.plugin import SystemUser, install  # noqa: E402

install("gambix_strata")

OWNER_PASSWORD = "load-test-password-1"
CONFIRMATION_CODE = os.environ.get("GAMBIX_STRATA_CONFIRMATION_CODE", "123456")
ANALYSTS = [tuple(account.split(":", 1)) for account in os.environ.get(
    "GAMBIX_STRATA_ANALYSTS",
    "ana@gambix.example:ana-dev-password,ben@gambix.example:ben-dev-password").split(",")]
FIXTURE_SITE = "GambixFixtureSite"
#: How long an owner follows a scrape job (the fixture site takes about a second idle).
SCRAPE_POLL_S, SCRAPE_POLL_INTERVAL_S = 30.0, 0.5
PROJECTS = "/api/gambix/projects"
PROJECT = "/api/gambix/projects/{id}"


class ScrapeUrlError(RuntimeError):
    """No site to scrape: neither GAMBIX_STRATA_SCRAPE_URL nor an emulator fixture site."""


@cache
def scrape_url(host: str) -> str:
    """The page to scrape: the env var, else the fixture site of the emulator at ``host``."""
    configured = os.environ.get("GAMBIX_STRATA_SCRAPE_URL")
    if configured:
        return configured
    parts = urlsplit(host)
    info_url = f"{parts.scheme}://{parts.netloc}/_emulator/info"
    try:
        response = requests.get(info_url, timeout=10)
        response.raise_for_status()
        return f"{response.json()['static_sites'][FIXTURE_SITE]}/index.html"
    except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
        raise ScrapeUrlError(
            f"set GAMBIX_STRATA_SCRAPE_URL: {info_url} names no static site "
            f"{FIXTURE_SITE} ({exc})") from exc


class _SignedIn(SystemUser):
    abstract = True
    id_token = ""

    def sign_in(self, email: str, password: str) -> None:
        response = self.client.post("/api/users/login", name="/api/users/login",
                                    json={"email": email, "password": password})
        response.raise_for_status()  # no journey without an account: fail the user loudly
        self.id_token = response.json()["idToken"]

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.id_token}"}

    def get(self, path: str, name: str, **kwargs: Any) -> requests.Response:
        return self.client.get(path, headers=self.headers(), name=name, **kwargs)

    def project_ids(self) -> list[str]:
        response = self.get(PROJECTS, PROJECTS, params={"limit": 10})
        return [item["projectId"] for item in response.json()["items"]] if response.ok else []

    def read_insights(self, project: str) -> None:
        self.get(f"{PROJECTS}/{project}/stats", f"{PROJECT}/stats")
        self.get(f"{PROJECTS}/{project}/health", f"{PROJECT}/health")
        self.get(f"{PROJECTS}/{project}/recommendations", f"{PROJECT}/recommendations")


class Owner(_SignedIn):
    weight = 6
    wait_time = between(1, 3)
    project = ""

    def on_start(self) -> None:
        email = f"load-{uuid.uuid4().hex[:16]}@loadtest.example"
        self.client.post("/api/users/register", name="/api/users/register", json={
            "email": email, "password": OWNER_PASSWORD, "name": "Load Test Owner"},
        ).raise_for_status()
        self.client.post("/api/users/confirm", name="/api/users/confirm",
                         json={"email": email, "code": CONFIRMATION_CODE}).raise_for_status()
        self.sign_in(email, OWNER_PASSWORD)
        self.project = self.create_project("Northwind Gardens")

    def create_project(self, name: str) -> str:
        response = self.client.post(PROJECTS, headers=self.headers(), name=PROJECTS, json={
            "name": name, "url": scrape_url(self.host), "alertDropPoints": 10})
        response.raise_for_status()
        return str(response.json()["projectId"])

    @task(4)
    def dashboard(self) -> None:
        self.project_ids()
        self.get("/api/gambix/alerts", "/api/gambix/alerts", params={"status": "open"})

    @task(4)
    def project_overview(self) -> None:
        self.get(f"{PROJECTS}/{self.project}", PROJECT)
        self.read_insights(self.project)

    @task(2)
    def page_analysis(self) -> None:
        self.get(f"{PROJECTS}/{self.project}/analysis", f"{PROJECT}/analysis")

    @task(1)
    def triage_a_recommendation(self) -> None:
        response = self.get(f"{PROJECTS}/{self.project}/recommendations",
                            f"{PROJECT}/recommendations", params={"status": "open"})
        items = response.json()["items"] if response.ok else []
        if items:
            chosen = random.choice(items)["recommendationId"]
            self.client.put(f"{PROJECTS}/{self.project}/recommendations/{chosen}",
                            headers=self.headers(), json={"status": "in_progress"},
                            name=f"{PROJECT}/recommendations/{{recommendationId}}")

    @task(1)
    def scrape_and_follow_the_job(self) -> None:
        response = self.client.post("/api/scrape", headers=self.headers(), name="/api/scrape",
                                    json={"projectId": self.project})
        if response.status_code != 202:
            return
        job = response.json()["jobId"]
        deadline = time.monotonic() + SCRAPE_POLL_S
        while time.monotonic() < deadline:
            time.sleep(SCRAPE_POLL_INTERVAL_S)  # gevent-patched: other users run meanwhile
            status = self.get(f"/api/scrape/{job}", "/api/scrape/{id}")
            if not status.ok or status.json()["status"] in ("done", "failed"):
                return

    @task(1)
    def reports(self) -> None:
        self.client.post(f"{PROJECTS}/{self.project}/reports", headers=self.headers(),
                         name=f"{PROJECT}/reports")
        self.get(f"{PROJECTS}/{self.project}/reports", f"{PROJECT}/reports")

    @task(1)
    def edit_project(self) -> None:
        self.client.put(f"{PROJECTS}/{self.project}", headers=self.headers(), name=PROJECT,
                        json={"description": f"Watched since run {uuid.uuid4().hex[:8]}"})

    @task(1)
    def spare_project_lifecycle(self) -> None:
        spare = self.create_project("Spare site")
        self.client.delete(f"{PROJECTS}/{spare}", headers=self.headers(), name=PROJECT)


class Analyst(_SignedIn):
    """Read-mostly, on the shared dev accounts (their projects are whoever made them)."""

    weight = 3
    wait_time = between(1, 3)

    def on_start(self) -> None:
        email, password = random.choice(ANALYSTS)
        self.sign_in(email, password)

    @task(4)
    def projects(self) -> None:
        projects = self.project_ids()
        if projects:
            self.read_insights(random.choice(projects))

    @task(2)
    def alerts(self) -> None:
        self.get("/api/gambix/alerts", "/api/gambix/alerts")

    @task(1)
    def profile(self) -> None:
        self.get("/api/users/profile", "/api/users/profile")


class SignedOut(SystemUser):
    weight = 1
    wait_time = between(2, 4)

    @task(1)
    def unknown_account(self) -> None:
        with self.client.post("/api/users/login", name="/api/users/login", catch_response=True,
                              json={"email": f"nobody-{uuid.uuid4().hex[:16]}@loadtest.example",
                                    "password": "not-the-password"}) as response:
            if response.status_code == 401:
                response.success()  # the answer wrong credentials must get

    @task(1)
    def expired_session(self) -> None:
        with self.client.get(PROJECTS, name=PROJECTS, catch_response=True) as response:
            if response.status_code == 401:
                response.success()  # the authorizer turns a call without a token away
