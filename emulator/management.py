"""The emulator's own routes under ``/_emulator/`` (no AWS counterpart).

``GET /_emulator/info``    APIs with their base URLs, functions, resources, outputs, AWS endpoint
``GET /_emulator/health``  ``{"status": "ok"}`` once the stack is provisioned
``GET /_emulator/stats``   per-function invocation, cold-start, error and timeout counters
``POST /_emulator/schedules/{name}/fire``  runs a schedule's target now (202, its request id)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from emulator.http import HttpRequest, HttpResponse
from emulator.sources import UnknownSchedule
from emulator.wsgi import MANAGEMENT_PREFIX, json_response

if TYPE_CHECKING:
    from emulator.app import Emulator


class ManagementApi:
    """Dispatches ``/_emulator/<name>`` GET requests to read-only views of the emulator."""

    def __init__(self, emulator: Emulator) -> None:
        self._emulator = emulator
        self._routes: dict[str, Callable[[], Any]] = {
            "info": emulator.info,
            "health": lambda: {"status": "ok"},
            "stats": self._stats,
        }

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = request.path[len(MANAGEMENT_PREFIX):].strip("/")
        parts = name.split("/")
        if len(parts) >= 3 and parts[0] == "schedules" and parts[-1] == "fire":
            # A nested stack's unnamed schedule is named by its path: Child/LogicalId.
            return self._fire(request, "/".join(parts[1:-1]))
        view = self._routes.get(name)
        if view is None:
            return json_response(404, {"message": f"unknown management route {request.path}",
                                       "routes": sorted(self._routes)})
        if request.method not in ("GET", "HEAD"):
            return json_response(
                405, {"message": f"{request.method} not allowed on {request.path}"})
        return json_response(200, view())

    def _fire(self, request: HttpRequest, schedule: str) -> HttpResponse:
        if request.method != "POST":
            return json_response(
                405, {"message": f"{request.method} not allowed on {request.path}"})
        try:
            request_id = self._emulator.sources.fire_schedule(schedule)
        except UnknownSchedule:
            return json_response(404, {"message": f"no schedule named {schedule!r}",
                                       "schedules": sorted(self._emulator.sources.schedules)})
        return json_response(202, {"schedule": schedule, "requestId": request_id})

    def _stats(self) -> dict[str, Any]:
        return {name: dataclasses.asdict(stats) if dataclasses.is_dataclass(stats) else stats
                for name, stats in self._emulator.runtime.stats().items()}
