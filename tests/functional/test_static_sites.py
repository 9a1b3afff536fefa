"""Metadata.Emulator.StaticSites: folders ``serve`` hosts on loopback, and the parameters
their addresses fill."""

from __future__ import annotations

import http.client
from pathlib import Path

import pytest
import requests

from emulator.errors import TemplateError
from emulator.static_sites import SiteSpec, StaticSite, StaticSites, site_specs


def _template(tmp_path: Path, metadata: str) -> Path:
    path = tmp_path / "template.yaml"
    path.write_text("AWSTemplateFormatVersion: '2010-09-09'\n" + metadata +
                    "Resources:\n  Topic: {Type: AWS::SNS::Topic}\n")
    return path


def test_both_forms_of_the_metadata_are_read_relative_to_the_template(tmp_path: Path) -> None:
    template = _template(tmp_path, """Metadata:
  Emulator:
    StaticSites:
      Docs: site/docs
      Shop: {Path: ../shop, Parameter: AllowedHosts}
""")
    assert site_specs(template) == [SiteSpec("Docs", tmp_path / "site/docs"),
                                    SiteSpec("Shop", tmp_path / "../shop", "AllowedHosts")]


def test_a_template_without_static_sites_has_none(tmp_path: Path) -> None:
    assert site_specs(_template(tmp_path, "Metadata: {Emulator: {Seed: seed}}\n")) == []
    assert site_specs(_template(tmp_path, "")) == []


@pytest.mark.parametrize("metadata", [
    "Metadata: {Emulator: {StaticSites: [a, b]}}\n",
    "Metadata: {Emulator: {StaticSites: {Site: {Parameter: P}}}}\n",
    "Metadata: {Emulator: {StaticSites: {Site: 3}}}\n",
])
def test_malformed_static_sites_are_template_errors(tmp_path: Path, metadata: str) -> None:
    with pytest.raises(TemplateError, match="StaticSites"):
        site_specs(_template(tmp_path, metadata))


def test_a_missing_folder_is_a_template_error(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="does not exist"):
        StaticSite(tmp_path / "nope")


def test_sites_serve_their_files_on_loopback_and_fill_their_parameters(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text("<h1>A</h1>")
    (tmp_path / "b").mkdir()
    sites = StaticSites([SiteSpec("A", tmp_path / "a", "AllowA"), SiteSpec("B", tmp_path / "b")])
    try:
        urls = sites.urls()
        assert set(urls) == {"A", "B"}
        assert urls["A"].startswith("http://127.0.0.1:") and urls["A"] != urls["B"]
        assert sites.parameters() == {"AllowA": urls["A"].removeprefix("http://")}
        assert requests.get(f"{urls['A']}/", timeout=5).text == "<h1>A</h1>"
        assert requests.get(f"{urls['A']}/missing.html", timeout=5).status_code == 404
        # Sent verbatim (requests would normalise the dots away): no escape from the folder.
        connection = http.client.HTTPConnection(urls["B"].removeprefix("http://"), timeout=5)
        connection.request("GET", "/../a/index.html")
        assert connection.getresponse().status == 404
        connection.close()
    finally:
        sites.close()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{urls['A']}/", timeout=2)
