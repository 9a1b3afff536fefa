"""The weekly report as a self-contained HTML page (pure; every value HTML-escaped)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from .scoring import WEIGHTS


def _rows(cells: Sequence[Sequence[Any]]) -> str:
    return "\n".join("<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row)
                     + "</tr>" for row in cells)


def render_report(project: Mapping[str, Any], latest: Mapping[str, Any] | None,
                  history: Sequence[Mapping[str, Any]],
                  recommendations: Sequence[Mapping[str, Any]],
                  alerts: Sequence[Mapping[str, Any]], *, period: tuple[str, str]) -> str:
    name = escape(str(project.get("name", "")))
    score = "no measurement yet" if latest is None else f"{latest['score']} / 100"
    breakdown = (latest or {}).get("breakdown") or {}
    return f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Gambix Strata weekly report: {name}</title></head>
<body>
<h1>Weekly SEO report: {name}</h1>
<p>Site: {escape(str(project.get("url", "")))}<br>
Period: {escape(period[0])} to {escape(period[1])}</p>
<h2>Health score: {escape(score)}</h2>
<table><tr><th>Check</th><th>Points</th><th>Weight</th></tr>
{_rows([(check, breakdown.get(check, 0), weight) for check, weight in WEIGHTS.items()])}
</table>
<h2>Score history</h2>
<table><tr><th>Measured at</th><th>Score</th></tr>
{_rows([(item["measuredAt"], item["score"]) for item in history])}
</table>
<h2>Open recommendations</h2>
<table><tr><th>Priority</th><th>Recommendation</th><th>Pages</th></tr>
{_rows([(rec["priority"], rec["title"], len(rec.get("pages", []))) for rec in recommendations])}
</table>
<h2>Alerts this week</h2>
<table><tr><th>Raised at</th><th>Kind</th><th>Score</th></tr>
{_rows([(alert["createdAt"], alert["kind"], alert["score"]) for alert in alerts])}
</table>
</body>
</html>
"""
