"""Helpers shared by the tests: a duck-typed model and a driver that records what a
callback observably does."""
