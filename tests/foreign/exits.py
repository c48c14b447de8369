"""A foreign target whose driver process exits in EarlyStopping's `on_epoch_end`."""

import sys
from pathlib import Path

from conformance.foreign import ForeignProcess, foreign_callback

DRIVER = str(Path(__file__).with_name("broken_driver.py"))
PROCESS = ForeignProcess([sys.executable, "-I", "-S", DRIVER, "exit"], label="the exiting driver")
EarlyStopping = foreign_callback(PROCESS, "EarlyStopping")
conformance_warm_up = PROCESS.warm_up
