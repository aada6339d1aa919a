"""A reindex that runs out of disk space fails with a clear message; the old index keeps serving; the next recovers.

The disk really fills: the index lives on a small tmpfs (mounted here when we may, i.e. as root) and a filler file
takes all but a little of its space. Where mounting is not permitted (an unprivileged CI runner) the same CLI run
gets ENOSPC injected at Whoosh's file writes instead, after a byte budget smaller than one build, so the test
checks the same guarantees either way and never skips.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.reliability import (
    Server,
    clean_env,
    run_reindex,
    start_server,
    stop_server,
)

pytestmark = pytest.mark.slow

LEFT_FREE = 256 * 1024  # what the filler leaves on the tmpfs: far less than one build of the seeds (~1.7 MB)
# Inside the reindex process only: Whoosh's files raise ENOSPC once INJECT_BUDGET bytes were written in total.
INJECT_ENOSPC = """
import errno, sys
import whoosh.filedb.filestore as fs
budget = [int(sys.argv[1])]
class Limited:
    def __init__(self, f): self._f = f
    def write(self, data):
        budget[0] -= len(data)
        if budget[0] < 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        return self._f.write(data)
    def __getattr__(self, name): return getattr(self._f, name)
    def __enter__(self): return self
    def __exit__(self, *exc): self._f.close()
def limited_open(*args, **kwargs):
    f = open(*args, **kwargs)
    return Limited(f) if "w" in (args[1] if len(args) > 1 else kwargs.get("mode", "r")) else f
fs.open = limited_open
from webapp.cli import main
sys.argv = ["reportsearch"] + sys.argv[2:]
main()
"""


def du_bytes(path: Path) -> int:
    """Bytes of every file under path."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def try_mount_tmpfs(where: Path, size_bytes: int) -> bool:
    """Mount a tmpfs of size_bytes at where; False when not permitted (not root, no CAP_SYS_ADMIN, no mount)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_bytes},mode=0755", "tmpfs", str(where)],
                          capture_output=True, text=True, check=False)
    return done.returncode == 0


@pytest.fixture()
def small_disk(tmp_path: Path, repo_corpus: Path) -> Iterator[tuple[Path, bool, int]]:
    """(a folder for the index, whether it is a real small tmpfs, the size of one build of the seeds)."""
    probe = tmp_path / "probe-index"
    done = run_reindex(repo_corpus, probe)
    assert done.returncode == 0, done.stdout + done.stderr
    one_build = du_bytes(probe)
    shutil.rmtree(probe)
    disk = tmp_path / f"disk-{uuid.uuid4().hex[:8]}"
    disk.mkdir()
    # Room for two builds and Whoosh's temporary files while it writes one (measured: 2.6 builds was too little).
    if try_mount_tmpfs(disk, one_build * 4):
        try:
            yield disk, True, one_build
        finally:
            subprocess.run(["umount", "--lazy", str(disk)], check=False)
    else:
        print("tmpfs not mountable here: injecting ENOSPC at Whoosh's writes instead")
        yield disk, False, one_build


def fill_disk(disk: Path) -> Path:
    """Write a filler file that leaves only LEFT_FREE bytes free on disk."""
    st = os.statvfs(disk)
    filler = disk / "filler"
    with filler.open("wb") as fh:
        remaining = st.f_bavail * st.f_frsize - LEFT_FREE
        chunk = b"\0" * 2**20
        while remaining > 0:
            remaining -= fh.write(chunk[: min(len(chunk), remaining)])
    return filler


def reindex_enospc(corpus: Path, index: Path, budget: int) -> subprocess.CompletedProcess:
    """`reportsearch reindex` whose Whoosh file writes fail with ENOSPC after budget bytes."""
    return subprocess.run(
        [sys.executable, "-c", INJECT_ENOSPC, str(budget), "reindex", "--corpus", str(corpus), "--index", str(index)],
        capture_output=True, text=True, encoding="utf-8", env=clean_env(), timeout=300, check=False,
    )


def test_reindex_on_a_full_disk_keeps_the_old_index_serving(small_disk: tuple[Path, bool, int], tmp_path: Path,
                                                            corpus_a: Path, corpus_b: Path) -> None:
    disk, real, one_build = small_disk
    index = disk / "index"
    first = run_reindex(corpus_a, index)
    assert first.returncode == 0, first.stdout + first.stderr
    old_build = (index / "CURRENT").read_text(encoding="ascii").strip()
    server: Server = start_server(index, corpus_a, tmp_path / "serve.log")
    try:
        before = server.api_search("诉源治理")
        assert before["total"] > 0

        if real:
            filler = fill_disk(disk)
            failed = run_reindex(corpus_b, index)
        else:
            failed = reindex_enospc(corpus_b, index, one_build // 2)
        out = failed.stdout + failed.stderr
        print(f"\n{'full tmpfs' if real else 'injected ENOSPC'}: rc={failed.returncode}\n{out.strip()}")
        # A clear message, no traceback, the documented exit code for a failed build.
        assert failed.returncode == 2, out
        assert "reindex failed, the previous index (if any) still serves" in out
        assert "No space left on device" in out
        assert "Traceback" not in out
        # The old build still serves, unchanged, from the same server; the half-written build is gone.
        assert (index / "CURRENT").read_text(encoding="ascii").strip() == old_build
        assert server.api_search("诉源治理") == before
        assert sorted(p.name for p in (index / "builds").iterdir()) == [old_build]
        assert list(index.glob("CURRENT.*.tmp")) == []

        # Space is back: the next reindex needs no manual step and the server picks it up without a restart.
        if real:
            filler.unlink()
        again = run_reindex(corpus_b, index)
        assert again.returncode == 0, again.stdout + again.stderr
        assert (index / "CURRENT").read_text(encoding="ascii").strip() != old_build
        after = server.api_search("诉源治理")
        assert after["total"] > before["total"]  # corpus B has more paragraphs with the phrase
        status, body, _ = server.get("/api/overview")
        assert status == 200 and json.loads(body)["reports"] == 4
    finally:
        stop_server(server.proc)
    assert "Traceback" not in server.log.read_text("utf-8", "replace")
