"""Loading the two sides of a contract diff: a file, or ``git:REF:path`` from a commit.

``$ref``s are resolved (local ``#/...`` pointers and relative files), so a change hidden
behind a shared component shows up at every operation using it - the way API Gateway
imports a definition (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-import-api.html)
and oasdiff compares one (https://github.com/oasdiff/oasdiff).
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from emulator.errors import EmulatorError


class SpecLoadError(EmulatorError):
    """A side of the diff cannot be read, parsed or resolved."""


class MissingBase(SpecLoadError):
    """``git:REF:path``: the ref or the file does not exist there (e.g. a new spec)."""


def load_spec(source: str, *, cwd: Path | None = None) -> dict[str, Any]:
    """Parse ``source`` (a path or ``git:REF:path``) with every ``$ref`` resolved."""
    if source.startswith("git:"):
        ref, sep, path = source[4:].partition(":")
        if not sep or not ref or not path:
            raise SpecLoadError(f"{source}: expected git:REF:path")
        text = _git_show(ref, path, cwd)
        base_dir = (cwd or Path.cwd()) / Path(path).parent
    else:
        file = Path(source)
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as exc:
            raise SpecLoadError(f"{source}: {exc.strerror or exc}") from exc
        base_dir = file.parent
    document = _parse(text, source)
    resolved: dict[str, Any] = resolve_refs(document, document, base_dir)
    return resolved


def _git_show(ref: str, path: str, cwd: Path | None) -> str:
    try:
        completed = subprocess.run(["git", "show", f"{ref}:{path}"], cwd=cwd, check=False,
                                   capture_output=True, text=True)
    except OSError as exc:
        raise SpecLoadError(f"git is not available: {exc}") from exc
    if completed.returncode != 0:
        raise MissingBase(f"git:{ref}:{path}: {completed.stderr.strip() or 'not found'}")
    return completed.stdout


def _parse(text: str, source: str) -> dict[str, Any]:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SpecLoadError(f"{source}: not YAML/JSON: {exc}") from exc
    if not isinstance(document, dict) or not ("openapi" in document or "swagger" in document):
        raise SpecLoadError(f"{source}: not an OpenAPI document")
    return document


def resolve_refs(node: Any, root: Mapping[str, Any], base_dir: Path,
                 seen: tuple[str, ...] = ()) -> Any:
    """``node`` with every ``$ref`` replaced by its target; a cycle stays a ``$ref``."""
    if isinstance(node, list):
        return [resolve_refs(item, root, base_dir, seen) for item in node]
    if not isinstance(node, Mapping):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str):
        if ref in seen:
            return {"$ref": ref}  # recursive schema: compared by name below this point
        target, target_root, target_dir = _lookup(ref, root, base_dir)
        return resolve_refs(target, target_root, target_dir, (*seen, ref))
    return {key: resolve_refs(value, root, base_dir, seen) for key, value in node.items()}


def _lookup(ref: str, root: Mapping[str, Any],
            base_dir: Path) -> tuple[Any, Mapping[str, Any], Path]:
    file_part, _, pointer = ref.partition("#")
    if file_part:
        path = base_dir / file_part
        try:
            root = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except OSError as exc:
            raise SpecLoadError(f"$ref {ref}: {exc.strerror or exc}") from exc
        except yaml.YAMLError as exc:
            raise SpecLoadError(f"$ref {ref}: not YAML/JSON: {exc}") from exc
        base_dir = path.parent
    node: Any = root
    for part in [p for p in pointer.split("/") if p]:
        key = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            raise SpecLoadError(f"$ref {ref} points at nothing")
    return node, root, base_dir
