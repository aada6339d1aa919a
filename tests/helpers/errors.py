"""The one error shape of the API and the CLI's --json, checked the same way everywhere: {"error", "status"}."""

from __future__ import annotations

from typing import Any


def assert_error_document(body: Any, status: int) -> str:
    """body is exactly {"error": <non-empty message without a trace>, "status": status}; returns the message."""
    assert isinstance(body, dict) and set(body) == {"error", "status"}, body
    assert body["status"] == status, body
    assert isinstance(body["error"], str) and body["error"].strip(), body
    assert "Traceback" not in body["error"], body
    return body["error"]


def assert_json_error(response: Any, status: int) -> str:
    """A Flask/werkzeug response that is the JSON error document with that HTTP status; returns the message."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:300])
    assert response.mimetype == "application/json"
    return assert_error_document(response.get_json(), status)
