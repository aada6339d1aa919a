"""Oracle fixtures: each corpus built twice — by our build (what the engine searches) and by Whoosh's stock
writer (what the oracle reads), see tests/helpers/oracle_build.py — once per session.

`generated`: bench.generate's corpus (report prose, several institutions, years and themes; the bundled
corpus is its prose pool in a fresh clone), built by two writer processes (several segments).
`bundled`: the three bundled reports (the session's one index of them, tests/conftest.py). `synonyms`: the bundled indexer/synonyms.txt.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.generate import generate_corpus
from indexer.ingest.corpus import CorpusLoad
from indexer.search.language.synonyms import Synonyms, load_synonyms
from tests.helpers import REPO_ROOT
from tests.helpers.oracle_build import Pair, make_pair, pair_over

GENERATED_PARAGRAPHS = 2_500
GENERATED_SEED = 17


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    base = tmp_path_factory.mktemp("oracle-generated")
    generate_corpus(GENERATED_PARAGRAPHS, base / "corpus", seed=GENERATED_SEED)
    pair = make_pair(base / "corpus", base, procs=2)
    yield pair
    pair.close()


@pytest.fixture(scope="session")
def bundled(tmp_path_factory: pytest.TempPathFactory, repo_corpus: Path, seed_index: Path,
            seed_load: CorpusLoad) -> Iterator[Pair]:
    """The session's index of the bundled corpus (tests/conftest.py) and a reference written from its reports."""
    pair = pair_over(repo_corpus, seed_index, seed_load.reports, tmp_path_factory.mktemp("oracle-bundled") / "reference")
    yield pair
    pair.close()


@pytest.fixture(scope="session")
def synonyms() -> Synonyms:
    return load_synonyms(REPO_ROOT / "indexer" / "synonyms.txt")  # the bundled file, whatever the environment says
