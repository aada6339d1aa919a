"""Issue 20: a literal full match always ranks above one found through an expansion, the heading or relatedness.

Checked over many queries on the bundled reports, with the synonyms file, the vocabulary (indexer/vocab/) and
related paragraphs on: a hit is literal when every word of the query is a jieba word of the paragraph's own
text (cut as the index cuts it, independently of the engine's matcher). Wherever the query was expanded, the
literal hits are the first ones of the whole listing, every page of it, and every other hit comes after them.
"""

from __future__ import annotations

import pytest

from bench.data import judged
from indexer.analysis import JiebaTokenizer, normalize
from indexer.config import COLLOQUIAL_FILE, CONCEPTS_FILE, default_synonyms_path, default_vocabulary_paths
from indexer.index.store import Store
from indexer.search.engine import search
from indexer.search.language.synonyms import Synonyms, load_synonyms
from tests.helpers.search import all_hits


@pytest.fixture(scope="module")
def vocab() -> Synonyms:
    return load_synonyms(default_synonyms_path(), *default_vocabulary_paths())


def _queries() -> list[str]:
    maps = [p for p in default_vocabulary_paths() if p.name in (COLLOQUIAL_FILE, CONCEPTS_FILE)]
    assert len(maps) == 2, "the bundled vocabulary has its colloquial map and its concept thesaurus"
    words = [w for p in maps for w in load_synonyms(p).mapping]
    return list(dict.fromkeys([*judged.JUDGED, *judged.MEANING, *words]))


def test_literal_full_matches_come_first_whenever_a_query_is_expanded(seed_store: Store, vocab: Synonyms) -> None:
    cut = JiebaTokenizer()
    checked = 0
    for q in _queries():
        first = search(seed_store, q, synonyms=vocab, related=True)
        if not first["expanded"]:
            continue
        words = {w for w, _s, _e in cut.spans(normalize(q))}
        listing = all_hits(seed_store, q, synonyms=vocab)  # the full matches (related ones are not among them)
        listing += [h for h in first["hits"] if h["partial"] or h["related"]]  # page 1's tail, after every full match
        literal = [{w for w, _s, _e in cut.spans(normalize(h["text"]))} >= words for h in listing]
        n = sum(literal)
        assert literal == [True] * n + [False] * (len(listing) - n), (q, [h["text"][:30] for h in listing])
        assert all(not h["partial"] and not h.get("related") for h in listing[:n])
        checked += 0 < n < len(listing)  # both kinds present: the order said something
    assert checked >= 10  # not vacuous: many expanded queries list literal and other hits together
