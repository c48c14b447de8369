"""Tests of the conformance engine: properties, runner, CLI, reports, targets, catalogue."""
