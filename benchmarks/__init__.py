"""Benchmarks of the conformance suite: `python -m benchmarks.measure` (docs/benchmarks.md)."""
