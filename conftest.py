"""Console transcripts in README.md and docs/ are tests (tests/support/transcripts.py):
Sybil collects them, and pyproject.toml's testpaths name those files."""

from sybil import Sybil

from tests.support.transcripts import setup, teardown, transcript_parser

pytest_collect_file = Sybil(
    parsers=[transcript_parser()],
    patterns=["README.md", "docs/*.md"],
    setup=setup,
    teardown=teardown,
).pytest()
