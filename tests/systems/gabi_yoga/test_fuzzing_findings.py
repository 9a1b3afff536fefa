"""Regressions for what `python -m emulator contract` found in Gabi Yoga's handlers.

Each request below is the minimal one schemathesis printed; before the fix the handler
accepted it (negative_data_rejection) although the contract forbids it.
"""

from __future__ import annotations

from .conftest import GabiYoga


def test_a_null_tags_list_is_refused_not_stored(gabi: GabiYoga) -> None:
    response = gabi.api.post("/blog", headers=gabi.admin(),
                             json={"title": "Breathing basics", "body": "Exhale.", "tags": None})
    assert response.status_code == 400
    assert response.get_json()["errors"] == {"tags": "must be a list of strings"}


def test_a_null_optional_setting_is_refused_not_stored(gabi: GabiYoga) -> None:
    response = gabi.api.put("/admin/settings", headers=gabi.admin(),
                            json={"bookingWindowDays": 14, "cancellationHours": None})
    assert response.status_code == 400
    assert response.get_json()["errors"] == {"cancellationHours": "must not be null"}


def test_the_length_limit_counts_the_blanks_the_client_sent(gabi: GabiYoga) -> None:
    body = "\n" + "x" * 20_000  # 20 001 characters; the contract's maxLength is 20 000
    response = gabi.api.post("/admin/communications", headers=gabi.admin(),
                             json={"subject": "Hello", "body": body})
    assert response.status_code == 400
    assert response.get_json()["errors"] == {"body": "must be at most 20000 characters"}


def test_control_characters_count_as_content_as_the_contract_pattern_says(gabi: GabiYoga
                                                                          ) -> None:
    # pattern "\S" (ECMAScript) matches U+001E and U+0085; Python's strip() dropped them.
    response = gabi.api.post("/blog", headers=gabi.admin(),
                             json={"title": "\u0085\u001e", "body": "Exhale."})
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["title"] == "\u0085\u001e"
    blank = gabi.api.post("/blog", headers=gabi.admin(),
                          json={"title": "\u3000 \t", "body": "Exhale."})
    assert blank.status_code == 400
    assert blank.get_json()["errors"] == {"title": "must be at least 1 characters"}
