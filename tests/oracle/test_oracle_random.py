"""Issue 17's oracle on randomized queries (hypothesis) over the generated corpus's own vocabulary: words,
1–6-character substrings (one character, pieces across jieba's word boundaries), quoted phrases in ASCII and
Chinese quotes, OR / NOT / - / AND, parentheses, field filters, traditional script, synonym keys and
malformed input; with multi-select filters, pages, page sizes, synonyms expanded or not.

Deterministic: derandomize=True and no example database, so CI runs the same 200 examples every time.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.search.engine import ranked, search
from indexer.search.language.synonyms import Synonyms
from tests.helpers.oracle_build import Pair
from tests.helpers.oracle_compare import ranked_problems, search_problems
from tests.helpers.oracle_queries import Vocabulary, queries, search_kwargs, vocabulary

EXAMPLES = 200


@pytest.fixture(scope="module")
def words(generated: Pair, synonyms: Synonyms) -> Vocabulary:
    return vocabulary(generated, synonyms)


@pytest.mark.slow
@settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_random_queries_agree_with_the_oracle(generated: Pair, words: Vocabulary, synonyms: Synonyms,
                                              data: st.DataObject) -> None:
    q = data.draw(queries(words), label="q")
    kw = data.draw(search_kwargs(words), label="kwargs")
    filters = {k: kw[k] for k in ("institutions", "years", "themes")}
    answer = generated.oracle.search(q, synonyms=synonyms, expand=kw["expand"], **filters)
    got = search(generated.store, q, page=kw["page"], per_page=kw["per_page"], synonyms=synonyms, expand=kw["expand"],
                 **filters)
    problems = search_problems(got, answer)
    top = ranked(generated.store, q, limit=30, synonyms=synonyms, expand=kw["expand"], **filters)
    problems += ranked_problems(top, answer, 30)
    for alt in got["did_you_mean"]:  # each alternative offered finds what it says it finds
        expected = generated.oracle.total(alt["query"], synonyms=synonyms, expand=kw["expand"], **filters)
        if alt["total"] != expected or not expected:
            problems.append(f"did you mean {alt}: the oracle finds {expected}")
    assert not problems, "\n".join(problems[:40])
