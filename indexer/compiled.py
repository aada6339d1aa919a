"""The modules the install compiles with mypyc, and whether this process runs them compiled.

The figures extractor is pure Python spread over many small steps (issue 23: ≈ 10 % of a reindex's CPU);
compiled by mypyc from the same source it runs ≈ 1.8× faster. setup.py compiles COMPILED_MODULES when it can
(mypy is a build requirement; without a C compiler the pure-Python modules stay, which give the same rows) and
records each source's SHA-256 in SOURCES_RECORD. An in-place build (`pip install -e .`) puts each module's .so
beside its .py, and Python imports the .so first: after an edit of the .py the .so runs the old code until
the next `pip install -e .`. `stale_modules` finds that case (the tests refuse to run on it, `reportsearch
reindex` warns).
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.util
import os
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec, SourceFileLoader
from pathlib import Path

# Compiled together (one mypyc group): calls between them are native. model.py stays Python (Figure objects are
# pickled and built by readers); so does everything that reads or writes files.
COMPILED_MODULES = (
    "indexer.figures.numbers",
    "indexer.figures.phrases",
    "indexer.figures.years",
    "indexer.figures.extract",
)
GROUP = "reportsearch_compiled"  # the name of the shared mypyc runtime library the install writes
SOURCES_RECORD = "compiled-sources.txt"  # in indexer/, written by setup.py: "<sha256> <module>" per line


def source_path(root: Path, name: str) -> Path:
    """The .py file of module `name` in the checkout at root (indexer.figures.extract → indexer/figures/extract.py)."""
    return root.joinpath(*name.split(".")).with_suffix(".py")


def source_digest(path: Path) -> str:
    """The SHA-256 of a module's source file, as SOURCES_RECORD keeps it."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_sources_record(package_dir: Path) -> None:
    """Record the digest of every compiled module's source (setup.py, just before compiling them)."""
    lines = [f"{source_digest(source_path(package_dir.parent, name))} {name}" for name in COMPILED_MODULES]
    (package_dir / SOURCES_RECORD).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _recorded() -> dict[str, str]:
    try:
        text = (Path(__file__).parent / SOURCES_RECORD).read_text(encoding="utf-8")
    except OSError:
        return {}
    return {name: digest for digest, _, name in (line.partition(" ") for line in text.splitlines()) if name}


def compiled_state(name: str, recorded: dict[str, str] | None = None) -> str:
    """'compiled', 'python', or 'stale' (compiled from a source other than the .py beside it now) for a module."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None or spec.origin.endswith(".py"):
        return "python"
    source = Path(spec.origin).with_name(name.rpartition(".")[2] + ".py")  # the .py beside the .so
    digest = (_recorded() if recorded is None else recorded).get(name)
    if digest is None or not source.exists():
        return "compiled"  # nothing to compare with: a wheel without its sources, or a build before the record
    return "compiled" if source_digest(source) == digest else "stale"


def stale_modules() -> list[str]:
    """The compiled modules whose source changed after they were compiled (their .so runs the old code)."""
    recorded = _recorded()
    return [name for name in COMPILED_MODULES if compiled_state(name, recorded) == "stale"]


def extractor_kind() -> str:
    """'compiled' when every module of COMPILED_MODULES is (and none is stale), else 'python' (build.json's record)."""
    recorded = _recorded()
    return "compiled" if all(compiled_state(name, recorded) == "compiled" for name in COMPILED_MODULES) else "python"


class _SourceFinder(importlib.abc.MetaPathFinder):
    """Finds COMPILED_MODULES as their .py files only (an in-place build's .so beside them is passed over)."""

    def find_spec(self, name: str, path: Sequence[str] | None, target: object = None) -> ModuleSpec | None:
        if name not in COMPILED_MODULES or not path:
            return None
        source = os.path.join(path[0], name.rsplit(".", 1)[1] + ".py")
        return importlib.util.spec_from_loader(name, SourceFileLoader(name, source))


def use_pure_python() -> None:
    """Make this process import COMPILED_MODULES from their .py files (before any of them is imported).

    For comparing the compiled modules with their source (tests, bench/figures.py); nothing in the product calls it."""
    if not any(isinstance(finder, _SourceFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _SourceFinder())
