"""Ends its process with `os._exit(0)` as it is imported: the command line says so and
exits 2, with no report (there is no target to report on)."""

from __future__ import annotations

import os

os._exit(0)
