"""Inputs the benchmarks and the tests share, importable from both (bench never loads tests/):
judged (hand-judged queries on the bundled corpus, nDCG/recall) · report_files (one report made as every format)."""
