"""TF2-format TensorBoard event files, written with the `tensorboard` package alone.

What `tf.summary` writes for Keras's TensorBoard callback, summary by summary: rank-0
`DT_FLOAT` scalars (scalars plugin), 30-bucket histograms (histograms plugin), images as a
string tensor `[width, height, png, ...]` (images plugin), and the Keras model JSON
(plugin `graph_keras_model`). No TensorFlow: the PNGs come from `encode_png` below.
"""

from __future__ import annotations

import itertools
import os
import socket
import struct
import time
import zlib
from typing import Any

import numpy as np
from tensorboard.compat.proto import event_pb2, summary_pb2
from tensorboard.plugins.histogram.summary_v2 import histogram_pb
from tensorboard.plugins.image import metadata as image_metadata
from tensorboard.plugins.scalar.summary_v2 import scalar_pb
from tensorboard.summary.writer.record_writer import RecordWriter
from tensorboard.util import tensor_util

MAX_IMAGES_PER_SUMMARY = 3  # `tf.summary.image`'s default `max_outputs`
_PNG_COLOR_TYPE = {1: 0, 2: 4, 3: 2, 4: 6}  # channels -> grey, grey+alpha, RGB, RGBA
_file_numbers = itertools.count()


def scalar_summary(tag: str, value: Any) -> summary_pb2.Summary:
    """`tf.summary.scalar`: raises ValueError for a non-scalar, stores float32."""
    return scalar_pb(tag, value)


def histogram_summary(tag: str, data: Any) -> summary_pb2.Summary:
    """`tf.summary.histogram` with its default 30 buckets."""
    return histogram_pb(tag, np.asarray(data))


def image_summary(tag: str, images: np.ndarray) -> summary_pb2.Summary:
    """`tf.summary.image` of float images `[k, h, w, c]`, as TF converts them.

    `tf.image.convert_image_dtype(..., uint8, saturate=True)` scales by 255.5 in the
    images' own float dtype (float64 weights round differently from float32 ones),
    clips to [0, 255] and truncates; only the first three images are kept, while the
    width and height are those of the whole batch.
    """
    images = np.asarray(images)
    scaled = images * images.dtype.type(255.5)
    pixels = np.clip(scaled, 0, 255).astype(np.uint8)
    height, width = pixels.shape[1], pixels.shape[2]
    pngs = [encode_png(image) for image in pixels[:MAX_IMAGES_PER_SUMMARY]]
    tensor = np.array([str(width).encode(), str(height).encode(), *pngs], dtype=object)
    summary = summary_pb2.Summary()
    summary.value.add(
        tag=tag,
        metadata=image_metadata.create_summary_metadata(display_name=None, description=None),
        tensor=tensor_util.make_tensor_proto(tensor),
    )
    return summary


def keras_model_summary(tag: str, model_json: str) -> summary_pb2.Summary:
    """Keras's `keras_model_summary`: the model JSON as a string, plugin version 1."""
    metadata = summary_pb2.SummaryMetadata()
    metadata.plugin_data.plugin_name = "graph_keras_model"
    metadata.plugin_data.content = b"1"
    summary = summary_pb2.Summary()
    summary.value.add(tag=tag, metadata=metadata, tensor=tensor_util.make_tensor_proto(model_json))
    return summary


def encode_png(image: np.ndarray) -> bytes:
    """A minimal 8-bit PNG of a `[h, w, c]` uint8 array (no filtering, zlib level 6)."""
    height, width, channels = image.shape

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, _PNG_COLOR_TYPE[channels], 0, 0, 0)
    rows = b"".join(b"\x00" + row.tobytes() for row in image.reshape(height, width * channels))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 6))
        + chunk(b"IEND", b"")
    )


class SummaryWriter:
    """One events file in `log_dir`, created (with its directory) at construction.

    Like `tf.summary.create_file_writer`, a writer that never records anything still
    leaves an events file behind. Events are appended as they are written, so a writer
    dropped without `close` loses nothing; a closed one refuses to become the default
    writer again, as TF's does.
    """

    def __init__(self, log_dir: str) -> None:
        os.makedirs(log_dir, exist_ok=True)
        host, pid, number = socket.gethostname(), os.getpid(), next(_file_numbers)
        name = f"events.out.tfevents.{time.time():.0f}.{host}.{pid}.{number}.v2"
        self._path = os.path.join(log_dir, name)
        self.closed = False
        self._append(event_pb2.Event(wall_time=time.time(), file_version="brain.Event:2"))

    def as_default(self) -> SummaryWriter:
        """The check `tf.summary.SummaryWriter.as_default` makes."""
        if self.closed:
            raise RuntimeError(f"SummaryWriter {self!r} is already closed")
        return self

    def write(self, summary: summary_pb2.Summary, step: int) -> None:
        self._append(event_pb2.Event(wall_time=time.time(), step=int(step), summary=summary))

    def _append(self, event: event_pb2.Event) -> None:
        with open(self._path, "ab") as events_file:
            RecordWriter(events_file).write(event.SerializeToString())

    def close(self) -> None:
        self.closed = True
