"""Build hook: compile indexer.compiled.COMPILED_MODULES with mypyc (the figures extractor, ≈ 1.8× faster).

Everything else about the package is in pyproject.toml. The compiled modules are optional extensions: without
mypyc or a C compiler (or with REPORTSEARCH_PURE_PYTHON=1) the install keeps the pure-Python modules, which give
the same results (tests/figures/test_compiled.py compares the two).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

from setuptools import setup

HERE = Path(__file__).resolve().parent


def _compiled() -> ModuleType:
    # indexer/compiled.py read by path: importing the package here would need its dependencies
    spec = importlib.util.spec_from_file_location("_reportsearch_compiled", HERE / "indexer" / "compiled.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ext_modules() -> list:
    """The mypyc extensions to build, [] when the install stays pure Python."""
    if os.environ.get("REPORTSEARCH_PURE_PYTHON") == "1":
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        print("reportsearch: mypyc not available, the figures extractor stays pure Python", file=sys.stderr)
        return []
    compiled = _compiled()
    compiled.write_sources_record(HERE / "indexer")  # what stale_modules compares the .py files with later
    paths = [str(compiled.source_path(Path("."), name)) for name in compiled.COMPILED_MODULES]
    extensions = mypycify(paths, opt_level="3", group_name=compiled.GROUP)
    for extension in extensions:
        extension.optional = True  # a failed compile leaves the .py modules: slower, same results
    return extensions


setup(ext_modules=ext_modules())
