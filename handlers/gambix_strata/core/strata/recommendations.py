"""Recommendations from a crawl's analysis (pure): one per failing check, with priority.

Each recommendation has a stable ``code`` (the check), so a re-scrape updates the same
recommendation instead of adding a copy, and keeps the status the user gave it (see the
recommendations handler). Priority follows the check's weight and how much the fault costs
in search: pages that cannot be indexed or links that lead nowhere are ``high``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .analysis import (
    DESCRIPTION_RANGE,
    THIN_CONTENT_WORDS,
    TITLE_RANGE,
    PageAnalysis,
    SiteAnalysis,
)
from .scoring import FAST_MS

PRIORITIES = ("high", "medium", "low")


@dataclass(frozen=True)
class Recommendation:
    code: str
    priority: str
    title: str
    detail: str
    pages: tuple[str, ...]


_RULES: tuple[tuple[str, str, str, str], ...] = (
    ("indexable", "high", "Remove noindex from pages that should be found",
     "These pages tell search engines not to index them (robots meta noindex)."),
    ("title", "high", "Give every page a title of 10-60 characters",
     f"Titles outside {TITLE_RANGE[0]}-{TITLE_RANGE[1]} characters are missing or cut off "
     "in search results."),
    ("meta_description", "medium", "Write a meta description of 50-160 characters",
     f"Descriptions outside {DESCRIPTION_RANGE[0]}-{DESCRIPTION_RANGE[1]} characters are "
     "missing or truncated in result snippets."),
    ("h1", "medium", "Use exactly one h1 per page",
     "A page should have one main heading that says what it is about."),
    ("heading_order", "low", "Do not skip heading levels",
     "Headings that jump levels (h2 -> h4) break the outline screen readers and crawlers use."),
    ("image_alt", "medium", "Add alt text to images",
     "Images without an alt attribute are invisible to screen readers and image search."),
    ("canonical", "low", "Declare a canonical URL",
     "Without <link rel=\"canonical\"> duplicate URLs may split ranking signals."),
    ("content", "low", f"Add content to pages under {THIN_CONTENT_WORDS} words",
     "Thin pages rarely rank; expand them or merge them into related pages."),
    ("speed", "medium", f"Make pages load within {FAST_MS} ms",
     "Slow pages lose visitors and ranking (Core Web Vitals)."),
)

_FAILS = {
    "indexable": lambda page: page.noindex,
    "title": lambda page: not page.title_ok,
    "meta_description": lambda page: not page.description_ok,
    "h1": lambda page: page.h1_count != 1,
    "heading_order": lambda page: not page.heading_order_ok,
    "image_alt": lambda page: bool(page.images_without_alt),
    "canonical": lambda page: page.canonical is None,
    "content": lambda page: page.word_count < THIN_CONTENT_WORDS,
    "speed": lambda page: page.load_ms > FAST_MS,
}


#: Every recommendation code (the ids clients use in paths).
CODES = ("broken_links", *(rule[0] for rule in _RULES))


def _failing(pages: tuple[PageAnalysis, ...], code: str) -> tuple[str, ...]:
    return tuple(page.url for page in pages if _FAILS[code](page))


def recommend(site: SiteAnalysis) -> list[Recommendation]:
    """The recommendations for ``site``, high priority first (stable order within one)."""
    found: list[Recommendation] = []
    if site.broken_links:
        sources = tuple(dict.fromkeys(link.source for link in site.broken_links))
        targets = ", ".join(sorted({link.target for link in site.broken_links}))
        found.append(Recommendation("broken_links", "high", "Fix broken internal links",
                                    f"Links to pages that fail: {targets}.", sources))
    for code, priority, title, detail in _RULES:
        pages = _failing(site.pages, code)
        if pages:
            found.append(Recommendation(code, priority, title, detail, pages))
    return sorted(found, key=lambda rec: PRIORITIES.index(rec.priority))
