"""Helpers shared by the tests (imported as `tests.helpers.…`); REPO_ROOT is the checkout the tests run in."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
