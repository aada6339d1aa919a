"""indexer/once.py: a heavy object asked for by several threads at once is made once, and they all get it."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from indexer.once import made_once


def test_threads_asking_at_once_wait_for_the_one_being_made() -> None:
    made: list[str] = []
    start = threading.Barrier(8)

    @made_once(maxsize=2)
    def load(key: str) -> object:
        made.append(key)
        time.sleep(0.2)  # long enough for every other thread to ask meanwhile
        return object()

    def ask(key: str) -> object:
        start.wait()
        return load(key)

    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(ask, ["a"] * 6 + ["b"] * 2))
    assert sorted(made) == ["a", "b"]
    assert len({id(g) for g in got[:6]}) == 1 and len({id(g) for g in got[6:]}) == 1 and got[0] is not got[6]
    assert load.cache_info().currsize == 2  # type: ignore[attr-defined]
    load.cache_clear()  # type: ignore[attr-defined]
    load("a")
    assert made.count("a") == 2  # made again after the cache was cleared


def test_the_jieba_dictionary_is_loaded_once_by_concurrent_first_cuts(tmp_path) -> None:
    """The served path: the first snippets of a fresh process cut text with letters in it on 8 threads at once."""
    import subprocess
    import sys

    code = (
        "import threading, jieba\n"
        "calls = []\n"
        "orig = jieba.Tokenizer.initialize\n"
        "jieba.Tokenizer.initialize = lambda self, *a, **k: (calls.append(1), orig(self, *a, **k))[1]\n"
        "from indexer.analysis import JiebaTokenizer, normalize\n"
        "tok = JiebaTokenizer()\n"
        "barrier = threading.Barrier(8)\n"
        "def cut():\n"
        "    barrier.wait()\n"
        "    tok.spans(normalize('推进APP建设和5G网络'))\n"
        "threads = [threading.Thread(target=cut) for _ in range(8)]\n"
        "[t.start() for t in threads]\n"
        "[t.join() for t in threads]\n"
        "print(len(calls))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300)
    assert out.stdout.strip() == "1"
