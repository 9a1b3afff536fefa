"""The health score and its documented weights, recommendations and the alert rule."""

from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.static_sites import StaticSite
from handlers.gambix_strata.core.strata import scoring
from handlers.gambix_strata.core.strata.alerting import alert_kind
from handlers.gambix_strata.core.strata.analysis import BrokenLink, PageAnalysis, SiteAnalysis
from handlers.gambix_strata.core.strata.crawl import crawl
from handlers.gambix_strata.core.strata.fetch import Fetcher
from handlers.gambix_strata.core.strata.recommendations import CODES, recommend
from handlers.gambix_strata.core.strata.ssrf import AllowList
from tests.conftest import REPO_ROOT

from .conftest import LEGACY_SCORE, SITE_SCORE

PERFECT = PageAnalysis(
    url="http://site.test/", status=200, load_ms=100, title="A good page title",
    meta_description="d" * 100, h1_count=1, headings=(1, 2, 3), skipped_headings=(),
    images=2, images_without_alt=(), canonical="http://site.test/", noindex=False,
    nofollow=False, word_count=400, internal_links=(), external_links=0)

#: One way to break each check of a page.
FAULTS = {
    "title": {"title": None},
    "meta_description": {"meta_description": "too short"},
    "h1": {"h1_count": 2},
    "heading_order": {"skipped_headings": ("h2->h4",)},
    "image_alt": {"images_without_alt": ("/a.png",)},
    "canonical": {"canonical": None},
    "indexable": {"noindex": True},
    "content": {"word_count": 20},
    "speed": {"load_ms": 6000},
}


def test_the_weights_sum_to_100_and_match_the_documented_table() -> None:
    assert sum(scoring.WEIGHTS.values()) == 100
    readme = (REPO_ROOT / "handlers" / "gambix_strata" / "README.md").read_text()
    documented = dict(re.findall(r"^\| `(\w+)` \| (\d+) \|", readme, re.M))
    assert {k: int(v) for k, v in documented.items()} == dict(scoring.WEIGHTS)
    table = re.findall(r"^(\w+)\s+(\d+)\s+", scoring.__doc__ or "", re.M)
    assert {k: int(v) for k, v in table if k in scoring.WEIGHTS} == dict(scoring.WEIGHTS)


def test_a_perfect_site_scores_100_and_an_empty_crawl_0() -> None:
    assert scoring.compute_score(SiteAnalysis((PERFECT,), links_checked=5)).total == 100
    assert scoring.compute_score(SiteAnalysis(())).total == 0


@pytest.mark.parametrize("check", sorted(FAULTS))
def test_breaking_one_check_on_the_only_page_costs_exactly_its_weight(check: str) -> None:
    broken = dataclasses.replace(PERFECT, **FAULTS[check])  # type: ignore[arg-type]
    score = scoring.compute_score(SiteAnalysis((broken,)))
    expected_loss = scoring.WEIGHTS[check] * (0.5 if check == "image_alt" else 1)
    assert score.total == round(100 - expected_loss)
    assert score.breakdown[check] == scoring.WEIGHTS[check] - expected_loss


def test_broken_links_cost_their_share_of_the_links_checked() -> None:
    site = SiteAnalysis((PERFECT,), links_checked=4,
                        broken_links=(BrokenLink("http://site.test/", "http://site.test/x", 404),))
    assert scoring.compute_score(site).breakdown["broken_links"] == 11.2  # 15 * 3/4


def test_the_speed_share_falls_linearly_from_1_to_5_seconds() -> None:
    assert [scoring.speed_fraction(ms) for ms in (0, 1000, 3000, 5000, 9000)] == \
        [1.0, 1.0, 0.5, 0.0, 0.0]


pages = st.builds(
    lambda faults, load: dataclasses.replace(
        PERFECT, **{"load_ms": load, **{k: v for f in faults for k, v in FAULTS[f].items()}}),
    st.sets(st.sampled_from(sorted(FAULTS))), st.integers(0, 10_000))
sites = st.builds(lambda ps, checked, broken: SiteAnalysis(
    tuple(ps), checked, tuple(BrokenLink("s", "t", 404) for _ in range(min(broken, checked)))),
    st.lists(pages, max_size=6), st.integers(0, 30), st.integers(0, 30))


@given(sites)
def test_the_score_is_an_integer_from_0_to_100_and_the_rounded_sum_of_its_parts(
        site: SiteAnalysis) -> None:
    score = scoring.compute_score(site)
    assert 0 <= score.total <= 100
    assert set(score.breakdown) == set(scoring.WEIGHTS)
    for check, points in score.breakdown.items():
        assert 0 <= points <= scoring.WEIGHTS[check]
    assert abs(score.total - sum(score.breakdown.values())) <= 1


@given(sites, st.sampled_from(sorted(FAULTS)))
def test_adding_a_fault_to_a_page_never_raises_the_score(site: SiteAnalysis,
                                                          fault: str) -> None:
    if not site.pages:
        return
    worse = dataclasses.replace(site.pages[0], **FAULTS[fault])  # type: ignore[arg-type]
    degraded = dataclasses.replace(site, pages=(worse, *site.pages[1:]))
    assert scoring.compute_score(degraded).total <= scoring.compute_score(site).total


@given(sites)
def test_a_recommendation_exists_exactly_for_each_check_below_full_marks(
        site: SiteAnalysis) -> None:
    recommended = {rec.code for rec in recommend(site)}
    assert recommended <= set(CODES)
    if site.pages:
        failing = {c for c, p in scoring.fractions(site).items() if p < 1}
        assert recommended == failing


def test_the_fixture_site_scores_as_documented(site: StaticSite) -> None:
    fetcher = Fetcher(allow_list=AllowList.parse(site.host_port))
    home = crawl(f"{site.url}/", fetcher)
    assert len(home.site.pages) == 6
    assert [(b.source, b.target, b.status) for b in home.site.broken_links] == [
        (f"{site.url}/", f"{site.url}/old-offer.html", 404)]
    score = scoring.compute_score(home.site)
    assert score.total == SITE_SCORE
    assert dict(score.breakdown) == {
        "title": 12.5, "meta_description": 12.5, "h1": 10.0, "heading_order": 8.3,
        "image_alt": 7.5, "canonical": 4.2, "indexable": 8.3, "broken_links": 14.6,
        "content": 4.2, "speed": 5.0}
    assert [(r.code, r.priority) for r in recommend(home.site)] == [
        ("broken_links", "high"), ("indexable", "high"), ("title", "high"),
        ("meta_description", "medium"), ("image_alt", "medium"), ("heading_order", "low"),
        ("canonical", "low"), ("content", "low")]
    legacy = crawl(f"{site.url}/legacy.html", fetcher, max_pages=1)
    assert scoring.compute_score(legacy.site).total == LEGACY_SCORE


@pytest.mark.parametrize("previous, current, expected", [
    (87, 30, "score_drop"), (87, 77, "score_drop"), (87, 78, None), (55, 49, "below_threshold"),
    (49, 45, None), (None, 30, "below_threshold"), (None, 80, None), (30, 87, None),
])
def test_alerts_are_raised_on_a_drop_or_on_crossing_the_minimum(
        previous: int | None, current: int, expected: str | None) -> None:
    assert alert_kind(previous, current, drop_points=10, min_score=50) == expected


@given(st.none() | st.integers(0, 100), st.integers(0, 100), st.integers(1, 100),
       st.integers(0, 100))
def test_a_score_that_did_not_fall_never_raises_a_drop_alert(
        previous: int | None, current: int, drop: int, minimum: int) -> None:
    kind = alert_kind(previous, current, drop_points=drop, min_score=minimum)
    if previous is None or current >= previous:
        assert kind != "score_drop"
    if current >= minimum and (previous is None or previous - current < drop):
        assert kind is None
