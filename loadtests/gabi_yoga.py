"""Gabi Yoga load test: visitors, members and the studio admin, weighted as the site is used.

    locust -f loadtests/gabi_yoga.py --headless -u 50 -r 10 -t 1m \
        --host http://127.0.0.1:3000/dev --csv out/gy --html out/gy.html

``--host`` is the API's stage URL: ``http://127.0.0.1:3000/dev`` for ``python -m emulator
serve``, ``https://{api-id}.execute-api.{region}.amazonaws.com/{stage}`` (or a custom
domain's base path) for a deployment. Journeys (by share of simulated users):

- visitors (6): the week's classes by day, the blog and its posts, the gallery;
- members (3): register and sign in once (``on_start``), then browse classes, book a
  class and cancel it again (so seats are never used up), edit a booking's notes, list
  their bookings and payments, rotate their tokens, now and then sign out and back in;
- admin (1): signs in once as the studio admin (``x-api-key`` + admin token), then the
  dashboard, users, analytics, settings, and a draft post created, published and deleted.

Data comes from the fixtures (``fixtures/gabi_yoga/seed``: the class week) and from the API
itself (post and class ids from the listings). The admin account and key default to the
dev fixtures; against a deployment set ``GABI_YOGA_ADMIN_EMAIL``,
``GABI_YOGA_ADMIN_PASSWORD`` and ``GABI_YOGA_ADMIN_API_KEY``. Requests are named by route
template (``/classes/{id}/book``), so stats and targets aggregate per route; the gates
are the ``gabi_yoga`` block of ``loadtests/targets.yaml``.
"""

from __future__ import annotations

import os
import random
import sys
import uuid
from pathlib import Path
from typing import Any

import yaml
from locust import between, task

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # locust imports this file by path, from any directory
    sys.path.insert(0, str(ROOT))

from loadtests.common.plugin import SystemUser, install  # noqa: E402

install("gabi_yoga")

SEED = ROOT / "fixtures" / "gabi_yoga" / "seed" / "dynamodb"
CLASS_DATES = sorted({str(item["date"]) for item in
                      yaml.safe_load((SEED / "ClassesTable.yaml").read_text(encoding="utf-8"))})
SETTINGS = {key: value for key, value in
            yaml.safe_load((SEED / "SettingsTable.yaml").read_text(encoding="utf-8"))[0].items()
            if key in ("studioName", "contactEmail", "bookingWindowDays", "cancellationHours")}
ADMIN_EMAIL = os.environ.get("GABI_YOGA_ADMIN_EMAIL", "gabi@gabiyoga.example")
ADMIN_PASSWORD = os.environ.get("GABI_YOGA_ADMIN_PASSWORD", "admin-dev-password")
ADMIN_API_KEY = os.environ.get("GABI_YOGA_ADMIN_API_KEY", "gabi-yoga-dev-admin-key-0001")
MEMBER_PASSWORD = "load-test-password-1"


class _Browsing(SystemUser):
    """Public pages every kind of user reads."""

    abstract = True

    def classes_of_a_day(self) -> list[dict[str, Any]]:
        response = self.client.get("/classes", params={"date": random.choice(CLASS_DATES)},
                                   name="/classes")
        return list(response.json().get("items", [])) if response.ok else []

    def blog(self) -> list[dict[str, Any]]:
        response = self.client.get("/blog", name="/blog")
        return list(response.json().get("items", [])) if response.ok else []

    def read_a_post(self) -> None:
        posts = self.blog()
        if posts:
            self.client.get(f"/blog/{random.choice(posts)['postId']}", name="/blog/{id}")


class Visitor(_Browsing):
    weight = 6
    wait_time = between(1, 3)

    @task(5)
    def browse_classes(self) -> None:
        self.classes_of_a_day()

    @task(3)
    def read_blog(self) -> None:
        self.read_a_post()

    @task(2)
    def gallery(self) -> None:
        self.client.get("/gallery", name="/gallery")


class _SignedIn(_Browsing):
    abstract = True
    access_token = ""
    refresh_token = ""

    def sign_in(self, email: str, password: str) -> None:
        response = self.client.post("/auth/login", json={"email": email, "password": password},
                                    name="/auth/login")
        response.raise_for_status()  # no journey without an account: fail the user loudly
        tokens = response.json()
        self.access_token, self.refresh_token = tokens["accessToken"], tokens["refreshToken"]

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}

    def rotate_tokens(self) -> None:
        response = self.client.post("/auth/refresh", json={"refreshToken": self.refresh_token},
                                    name="/auth/refresh")
        if response.ok:
            tokens = response.json()
            self.access_token, self.refresh_token = tokens["accessToken"], tokens["refreshToken"]

    def sign_out(self) -> None:
        self.client.post("/auth/logout", json={"refreshToken": self.refresh_token},
                         headers=self.headers(), name="/auth/logout")
        self.access_token = self.refresh_token = ""


class Member(_SignedIn):
    weight = 3
    wait_time = between(1, 3)
    email = ""

    def on_start(self) -> None:
        self.email = f"load-{uuid.uuid4().hex[:16]}@loadtest.example"
        self.client.post("/auth/register", name="/auth/register",
                         json={"email": self.email, "password": MEMBER_PASSWORD,
                               "name": "Load Test Member"}).raise_for_status()
        self.sign_in(self.email, MEMBER_PASSWORD)

    @task(4)
    def browse_classes(self) -> None:
        self.classes_of_a_day()

    @task(3)
    def book_then_cancel(self) -> None:
        classes = self.classes_of_a_day()
        if not classes:
            return
        chosen = random.choice(classes)
        with self.client.post(f"/classes/{chosen['classId']}/book", headers=self.headers(),
                              json={"notes": "mat needed"}, name="/classes/{id}/book",
                              catch_response=True) as response:
            if response.status_code == 409:
                # A full class (or one already booked) is the site working as designed.
                response.success()
                return
        if response.status_code != 201:
            return
        booking = response.json()["bookingId"]
        if random.random() < 0.5:
            self.client.put(f"/bookings/{booking}", headers=self.headers(),
                            json={"notes": "front row please"}, name="/bookings/{id}")
        self.client.get("/bookings", headers=self.headers(), name="/bookings")
        self.client.delete(f"/bookings/{booking}", headers=self.headers(),
                           name="/bookings/{id}")

    @task(2)
    def my_bookings(self) -> None:
        self.client.get("/bookings", headers=self.headers(), name="/bookings")

    @task(1)
    def payment_history(self) -> None:
        self.client.get("/payment/history", headers=self.headers(), name="/payment/history")

    @task(1)
    def read_blog(self) -> None:
        self.read_a_post()

    @task(1)
    def stay_signed_in(self) -> None:
        self.rotate_tokens()

    @task(1)
    def come_back_later(self) -> None:
        # Sessions end one by one (a logout for every user at the end of the run would be
        # a burst no site sees, and would pile cold starts of one function on top).
        self.sign_out()
        self.sign_in(self.email, MEMBER_PASSWORD)


class Admin(_SignedIn):
    weight = 1
    wait_time = between(2, 4)

    def on_start(self) -> None:
        self.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)

    def headers(self) -> dict[str, str]:
        return {**super().headers(), "x-api-key": ADMIN_API_KEY}

    @task(4)
    def dashboard(self) -> None:
        self.client.get("/admin/dashboard", headers=self.headers(), name="/admin/dashboard")

    @task(2)
    def users(self) -> None:
        self.client.get("/admin/users", headers=self.headers(), name="/admin/users")

    @task(2)
    def analytics(self) -> None:
        self.client.get("/admin/analytics", headers=self.headers(), name="/admin/analytics")

    @task(1)
    def settings(self) -> None:
        self.client.put("/admin/settings", headers=self.headers(), json=SETTINGS,
                        name="/admin/settings")

    @task(1)
    def write_a_post(self) -> None:
        response = self.client.post("/blog", headers=self.headers(), name="/blog",
                                    json={"title": "Load test draft",
                                          "body": "Breathe in, breathe out.", "tags": ["load"]})
        if response.status_code != 201:
            return
        post = response.json()["postId"]
        self.client.post(f"/blog/{post}/publish", headers=self.headers(),
                         name="/blog/{id}/publish")
        self.client.delete(f"/blog/{post}", headers=self.headers(), name="/blog/{id}")
