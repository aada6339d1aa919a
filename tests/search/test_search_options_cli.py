"""Issue 22's search options on the command line: --sort, --same-sentence and --within give exactly the engine's
answer for sort=, sentence= and within= (what /api/search serves too), and bad values exit 2 with a JSON error."""

from __future__ import annotations

import json

from indexer.index.store import Store
from indexer.search.engine import search
from tests.helpers.errors import assert_error_document
from tests.search.test_search_cli import run


def cli_json(store: Store, *args: str) -> dict:
    code, out = run([*args, "--index", str(store.root), "--json"])
    assert code == 0, out
    return json.loads(out)


def test_sort_orders_by_report_date_and_keeps_total_and_facets(seed_store: Store) -> None:
    relevance = cli_json(seed_store, "法院", "--per-page", "100")
    for sort in ("newest", "oldest"):
        doc = cli_json(seed_store, "法院", "--sort", sort, "--per-page", "100")
        assert doc == search(seed_store, "法院", sort=sort, per_page=100)
        assert doc["total"] == relevance["total"] and doc["facets"] == relevance["facets"]
        assert sorted(h["id"] for h in doc["hits"]) == sorted(h["id"] for h in relevance["hits"])
    newest = [h["report"] for h in cli_json(seed_store, "法院", "--sort", "newest", "--per-page", "100")["hits"]]
    assert newest[0] == "pinghu-court-2023" and newest[-1] == "jiaxing-intermediate-court-2020"


def test_same_sentence_and_within(seed_store: Store) -> None:
    doc = cli_json(seed_store, "法院 审判", "--same-sentence")
    assert doc == search(seed_store, "法院 审判", sentence=True)
    assert 0 < doc["total"] < cli_json(seed_store, "法院 审判")["total"]
    within = cli_json(seed_store, "法院", "--within", "审判", "--within", "监督 OR 管理")
    assert within == search(seed_store, "法院", within=["审判", "监督 OR 管理"])
    assert within["total"] == cli_json(seed_store, "法院 审判 (监督 OR 管理)")["total"] > 0


def test_bad_sort_and_within_values_exit_2_with_error_json(seed_store: Store) -> None:
    root = str(seed_store.root)
    for bad in (["--sort", "date"], ["--sort", ""], ["--within", "调" * 101]):
        code, out = run(["法院", *bad, "--index", root, "--json"])
        assert code == 2, bad
        assert_error_document(json.loads(out), 400)
    too_many = [arg for n in range(11) for arg in ("--within", f"词{n}")]
    code, out = run(["法院", *too_many, "--index", root, "--json"])
    assert code == 2 and "在结果中检索最多 10 个词" in json.loads(out)["error"]
