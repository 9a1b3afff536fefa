"""On-page SEO analysis of one HTML document (pure: no I/O), with beautifulsoup4 + lxml.

The checks follow Google Search Central's guidance:
- title: present, 10-60 characters (longer ones are cut in results),
  https://developers.google.com/search/docs/appearance/title-link
- meta description: present, 50-160 characters,
  https://developers.google.com/search/docs/appearance/snippet
- exactly one ``<h1>``, and headings that never skip a level going down (h2 -> h4 is a
  skip; going back up is fine), https://www.w3.org/WAI/tutorials/page-structure/headings/
- every ``<img>`` has an ``alt`` attribute (``alt=""`` marks a decorative image and is fine),
  https://developers.google.com/search/docs/appearance/google-images#use-descriptive-alt-text
- ``<link rel="canonical">``, https://developers.google.com/search/docs/crawling-indexing/consolidate-duplicate-urls
- robots meta ``noindex`` / ``nofollow`` (``<meta name="robots">`` or ``googlebot``),
  https://developers.google.com/search/docs/crawling-indexing/robots-meta-tag
- word count of the visible text (scripts, styles and templates excluded) and load time;
- the same-site links, whose statuses the crawler checks (broken links are a site finding,
  see :class:`SiteAnalysis`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup

TITLE_RANGE = (10, 60)
DESCRIPTION_RANGE = (50, 160)
THIN_CONTENT_WORDS = 150
_HEADING = re.compile(r"^h([1-6])$")
_INVISIBLE = ("script", "style", "noscript", "template", "head")
_SKIPPED_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "ftp:")


@dataclass(frozen=True)
class PageAnalysis:
    url: str
    status: int
    load_ms: int
    title: str | None
    meta_description: str | None
    h1_count: int
    headings: tuple[int, ...]
    #: each skip as ``"h2->h4"``, in document order.
    skipped_headings: tuple[str, ...]
    images: int
    images_without_alt: tuple[str, ...]
    canonical: str | None
    noindex: bool
    nofollow: bool
    word_count: int
    internal_links: tuple[str, ...]
    external_links: int

    @property
    def title_length(self) -> int:
        return len(self.title or "")

    @property
    def meta_description_length(self) -> int:
        return len(self.meta_description or "")

    @property
    def title_ok(self) -> bool:
        return TITLE_RANGE[0] <= self.title_length <= TITLE_RANGE[1]

    @property
    def description_ok(self) -> bool:
        return DESCRIPTION_RANGE[0] <= self.meta_description_length <= DESCRIPTION_RANGE[1]

    @property
    def heading_order_ok(self) -> bool:
        return not self.skipped_headings

    def as_dict(self) -> dict[str, object]:
        return {
            "url": self.url, "status": self.status, "loadMs": self.load_ms,
            "title": self.title, "titleLength": self.title_length,
            "metaDescription": self.meta_description,
            "metaDescriptionLength": self.meta_description_length,
            "h1Count": self.h1_count, "headings": list(self.headings),
            "skippedHeadings": list(self.skipped_headings), "images": self.images,
            "imagesWithoutAlt": list(self.images_without_alt), "canonical": self.canonical,
            "noindex": self.noindex, "nofollow": self.nofollow, "wordCount": self.word_count,
            "internalLinks": list(self.internal_links), "externalLinks": self.external_links,
        }


@dataclass(frozen=True)
class BrokenLink:
    source: str
    target: str
    #: the HTTP status, or 0 when the link could not be fetched at all.
    status: int


@dataclass(frozen=True)
class SiteAnalysis:
    """The analysed pages of one crawl and the same-site links found broken."""

    pages: tuple[PageAnalysis, ...]
    links_checked: int = 0
    broken_links: tuple[BrokenLink, ...] = field(default=())


def same_site(url: str, base: str) -> bool:
    a, b = urlsplit(url), urlsplit(base)
    return (a.scheme, a.netloc.lower()) == (b.scheme, b.netloc.lower())


def skipped_levels(levels: tuple[int, ...]) -> tuple[str, ...]:
    """Each descent by more than one level: ``(1, 2, 4)`` -> ``("h2->h4",)``.

    The first heading may be any level (a page section can start at h2); after that, each
    heading may be at most one level deeper than the previous one.
    """
    return tuple(f"h{prev}->h{cur}" for prev, cur in zip(levels, levels[1:], strict=False)
                 if cur > prev + 1)


def _meta(soup: BeautifulSoup, name: str) -> str | None:
    for tag in soup.find_all("meta"):
        if str(tag.get("name", "")).strip().lower() == name and tag.get("content") is not None:
            return str(tag["content"]).strip()
    return None


def analyze_page(html: str | bytes, url: str, *, status: int = 200, load_ms: int = 0
                 ) -> PageAnalysis:
    """The SEO facts of one page served at ``url`` (the base for relative links)."""
    soup = BeautifulSoup(html, "lxml")
    title_tag = soup.find("title")
    title = " ".join(title_tag.get_text().split()) if title_tag is not None else None
    levels = tuple(int(m.group(1)) for tag in soup.find_all(_HEADING)
                   if (m := _HEADING.match(tag.name)) is not None)
    images = soup.find_all("img")
    missing_alt = tuple(str(img.get("src", "")) for img in images if img.get("alt") is None)
    canonical = None
    for link in soup.find_all("link", href=True):
        if "canonical" in [str(r).lower() for r in (link.get("rel") or [])]:
            canonical = urljoin(url, str(link["href"]).strip())
            break
    robots = ",".join(filter(None, (_meta(soup, "robots"), _meta(soup, "googlebot")))).lower()
    directives = {d.strip() for d in robots.split(",")}
    base_tag = soup.find("base", href=True)
    base = urljoin(url, str(base_tag["href"])) if base_tag is not None else url
    internal: dict[str, None] = {}
    external = 0
    for anchor in soup.find_all("a", href=True):
        href = str(anchor["href"]).strip()
        if not href or href.startswith("#") or href.lower().startswith(_SKIPPED_SCHEMES):
            continue
        target = urldefrag(urljoin(base, href))[0]
        if same_site(target, url):
            internal[target] = None
        elif urlsplit(target).scheme in ("http", "https"):
            external += 1
    description = _meta(soup, "description")
    body = soup.body or soup
    for tag in body.find_all(_INVISIBLE):
        tag.decompose()
    words = len(body.get_text(" ").split())
    return PageAnalysis(
        url=url, status=status, load_ms=load_ms, title=title or None,
        meta_description=description or None, h1_count=levels.count(1), headings=levels,
        skipped_headings=skipped_levels(levels), images=len(images),
        images_without_alt=missing_alt, canonical=canonical,
        noindex="noindex" in directives or "none" in directives,
        nofollow="nofollow" in directives or "none" in directives,
        word_count=words, internal_links=tuple(internal), external_links=external)
