"""Benchmarks: scaled corpus generator, naive baseline engine, and the measuring harness."""
