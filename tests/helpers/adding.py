"""Report files for the add/remove tests: made from a bundled report, for a court and year the corpus lacks."""

from __future__ import annotations

from pathlib import Path


def new_report(repo_corpus: Path, folder: Path, name: str, place: str = "海盐县", year: int = 2024) -> Path:
    """A report file the corpus does not have yet: a bundled report's prose for another court and year."""
    folder.mkdir(parents=True, exist_ok=True)
    text = (repo_corpus / "pinghu-court-2023.txt").read_text(encoding="utf-8")
    path = folder / name
    path.write_text(text.replace("平湖市", place).replace("2023", str(year)), encoding="utf-8")
    return path
