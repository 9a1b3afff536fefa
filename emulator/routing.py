"""Request path + method -> operation and path parameters, as API Gateway matches them.

Behaviour copied (and where it was established):

* REST APIs resolve the *(resource, method)* pair, not the resource alone: the most
  specific resource that declares the method (or ``ANY``) wins, trying a literal segment
  before ``{param}`` before a greedy ``{proxy+}`` and backtracking when a branch dead-ends
  or its resource lacks the method. Measured on real REST APIs: ``GET /users/me`` with
  ``/users/me`` PATCH-only and ``/users/{userId}`` GET goes to ``{userId}``;
  ``POST /things/real`` with ``/things/real`` GET-only goes to ``/things/{proxy+}``; a
  methodless intermediate resource falls through to ``/{proxy+}`` (floci-io/floci#3399,
  ministackorg/ministack#1423). At one resource an explicit method beats ``ANY``.
* HTTP APIs: "API Gateway selects the route with the most-specific match"; ``ANY`` matches
  methods not defined for the route; ``$default`` catches every request no other route
  matches - https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
* ``{proxy+}`` needs at least one segment (``/{proxy+}`` does not match ``/``); a variable
  never matches an empty segment (``/resource/`` does not match ``/resource/{name}``).
* Paths are case-sensitive. One trailing slash is ignored (``/hello/`` reaches ``/hello``)
  in both API kinds (aws-powertools/powertools-lambda-python#1552, aws/chalice#65).
* Encoding: REST routes on the path as received and path parameters keep their
  percent-encoding (live capture: ``pathParameters.proxy = "capture/space%20value"``, hotsock
  voker ``apigwv1-request.json``). HTTP APIs route on the decoded path
  (:func:`emulator.http.http_api_decode_path`), so ``%2F`` splits a segment and parameters
  are decoded; a path AWS would reject matches nothing here.
* Paths arrive with the stage prefix already removed by the gateway, for both kinds (HTTP
  API stages other than ``$default`` are part of the URL, ``/dev/pets``, like REST stages).

Everything is compiled once into a segment trie; a match is dictionary look-ups and a short
depth-first walk - no regular expressions.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from emulator.http import http_api_decode_path
from emulator.spec import DEFAULT_ROUTE, ApiModel, Operation

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RouteMatch:
    """The chosen operation and its path parameters (``{proxy+}`` exposed as ``proxy``)."""

    operation: Operation
    path_parameters: Mapping[str, str]


@dataclass
class _Node:
    literals: dict[str, _Node] = field(default_factory=dict)
    variables: list[tuple[str, _Node]] = field(default_factory=list)
    greedy: list[tuple[str, dict[str, Operation]]] = field(default_factory=list)
    methods: dict[str, Operation] = field(default_factory=dict)


def _segments(path: str) -> list[str]:
    """``/a/b/`` -> ``["a", "b"]``; ``/`` -> ``[]`` (one trailing slash ignored)."""
    if path.endswith("/") and len(path) > 1:
        path = path[:-1]
    if path in ("", "/"):
        return []
    return path[1:].split("/") if path.startswith("/") else path.split("/")


def _pick(methods: Mapping[str, Operation], method: str) -> Operation | None:
    return methods.get(method) or methods.get("ANY")


_EMPTY: Mapping[str, str] = MappingProxyType({})


class Router:
    """Matches requests against one API; build once, call :meth:`match` per request."""

    def __init__(self, api: ApiModel) -> None:
        self._kind = api.kind
        self._root = _Node()
        self._default: Operation | None = None
        for op in api.operations:
            if op.path == DEFAULT_ROUTE:
                if self._default is None or op.method == "ANY":
                    self._default = op
                continue
            self._add(op)

    def _add(self, op: Operation) -> None:
        node = self._root
        for segment in _segments(op.path):
            if segment.startswith("{") and segment.endswith("+}"):
                name = segment[1:-2]
                for existing, methods in node.greedy:
                    if existing == name:
                        methods.setdefault(op.method, op)
                        break
                else:
                    node.greedy.append((name, {op.method: op}))
                return
            if segment.startswith("{") and segment.endswith("}"):
                name = segment[1:-1]
                for existing, child in node.variables:
                    if existing == name:
                        node = child
                        break
                else:
                    child = _Node()
                    node.variables.append((name, child))
                    node = child
            else:
                node = node.literals.setdefault(segment, _Node())
        node.methods.setdefault(op.method, op)

    def _walk(self, node: _Node, segments: list[str], index: int, method: str,
              params: dict[str, str]) -> RouteMatch | None:
        if index == len(segments):
            op = _pick(node.methods, method)
            if op is None:
                return None
            return RouteMatch(op, MappingProxyType(dict(params)) if params else _EMPTY)
        segment = segments[index]
        child = node.literals.get(segment)
        if child is not None:
            found = self._walk(child, segments, index + 1, method, params)
            if found is not None:
                return found
        if segment:
            for name, child in node.variables:
                params[name] = segment
                found = self._walk(child, segments, index + 1, method, params)
                del params[name]
                if found is not None:
                    return found
        rest = "/".join(segments[index:])
        if rest:
            for name, methods in node.greedy:
                op = _pick(methods, method)
                if op is not None:
                    return RouteMatch(op, MappingProxyType({**params, name: rest}))
        return None

    def route_path(self, path: str) -> str | None:
        """The path this API routes on (HTTP: decoded); ``None`` if AWS would reject it."""
        if self._kind == "REST":
            return path
        return http_api_decode_path(path)

    def match(self, method: str, path: str) -> RouteMatch | None:
        """The operation serving ``method path``, or ``None`` (REST 403 / HTTP 404)."""
        routed = self.route_path(path)
        if routed is None:
            logger.debug("path %r rejected by HTTP API decoding", path)
            return None
        found = self._walk(self._root, _segments(routed), 0, method.upper(), {})
        if found is None and self._default is not None:
            return RouteMatch(self._default, _EMPTY)
        return found
