"""Fixtures for the figure tests: the bundled reports' paragraphs, the shipped metrics table, a helper to extract."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from indexer.figures.extract import Found, find_figures
from indexer.figures.metrics import MetricTable, load_metrics
from indexer.ingest.corpus import load_corpus
from indexer.model import Paragraph


@pytest.fixture(scope="session")
def table() -> MetricTable:
    """The shipped indexer/figures/metrics.toml."""
    return load_metrics()


@pytest.fixture(scope="session")
def seed_paragraphs_by_id(repo_corpus: Path) -> dict[str, Paragraph]:
    """Every paragraph of the bundled reports by id (the ids `reportsearch export` gives, which the labels use)."""
    return {p.id: p for r in load_corpus(repo_corpus).reports for p in r.paragraphs}


@pytest.fixture(scope="session")
def extract(table: MetricTable):
    """find_figures with the shipped table's rate units and names: extract(text, years=(2020,)) → [Found]."""
    def run(text: str, years: Sequence[int] = (2020,)) -> list[Found]:
        return find_figures(text, years, table.rate_units, table.names)
    return run
