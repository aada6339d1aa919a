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
