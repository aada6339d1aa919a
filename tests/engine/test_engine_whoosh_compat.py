"""indexer/index/whoosh_compat.py: Whoosh internals are used for 2.7.4 only, and nowhere else in the package."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from indexer.index.whoosh_compat import REQUIRED_VERSION, check_version
from tests.helpers import REPO_ROOT

PACKAGE = REPO_ROOT / "indexer"
INTERNAL = re.compile(r"^\s*(?:from|import)\s+whoosh\.(?:codec|matching|system|util|writing|formats|filedb|scoring)\b",
                      re.M)


def test_the_pinned_version_passes_and_any_other_is_refused_with_what_to_do():
    check_version((2, 7, 4))
    for other in ((2, 7, 3), (2, 7, 5), (3, 0, 0)):
        with pytest.raises(ImportError) as info:
            check_version(other)
        message = str(info.value)
        assert "Whoosh 2.7.4 exactly" in message and ".".join(map(str, other)) in message
        assert "pip install Whoosh==2.7.4" in message


def test_importing_the_index_on_another_whoosh_fails_at_import_not_mid_search():
    code = ("import whoosh; whoosh.__version__ = (2, 8, 0)\n"
            "import indexer.search.engine\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "ImportError: reportsearch needs Whoosh 2.7.4 exactly" in proc.stderr and "2.8.0" in proc.stderr


def test_no_other_module_imports_whoosh_internals():
    offenders = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
                 if p.name != "whoosh_compat.py" and INTERNAL.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
    assert REQUIRED_VERSION == (2, 7, 4)


# Subclassing a Whoosh class overrides its internals. Allowed outside whoosh_compat.py only where the
# module docstring says so: FastSegmentWriter (searching reads the posting arrays, no Whoosh matcher).
SUBCLASSES_ALLOWED = {("index/segments.py", "SegmentWriter")}


def test_whoosh_classes_are_subclassed_only_in_whoosh_compat():
    import indexer.index.whoosh_compat as compat

    whoosh_classes = {name for name in compat.__all__ + ["DisjunctionMaxMatcher", "Matcher"]
                      if isinstance(getattr(compat, name, None), type) or name.endswith("Matcher")}
    found = set()
    for path in PACKAGE.rglob("*.py"):
        if path.name == "whoosh_compat.py":
            continue
        for base in re.findall(r"^class\s+\w+\(([\w.]+)", path.read_text(encoding="utf-8"), re.M):
            if base.split(".")[-1] in whoosh_classes or base.startswith("whoosh.matching"):
                found.add((path.relative_to(PACKAGE).as_posix(), base.split(".")[-1]))
    assert found == SUBCLASSES_ALLOWED  # bestof.py's DisjunctionMaxMatcher fix lives in whoosh_compat.py
