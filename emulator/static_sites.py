"""Static websites ``serve`` hosts on loopback next to the APIs (an emulator-only helper).

Not an AWS feature: a system that fetches web pages (a crawler, a link checker, a webhook
sender) needs a website to fetch offline. A template names folders to host in its
``Metadata`` (CloudFormation ignores metadata it does not know:
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/metadata-section-structure.html)::

    Metadata:
      Emulator:
        StaticSites:
          FixtureSite: fixtures/site                  # short form: the folder
          DocsSite: {Path: docs/html, Parameter: AllowedHosts}

Each site gets a free loopback port; its URL is listed in ``/_emulator/info`` under
``static_sites``. With ``Parameter``, the site's ``host:port`` becomes that template
parameter's value (unless ``--parameter-overrides`` sets it), so functions learn where the
site is the way they would learn any deployment setting. Only the served (root) template's
sites are read; a nested application receives the value through its parent's parameters.
Files are served read-only with ``http.server.SimpleHTTPRequestHandler`` from the folder
(missing files are 404s, directories list ``index.html``).
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from emulator.errors import TemplateError
from emulator.template_yaml import read_document

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SiteSpec:
    name: str
    folder: Path
    parameter: str | None = None


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        logger.debug("static site %s: " + format, self.server.server_address, *args)


class StaticSite:
    """One folder served over HTTP on ``host``:free port, in a daemon thread."""

    def __init__(self, folder: Path | str, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.folder = Path(folder).resolve()
        if not self.folder.is_dir():
            raise TemplateError(f"static site folder {self.folder} does not exist")
        handler = functools.partial(_QuietHandler, directory=str(self.folder))
        self._server = ThreadingHTTPServer((host, port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        name=f"static-site-{self.folder.name}", daemon=True)

    @property
    def host_port(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{host!s}:{port}"

    @property
    def url(self) -> str:
        return f"http://{self.host_port}"

    def start(self) -> StaticSite:
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> StaticSite:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def site_specs(template_path: Path) -> list[SiteSpec]:
    """The ``Metadata.Emulator.StaticSites`` of a template (folders relative to it)."""
    document = read_document(template_path)
    metadata = document.get("Metadata") if isinstance(document, Mapping) else None
    emulator = metadata.get("Emulator") if isinstance(metadata, Mapping) else None
    sites = emulator.get("StaticSites") if isinstance(emulator, Mapping) else None
    if sites is None:
        return []
    if not isinstance(sites, Mapping):
        raise TemplateError("Metadata.Emulator.StaticSites must map names to folders",
                            path=template_path)
    specs = []
    for name, value in sites.items():
        if isinstance(value, str):
            specs.append(SiteSpec(str(name), template_path.parent / value))
        elif isinstance(value, Mapping) and isinstance(value.get("Path"), str):
            parameter = value.get("Parameter")
            specs.append(SiteSpec(str(name), template_path.parent / value["Path"],
                                  str(parameter) if parameter is not None else None))
        else:
            raise TemplateError(f"Metadata.Emulator.StaticSites.{name} must be a folder or "
                                "{Path, Parameter}", path=template_path)
    return specs


class StaticSites:
    """The running sites of one template, and the parameter values they provide."""

    def __init__(self, specs: list[SiteSpec], *, host: str = "127.0.0.1") -> None:
        self.specs = specs
        self.sites: dict[str, StaticSite] = {}
        try:
            for spec in specs:
                self.sites[spec.name] = StaticSite(spec.folder, host=host).start()
        except BaseException:
            self.close()
            raise

    def parameters(self) -> dict[str, str]:
        """``{Parameter: host:port}`` for the sites that name a parameter."""
        return {spec.parameter: self.sites[spec.name].host_port
                for spec in self.specs if spec.parameter}

    def urls(self) -> dict[str, str]:
        return {name: site.url for name, site in self.sites.items()}

    def close(self) -> None:
        for site in self.sites.values():
            site.close()
        self.sites.clear()
