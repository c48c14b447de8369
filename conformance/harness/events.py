"""Read TensorBoard event files back as comparable records.

Every event of every `events.out.tfevents.*` file under a log directory becomes one
`Record(run, tag, step, value, plugin)`. Files are read raw, as TensorBoard's own
`EventFileLoader` reads them (TFRecord framing, each record TensorBoard's `Event`
protocol buffer), rather than through `EventAccumulator`, which drops "orphaned" events
when a step goes backwards and would hide exactly the differences a second `fit` into
the same directory can make. They are read from the bytes `conformance.harness.run_files`
read without following links: the reader opens no path of the run's.
"""

from __future__ import annotations

import os
import struct
import zlib
from collections.abc import Iterator
from typing import Any, NamedTuple

import numpy as np
from google.protobuf.message import DecodeError
from tensorboard import data_compat, dataclass_compat
from tensorboard.compat.proto.event_pb2 import Event
from tensorboard.util import tensor_util

from conformance.harness.run_files import RunFiles, read_tree

TIMING_TAGS = ("batch_steps_per_second", "epoch_steps_per_second")
"""Tags whose value is a wall-clock rate: kept only as its sign (`timing_sign`)."""


class Record(NamedTuple):
    run: str  # the directory holding the event file, relative to the log dir
    tag: str
    step: int
    value: Any
    plugin: str


def _decode_png(png: bytes) -> tuple[tuple[int, ...], bytes]:
    """(height, width, channels) and the raw 8-bit pixels of a PNG, whichever encoder
    wrote it: TensorFlow's and the reference's compress differently."""
    chunks: dict[bytes, bytes] = {}
    position = 8
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        chunks[kind] = chunks.get(kind, b"") + png[position + 8 : position + 8 + length]
        position += 12 + length
    width, height, depth, color_type = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    if depth != 8 or color_type not in _CHANNELS:
        raise ValueError(f"unsupported PNG: bit depth {depth}, colour type {color_type}")
    channels = _CHANNELS[color_type]
    stride = width * channels
    raw = zlib.decompress(chunks[b"IDAT"])
    rows: list[bytearray] = []
    previous = bytearray(stride)
    for y in range(height):
        kind, line = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up, up_left = previous[x], previous[x - channels] if x >= channels else 0
            line[x] = (line[x] + _predict(kind, left, up, up_left)) & 0xFF
        rows.append(line)
        previous = line
    return (height, width, channels), b"".join(rows)


_CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}  # PNG colour type -> channels


def _predict(kind: int, left: int, up: int, up_left: int) -> int:
    """PNG's per-byte filter predictors (none, sub, up, average, Paeth)."""
    if kind == 0:
        return 0
    if kind == 1:
        return left
    if kind == 2:
        return up
    if kind == 3:
        return (left + up) // 2
    estimate = left + up - up_left
    distances = (abs(estimate - left), abs(estimate - up), abs(estimate - up_left))
    return (left, up, up_left)[distances.index(min(distances))]


def _value(plugin: str, tensor: np.ndarray) -> Any:
    if plugin == "images":
        width, height, *pngs = tensor.tolist()
        return (int(width), int(height), tuple(_decode_png(png) for png in pngs))
    if tensor.dtype == object:  # strings: the keras model JSON
        return tensor.item()
    if tensor.ndim == 0:
        return float(tensor)
    return tuple(tensor.ravel().tolist())


def timing_sign(tensor: np.ndarray) -> str:
    """A wall-clock rate as what a run can pin down: "positive", "zero", "negative" or
    "nan". Its value depends on the clock; whether it is positive does not (an epoch that
    ran a step advanced the optimizer's iterations)."""
    rate = float(tensor)
    if rate != rate:
        return "nan"
    return "positive" if rate > 0 else "zero" if rate == 0 else "negative"


def events_in(content: bytes) -> Iterator[Event]:
    """The events of an event file holding `content`, as `EventFileLoader` yields them:
    each record parsed, then passed through TensorBoard's read-time compatibility layers
    (`data_compat`, `dataclass_compat`: a summary's data class and shape). Each TFRecord
    is its length (8 bytes, little-endian), that length's masked CRC (4), the record, and
    its masked CRC (4); a truncated last record ends the file, as it does there, and so
    does a record that is not an event."""
    initial_metadata: dict[str, Any] = {}  # per tag, for dataclass_compat
    position = 0
    while position + 12 <= len(content):
        (length,) = struct.unpack_from("<Q", content, position)
        start = position + 12
        if start + length + 4 > len(content):
            return
        try:
            event = Event.FromString(content[start : start + length])
        except DecodeError:
            return
        yield from dataclass_compat.migrate_event(
            data_compat.migrate_event(event), initial_metadata
        )
        position = start + length + 4


def _event_files(tree: RunFiles) -> dict[str, bytes]:
    return {
        path: content
        for path, content in tree.regular.items()
        if path.rsplit("/", 1)[-1].startswith("events.out.tfevents.")
    }


def records_in(tree: RunFiles) -> list[Record]:
    """All summaries in the event files of `tree`, sorted, timings as their sign (see
    `TIMING_TAGS`)."""
    records = []
    for path, content in sorted(_event_files(tree).items()):
        run = path.rsplit("/", 1)[0] if "/" in path else "."
        for event in events_in(content):
            for summary_value in event.summary.value:
                plugin = summary_value.metadata.plugin_data.plugin_name
                tensor = tensor_util.make_ndarray(summary_value.tensor)
                if summary_value.tag in TIMING_TAGS:
                    value: Any = timing_sign(tensor)
                else:
                    value = _value(plugin, tensor)
                records.append(Record(run, summary_value.tag, event.step, value, plugin))
    return sorted(records, key=repr)


def event_runs_in(tree: RunFiles) -> list[str]:
    """The run directory of every events file of `tree`, once per file (an empty one
    too)."""
    return sorted(path.rsplit("/", 1)[0] if "/" in path else "." for path in _event_files(tree))


def read_records(log_dir: str | os.PathLike[str]) -> list[Record]:
    """`records_in` the tree under `log_dir`."""
    return records_in(read_tree(os.fspath(log_dir)))


def event_file_runs(log_dir: str | os.PathLike[str]) -> list[str]:
    """`event_runs_in` the tree under `log_dir`."""
    return event_runs_in(read_tree(os.fspath(log_dir)))
