"""When a health score change raises an alert (pure).

Per project: ``drop_points`` (default 10) and ``min_score`` (default 50). A measurement
raises ``score_drop`` when the score fell by at least ``drop_points`` since the previous one,
else ``below_threshold`` when it is under ``min_score`` and the previous one was not (or
there was none) - crossing the line alerts once, staying under it does not repeat the alert.
"""

from __future__ import annotations


def alert_kind(previous: int | None, current: int, *, drop_points: int, min_score: int
               ) -> str | None:
    if previous is not None and previous - current >= drop_points:
        return "score_drop"
    if current < min_score and (previous is None or previous >= min_score):
        return "below_threshold"
    return None
