"""Crawl one site from a start URL: breadth-first over same-site links, bounded.

Only links on the start page's site (scheme + host + port) are followed, at most
``max_pages`` HTML pages are analysed, and the same-site links those pages contain are
checked (the ones not already fetched with ``HEAD``, at most ``max_link_checks``): a link
answering 4xx/5xx, or not answering, is broken. Every request goes through the
:class:`.fetch.Fetcher`, so the SSRF rules hold for each page, link and redirect.
"""

from __future__ import annotations

from dataclasses import dataclass

from .analysis import BrokenLink, PageAnalysis, SiteAnalysis, analyze_page, same_site
from .fetch import Fetcher, FetchError
from .ssrf import UnsafeUrl


@dataclass(frozen=True)
class CrawledPage:
    analysis: PageAnalysis
    html: bytes


@dataclass(frozen=True)
class Crawl:
    site: SiteAnalysis
    pages: tuple[CrawledPage, ...]


def crawl(start_url: str, fetcher: Fetcher, *, max_pages: int = 10,
          max_link_checks: int = 50) -> Crawl:
    """Crawl from ``start_url``; FetchError/UnsafeUrl when the start page itself fails."""
    start = fetcher.validate(start_url).url
    queue, seen = [start], {start}
    statuses: dict[str, int] = {}
    crawled: list[CrawledPage] = []
    while queue and len(crawled) < max_pages:
        url = queue.pop(0)
        try:
            result = fetcher.fetch(url)
        except (FetchError, UnsafeUrl):
            if url == start:
                raise
            statuses[url] = 0
            continue
        statuses[url] = result.status
        if url == start and result.status >= 400:
            raise FetchError(f"the start page answered {result.status}")
        if result.status >= 400 or not result.is_html:
            continue
        page = analyze_page(result.body, result.url, status=result.status,
                            load_ms=result.elapsed_ms)
        crawled.append(CrawledPage(page, result.body))
        if page.canonical and same_site(page.canonical, start):
            # ``/`` and its canonical ``/index.html`` are one page, analysed once.
            seen.add(page.canonical)
        for link in page.internal_links:
            if link not in seen and same_site(link, start):
                seen.add(link)
                queue.append(link)
    broken: list[BrokenLink] = []
    checked = 0
    for page in (item.analysis for item in crawled):
        for link in page.internal_links:
            if link not in statuses:
                if max_link_checks <= 0:
                    continue
                max_link_checks -= 1
                statuses[link] = _status(fetcher, link)
            checked += 1
            if statuses[link] == 0 or statuses[link] >= 400:
                broken.append(BrokenLink(page.url, link, statuses[link]))
    return Crawl(SiteAnalysis(tuple(item.analysis for item in crawled), checked,
                              tuple(broken)), tuple(crawled))


def _status(fetcher: Fetcher, url: str) -> int:
    try:
        result = fetcher.fetch(url, method="HEAD")
        if result.status == 405:  # a server without HEAD
            result = fetcher.fetch(url)
        return result.status
    except (FetchError, UnsafeUrl):
        return 0
