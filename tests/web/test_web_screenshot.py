"""The README's screenshot (docs/screenshot.png) is the search page as this test renders it on the bundled corpus.

Every run takes the screenshot into tests/artifacts/; only with REPORTSEARCH_UPDATE_SCREENSHOT=1 does it replace
the tracked docs/screenshot.png (so an ordinary run never dirties the checkout). Either way the committed file
must be a PNG of the desktop width the test renders at.
"""

from __future__ import annotations

import os
import shutil
import struct
from pathlib import Path

import pytest

from indexer.search.engine import search
from tests.helpers import REPO_ROOT

pytestmark = pytest.mark.browser

SCREENSHOT = REPO_ROOT / "docs" / "screenshot.png"
UPDATE_ENV = "REPORTSEARCH_UPDATE_SCREENSHOT"
WIDTH, HEIGHT = 1280, 900  # the `page` fixture's desktop viewport
QUERY = "诉源治理"


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk; AssertionError when data is not a PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG signature"
    assert data[12:16] == b"IHDR", "PNG without IHDR first"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_search_page_screenshot(page, store, synonyms, artifacts: Path) -> None:
    page.goto(f"/search?q={QUERY}")
    expected = search(store, QUERY, synonyms=synonyms)
    assert expected["total"] > 0
    assert page.locator(".snippet mark").count() > 0  # highlighted snippets are in the picture
    assert page.locator('input[name="institution"]').count() == len(expected["facets"]["institution"]) > 1
    shot = artifacts / "readme-search.png"
    page.screenshot(path=str(shot))  # the viewport: what a reader sees first on a desktop
    assert png_size(shot.read_bytes()) == (WIDTH, HEIGHT)
    assert page.js_errors == []
    if os.environ.get(UPDATE_ENV) == "1":
        shutil.copyfile(shot, SCREENSHOT)


def test_committed_screenshot_is_a_desktop_png() -> None:
    assert SCREENSHOT.is_file(), f"{SCREENSHOT} missing: run the browser tests with {UPDATE_ENV}=1"
    assert png_size(SCREENSHOT.read_bytes()) == (WIDTH, HEIGHT)
