"""Fixtures shared by every test area. Area-specific fixtures live in the area's own conftest.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import REPO_ROOT


@pytest.fixture(scope="session")
def repo_corpus() -> Path:
    """The bundled corpus/ (read-only: copy it before changing anything)."""
    return REPO_ROOT / "corpus"
