"""The emulator's own routes under ``/_emulator/`` (no AWS counterpart).

``GET /_emulator/info``    APIs with their base URLs, functions, resources, outputs, AWS endpoint
``GET /_emulator/health``  ``{"status": "ok"}`` once the stack is provisioned
``GET /_emulator/stats``   per-function invocation, cold-start, error and timeout counters
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from emulator.http import HttpRequest, HttpResponse
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
        view = self._routes.get(name)
        if view is None:
            return json_response(404, {"message": f"unknown management route {request.path}",
                                       "routes": sorted(self._routes)})
        if request.method not in ("GET", "HEAD"):
            return json_response(
                405, {"message": f"{request.method} not allowed on {request.path}"})
        return json_response(200, view())

    def _stats(self) -> dict[str, Any]:
        return {name: dataclasses.asdict(stats) if dataclasses.is_dataclass(stats) else stats
                for name, stats in self._emulator.runtime.stats().items()}
