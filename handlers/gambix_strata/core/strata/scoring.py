"""The health score: 0-100 from a crawl's :class:`.analysis.SiteAnalysis` (pure).

Each check has a weight; the weights sum to 100. A page-level check earns
``weight x (passing pages / analysed pages)``; the site-level checks earn a fraction as
described. The score is the sum, rounded half up to an integer; a crawl with no analysed
page scores 0.

==================  ======  ===========================================================
check               weight  passes when
==================  ======  ===========================================================
title               15      the title is 10-60 characters
meta_description    15      the meta description is 50-160 characters
h1                  10      the page has exactly one ``<h1>``
heading_order       10      no heading level is skipped going down
image_alt           10      share of images (all pages) that have an ``alt`` attribute;
                            a site without images earns it all
canonical           5       the page declares ``<link rel="canonical">``
indexable           10      the page is not ``noindex``
broken_links        15      share of checked same-site links that work (none checked: all)
content             5       the page has at least 150 words
speed               5       per page: full at <= 1000 ms, none at >= 5000 ms, linear between
==================  ======  ===========================================================

The same table is in handlers/gambix_strata/README.md; tests pin both to :data:`WEIGHTS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType

from .analysis import THIN_CONTENT_WORDS, PageAnalysis, SiteAnalysis

WEIGHTS = MappingProxyType({
    "title": 15, "meta_description": 15, "h1": 10, "heading_order": 10, "image_alt": 10,
    "canonical": 5, "indexable": 10, "broken_links": 15, "content": 5, "speed": 5,
})
FAST_MS, SLOW_MS = 1000, 5000


@dataclass(frozen=True)
class Score:
    total: int
    #: check -> points earned (0..weight, one decimal).
    breakdown: MappingProxyType[str, float]


def speed_fraction(load_ms: int) -> float:
    if load_ms <= FAST_MS:
        return 1.0
    if load_ms >= SLOW_MS:
        return 0.0
    return (SLOW_MS - load_ms) / (SLOW_MS - FAST_MS)


_PAGE_CHECKS: dict[str, Callable[[PageAnalysis], float]] = {
    "title": lambda page: float(page.title_ok),
    "meta_description": lambda page: float(page.description_ok),
    "h1": lambda page: float(page.h1_count == 1),
    "heading_order": lambda page: float(page.heading_order_ok),
    "canonical": lambda page: float(page.canonical is not None),
    "indexable": lambda page: float(not page.noindex),
    "content": lambda page: float(page.word_count >= THIN_CONTENT_WORDS),
    "speed": lambda page: speed_fraction(page.load_ms),
}


def fractions(site: SiteAnalysis) -> dict[str, float]:
    """Each check's pass fraction (0..1)."""
    pages = site.pages
    result = {name: sum(check(page) for page in pages) / len(pages)
              for name, check in _PAGE_CHECKS.items()}
    images = sum(page.images for page in pages)
    missing = sum(len(page.images_without_alt) for page in pages)
    result["image_alt"] = 1.0 if images == 0 else (images - missing) / images
    checked = site.links_checked
    broken = min(len(site.broken_links), checked)
    result["broken_links"] = 1.0 if checked == 0 else (checked - broken) / checked
    return result


def compute_score(site: SiteAnalysis) -> Score:
    if not site.pages:
        return Score(0, MappingProxyType({name: 0.0 for name in WEIGHTS}))
    earned = {name: WEIGHTS[name] * fraction for name, fraction in fractions(site).items()}
    total = Decimal(str(sum(earned.values()))).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return Score(max(0, min(100, int(total))),
                 MappingProxyType({name: round(earned[name], 1) for name in WEIGHTS}))
