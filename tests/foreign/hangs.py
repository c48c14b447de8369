"""A foreign target whose driver process never answers EarlyStopping's `on_epoch_end`."""

import sys
from pathlib import Path

from conformance.foreign import ForeignProcess, foreign_callback

DRIVER = str(Path(__file__).with_name("broken_driver.py"))
PROCESS = ForeignProcess([sys.executable, "-I", "-S", DRIVER, "hang"], label="the hanging driver")
EarlyStopping = foreign_callback(PROCESS, "EarlyStopping")
conformance_warm_up = PROCESS.warm_up
