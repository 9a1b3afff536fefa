"""The SEO analyzer: the fixture site's known faults, and properties of each check."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.gambix_strata.core.strata.analysis import (
    analyze_page,
    same_site,
    skipped_levels,
)

from .conftest import SITE

BASE = "http://site.test"


def test_the_home_page_has_no_fault_of_its_own_but_links_to_a_missing_page() -> None:
    home = analyze_page((SITE / "index.html").read_bytes(), f"{BASE}/index.html")
    assert home.title_ok and home.description_ok and home.heading_order_ok
    assert (home.h1_count, home.images, home.images_without_alt) == (1, 1, ())
    assert home.canonical == f"{BASE}/index.html"
    assert not home.noindex and home.word_count >= 150
    assert f"{BASE}/old-offer.html" in home.internal_links
    assert set(home.internal_links) == {f"{BASE}/{p}.html" for p in (
        "index", "about", "services", "blog", "contact", "team", "old-offer")}


@pytest.mark.parametrize("name, fault", [
    ("about.html", lambda p: p.images_without_alt == ("/img/van.svg",)),
    ("services.html", lambda p: p.skipped_headings == ("h2->h4",) and p.title_length > 60),
    ("blog.html", lambda p: p.meta_description is None and not p.description_ok),
    ("contact.html", lambda p: p.noindex and not p.nofollow and p.word_count < 150),
    ("team.html", lambda p: p.canonical is None),
    ("legacy.html", lambda p: p.title is None and p.h1_count == 0 and p.noindex
     and p.images_without_alt == ("/img/banner.svg",)),
])
def test_each_fixture_page_shows_its_deliberate_fault(name: str, fault: object) -> None:
    analysis = analyze_page((SITE / name).read_bytes(), f"{BASE}/{name}")
    assert fault(analysis)  # type: ignore[operator]


def test_only_the_deliberately_faulty_checks_fail_on_each_page() -> None:
    failing = {}
    for path in sorted(Path(SITE).glob("*.html")):
        p = analyze_page(path.read_bytes(), f"{BASE}/{path.name}")
        failing[path.name] = sorted(name for name, failed in {
            "title": not p.title_ok, "description": not p.description_ok,
            "h1": p.h1_count != 1, "headings": not p.heading_order_ok,
            "alt": bool(p.images_without_alt), "canonical": p.canonical is None,
            "noindex": p.noindex, "thin": p.word_count < 150}.items() if failed)
    assert failing == {
        "about.html": ["alt"], "blog.html": ["description"],
        "contact.html": ["noindex", "thin"], "index.html": [],
        "legacy.html": ["alt", "canonical", "description", "h1", "noindex", "thin", "title"],
        "services.html": ["headings", "title"], "team.html": ["canonical"]}


def test_links_are_resolved_against_base_and_only_same_site_http_links_are_internal() -> None:
    html = """<html><head><base href="/docs/"></head><body>
      <a href="intro.html#top">a</a> <a href="/x?y=1">b</a> <a href="https://other.test/">c</a>
      <a href="mailto:a@b.c">d</a> <a href="#frag">e</a> <a href="javascript:void(0)">f</a>
      <a href="http://site.test:8080/">other port</a></body></html>"""
    analysis = analyze_page(html, f"{BASE}/docs/index.html")
    assert analysis.internal_links == (f"{BASE}/docs/intro.html", f"{BASE}/x?y=1")
    assert analysis.external_links == 2


def test_robots_none_means_noindex_and_nofollow_and_googlebot_counts() -> None:
    both = analyze_page('<meta name="robots" content="none">', BASE)
    google = analyze_page('<meta name="GoogleBot" content="NoFollow">', BASE)
    assert (both.noindex, both.nofollow) == (True, True)
    assert (google.noindex, google.nofollow) == (False, True)


def test_script_style_and_template_text_is_not_counted_as_words() -> None:
    html = ("<body><p>one two three</p><script>var a = 'four five';</script>"
            "<style>p { six: seven }</style><template>eight</template></body>")
    assert analyze_page(html, BASE).word_count == 3


@given(st.lists(st.integers(1, 6), max_size=12))
def test_a_heading_sequence_skips_exactly_when_some_step_descends_by_more_than_one(
        levels: list[int]) -> None:
    html = "".join(f"<h{level}>x</h{level}>" for level in levels)
    analysis = analyze_page(f"<body>{html}</body>", BASE)
    assert analysis.headings == tuple(levels)
    assert analysis.h1_count == levels.count(1)
    expected = any(b > a + 1 for a, b in zip(levels, levels[1:], strict=False))
    assert (not analysis.heading_order_ok) == expected
    assert skipped_levels(tuple(levels)) == analysis.skipped_headings


@given(st.lists(st.from_regex(r"[A-Za-z0-9]{1,10}", fullmatch=True), max_size=60))
def test_the_word_count_is_the_number_of_visible_words(words: list[str]) -> None:
    html = "<body><p>" + " </p><p> ".join(words) + "</p></body>"
    assert analyze_page(html, BASE).word_count == len(words)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
               max_size=100))
def test_the_title_length_is_the_visible_title_length(title: str) -> None:
    from html import escape

    analysis = analyze_page(f"<html><head><title>{escape(title)}</title></head></html>", BASE)
    assert analysis.title_length == len(title)
    assert analysis.title_ok == (10 <= len(title) <= 60)


@given(st.lists(st.sampled_from(['alt="a photo"', 'alt=""', ""]), max_size=10))
def test_only_images_without_an_alt_attribute_are_reported(alts: list[str]) -> None:
    html = "".join(f'<img src="/{i}.png" {alt}>' for i, alt in enumerate(alts))
    analysis = analyze_page(f"<body>{html}</body>", BASE)
    assert analysis.images == len(alts)
    assert analysis.images_without_alt == tuple(f"/{i}.png" for i, alt in enumerate(alts)
                                                if not alt)


def test_same_site_compares_scheme_host_and_port() -> None:
    assert same_site("http://Site.test/a", "http://site.test/b")
    assert not same_site("https://site.test/", "http://site.test/")
    assert not same_site("http://site.test:81/", "http://site.test/")
