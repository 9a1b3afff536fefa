"""`emulator diff`: every kind of change is classified the way oasdiff's rules reason."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.contract.diff import Change, diff_specs, has_breaking
from emulator.contract.diff_load import load_spec
from tests.conftest import REPO_ROOT

GABI = REPO_ROOT / "openapi" / "gabi_yoga.yaml"


def _spec(request_schema: dict[str, Any] | None = None,
          response_schema: dict[str, Any] | None = None,
          parameters: list[dict[str, Any]] | None = None,
          security: list[dict[str, list[str]]] | None = None) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "responses": {"200": {"description": "ok", "content": {"application/json": {
            "schema": response_schema or {"type": "object"}}}}}}
    if request_schema is not None:
        operation["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": request_schema}}}
    if parameters is not None:
        operation["parameters"] = parameters
    if security is not None:
        operation["security"] = security
    return {"openapi": "3.0.1", "info": {"title": "t", "version": "1"},
            "paths": {"/things": {"post": operation}}}


def _codes(changes: list[Change]) -> dict[str, str]:
    return {change.code: change.level for change in changes}


def test_a_removed_path_is_breaking() -> None:
    base = _spec()
    new = copy.deepcopy(base)
    new["paths"] = {}
    assert _codes(diff_specs(base, new)) == {"path-removed": "breaking"}


def test_a_new_required_query_parameter_is_breaking_and_an_optional_one_is_not() -> None:
    base = _spec(parameters=[])
    required = _spec(parameters=[{"name": "q", "in": "query", "required": True,
                                  "schema": {"type": "string"}}])
    optional = _spec(parameters=[{"name": "q", "in": "query", "schema": {"type": "string"}}])
    assert _codes(diff_specs(base, required))["new-required-request-parameter"] == "breaking"
    assert _codes(diff_specs(base, optional)) == {"new-optional-request-parameter": "compatible"}
    assert _codes(diff_specs(optional, required)) == {
        "request-parameter-became-required": "breaking"}


def test_request_limits_may_only_relax_and_response_limits_only_tighten() -> None:
    loose = {"type": "object", "properties": {"n": {"type": "string", "maxLength": 10}}}
    tight = {"type": "object", "properties": {"n": {"type": "string", "maxLength": 5}}}
    assert _codes(diff_specs(_spec(loose), _spec(tight))) == {
        "request-maxLength-narrowed": "breaking"}
    assert _codes(diff_specs(_spec(tight), _spec(loose))) == {
        "request-maxLength-relaxed": "compatible"}
    assert _codes(diff_specs(_spec(response_schema=tight), _spec(response_schema=loose))) == {
        "response-maxLength-relaxed": "possibly-breaking"}


def test_a_removed_required_response_field_is_breaking_an_optional_one_possibly() -> None:
    base = {"type": "object", "required": ["id"],
            "properties": {"id": {"type": "string"}, "note": {"type": "string"}}}
    no_id = {"type": "object", "properties": {"note": {"type": "string"}}}
    no_note = {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}
    assert _codes(diff_specs(_spec(response_schema=base), _spec(response_schema=no_id))) == {
        "response-required-property-removed": "breaking"}
    assert _codes(diff_specs(_spec(response_schema=base), _spec(response_schema=no_note))) == {
        "response-optional-property-removed": "possibly-breaking"}


def test_a_narrowed_request_type_is_breaking_and_a_widened_one_compatible() -> None:
    number = {"type": "object", "properties": {"n": {"type": "number"}}}
    integer = {"type": "object", "properties": {"n": {"type": "integer"}}}
    assert has_breaking(diff_specs(_spec(number), _spec(integer)))
    assert not has_breaking(diff_specs(_spec(integer), _spec(number)))
    # In a response the same widening breaks clients that parse integers.
    assert has_breaking(diff_specs(_spec(response_schema=integer),
                                   _spec(response_schema=number)))


def test_adding_security_to_an_open_operation_is_breaking() -> None:
    changes = diff_specs(_spec(security=[]), _spec(security=[{"Jwt": []}]))
    assert _codes(changes) == {"security-added": "breaking"}
    assert _codes(diff_specs(_spec(security=[{"Jwt": []}]), _spec(security=[]))) == {
        "security-removed": "possibly-breaking"}


def test_all_of_parts_are_merged_before_comparing() -> None:
    base = {"allOf": [{"type": "object", "properties": {"a": {"type": "string"}}},
                      {"properties": {"b": {"type": "string"}}}]}
    new = {"allOf": [{"type": "object", "properties": {"a": {"type": "string"}}},
                     {"required": ["b"], "properties": {"b": {"type": "string"}}}]}
    assert _codes(diff_specs(_spec(base), _spec(new))) == {
        "request-property-became-required": "breaking"}


def test_a_change_behind_a_ref_is_reported_where_it_is_used(tmp_path: Path) -> None:
    spec = yaml.safe_load(GABI.read_text(encoding="utf-8"))
    spec["components"]["schemas"]["User"]["required"].remove("email")
    changed = tmp_path / "gabi.yaml"
    changed.write_text(yaml.safe_dump(spec), encoding="utf-8")
    changes = diff_specs(load_spec(str(GABI)), load_spec(str(changed)))
    where = {c.location for c in changes if c.code == "response-property-became-optional"}
    assert "POST /auth/register response 201 application/json .email" in where
    assert "GET /admin/users response 200 application/json .items[] .email" in where


def test_the_published_contract_does_not_differ_from_itself() -> None:
    spec = load_spec(str(GABI))
    assert diff_specs(spec, copy.deepcopy(spec)) == []


def _request_enums(spec: dict[str, Any]) -> list[tuple[str, str, list[str], str]]:
    """(path, method, property path, value) of every enum value in a request body."""
    found = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "requestBody" not in operation:
                continue
            schema = operation["requestBody"]["content"]["application/json"]["schema"]
            for name, prop in (schema.get("properties") or {}).items():
                for value in prop.get("enum") or ():
                    found.append((path, method, name, value))
    return found


GABI_RESOLVED = load_spec(str(GABI))
REQUEST_ENUMS = _request_enums(GABI_RESOLVED)


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(REQUEST_ENUMS))
def test_removing_any_request_enum_value_is_breaking(choice: tuple[str, str, str, str]) -> None:
    path, method, name, value = choice
    new = copy.deepcopy(GABI_RESOLVED)
    schema = new["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    schema["properties"][name]["enum"].remove(value)
    changes = diff_specs(GABI_RESOLVED, new)
    assert [(c.level, c.code) for c in changes] == [("breaking", "request-enum-value-removed")]
    assert repr(value) in changes[0].message


schemas = st.recursive(
    st.fixed_dictionaries({}, optional={
        "type": st.sampled_from(["string", "integer", "number", "boolean"]),
        "enum": st.lists(st.integers(0, 5), min_size=1, max_size=4, unique=True),
        "minimum": st.integers(-5, 5), "maxLength": st.integers(0, 9),
        "format": st.sampled_from(["date", "email"]), "nullable": st.booleans()}),
    lambda children: st.fixed_dictionaries(
        {"type": st.just("object"),
         "properties": st.dictionaries(st.sampled_from("abcd"), children, max_size=3)},
        optional={"required": st.lists(st.sampled_from("abcd"), unique=True, max_size=2)}),
    max_leaves=6)


@settings(max_examples=60, deadline=None)
@given(request=schemas, response=schemas)
def test_any_spec_compared_with_itself_has_no_changes(request: dict[str, Any],
                                                      response: dict[str, Any]) -> None:
    spec = _spec(request, response)
    assert diff_specs(spec, copy.deepcopy(spec)) == []


@pytest.mark.parametrize("output_format", ["markdown", "json", "text"])
def test_the_gate_exits_1_and_names_the_removed_enum_value(tmp_path: Path,
                                                           output_format: str) -> None:
    spec = yaml.safe_load(GABI.read_text(encoding="utf-8"))
    body = spec["paths"]["/gallery/upload"]["post"]["requestBody"]["content"]
    body["application/json"]["schema"]["properties"]["contentType"]["enum"].remove("image/gif")
    changed = tmp_path / "gabi.yaml"
    changed.write_text(yaml.safe_dump(spec), encoding="utf-8")
    completed = subprocess.run(
        [sys.executable, "-m", "emulator", "diff", str(GABI), str(changed),
         "--format", output_format], cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    assert completed.returncode == 1, completed.stderr
    assert "request-enum-value-removed" in completed.stdout
    assert "image/gif" in completed.stdout


def test_a_git_base_that_does_not_exist_is_skipped_only_when_asked() -> None:
    args = [sys.executable, "-m", "emulator", "diff", "git:HEAD:openapi/no_such.yaml",
            str(GABI)]
    skipped = subprocess.run([*args, "--skip-missing-base"], cwd=REPO_ROOT,
                             capture_output=True, text=True, check=False)
    assert skipped.returncode == 0 and "diff skipped" in skipped.stdout
    failed = subprocess.run(args, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    assert failed.returncode == 2 and "no_such.yaml" in failed.stderr


def test_an_accepted_breaking_change_passes_and_any_other_still_fails(tmp_path: Path) -> None:
    spec = yaml.safe_load(GABI.read_text(encoding="utf-8"))
    body = spec["paths"]["/gallery/upload"]["post"]["requestBody"]["content"]
    body["application/json"]["schema"]["properties"]["contentType"]["enum"].remove("image/gif")
    changed = tmp_path / "gabi.yaml"
    changed.write_text(yaml.safe_dump(spec), encoding="utf-8")
    accepted = tmp_path / "accepted.yaml"
    location = "POST /gallery/upload request body application/json .contentType"
    accepted.write_text(yaml.safe_dump({str(changed): [
        {"code": "request-enum-value-removed", "location": location,
         "reason": "GIF uploads were never thumbnailed"}]}), encoding="utf-8")
    args = [sys.executable, "-m", "emulator", "diff", str(GABI), str(changed),
            "--accept", str(accepted)]
    passed = subprocess.run(args, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    assert passed.returncode == 0, passed.stdout
    assert "accepted: GIF uploads were never thumbnailed" in passed.stdout
    spec["paths"].pop("/gallery")
    changed.write_text(yaml.safe_dump(spec), encoding="utf-8")
    failed = subprocess.run(args, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    assert failed.returncode == 1 and "path-removed" in failed.stdout
