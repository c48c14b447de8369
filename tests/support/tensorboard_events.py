"""Read TensorBoard event files back as comparable records.

Every event of every `events.out.tfevents.*` file under a log directory becomes one
`Record(run, tag, step, value, plugin)`. Files are read raw (TensorBoard's own
`EventFileLoader`) rather than through `EventAccumulator`, which drops "orphaned"
events when a step goes backwards and would hide exactly the differences a second
`fit` into the same directory can make.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from tensorboard.backend.event_processing.event_file_loader import EventFileLoader
from tensorboard.util import tensor_util

TIMING_TAGS = ("batch_steps_per_second", "epoch_steps_per_second")
"""Tags whose value is a wall-clock timing: compared for presence and step only."""


class Record(NamedTuple):
    run: str  # the directory holding the event file, relative to the log dir
    tag: str
    step: int
    value: Any
    plugin: str


def _decode_png(png: bytes) -> tuple[tuple[int, ...], bytes]:
    import tensorflow as tf  # test-side only: the decoder the reader trusts

    pixels = tf.io.decode_png(png).numpy()
    return pixels.shape, pixels.tobytes()


def _value(plugin: str, tensor: np.ndarray) -> Any:
    if plugin == "images":
        width, height, *pngs = tensor.tolist()
        return (int(width), int(height), tuple(_decode_png(png) for png in pngs))
    if tensor.dtype == object:  # strings: the keras model JSON
        return tensor.item()
    if tensor.ndim == 0:
        return float(tensor)
    return tuple(tensor.ravel().tolist())


def read_records(log_dir: str | os.PathLike[str]) -> list[Record]:
    """All summaries under `log_dir`, sorted, timings blanked (see `TIMING_TAGS`)."""
    root = Path(log_dir)
    records = []
    for path in sorted(root.rglob("events.out.tfevents.*")):
        run = path.parent.relative_to(root).as_posix()
        for event in EventFileLoader(str(path)).Load():
            for summary_value in event.summary.value:
                plugin = summary_value.metadata.plugin_data.plugin_name
                tensor = tensor_util.make_ndarray(summary_value.tensor)
                value = None if summary_value.tag in TIMING_TAGS else _value(plugin, tensor)
                records.append(Record(run, summary_value.tag, event.step, value, plugin))
    return sorted(records, key=repr)


def event_file_runs(log_dir: str | os.PathLike[str]) -> list[str]:
    """The run directory of every events file, once per file (an empty one too)."""
    root = Path(log_dir)
    files = root.rglob("events.out.tfevents.*")
    return sorted(path.parent.relative_to(root).as_posix() for path in files)
