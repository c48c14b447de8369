"""Keras 3.15.1's `keras.callbacks.TensorBoard`, without TensorFlow (clause family `tensorboard`).

What it writes, where and at which step (`docs/tensorboard.md`):

* `train/`: `epoch_<m>` (plus `epoch_learning_rate`, `epoch_steps_per_second`) at the
  epoch index; `batch_<m>` and `batch_steps_per_second` at the count of train
  executions since `on_train_begin`; weight histograms and images at the epoch index;
  the `keras` model JSON at step 0.
* `validation/`: `epoch_<m>` from `val_<m>` at the epoch index;
  `evaluation_<m>_vs_iterations` at `optimizer.iterations`.

Keras enters `writer.as_default(step)` and `record_if(step % update_freq == 0)`
contexts (unless `update_freq == "epoch"`); this class keeps the same stack itself.
Profiling is out of scope: `profile_batch` is validated exactly as Keras does, but
nothing is ever traced.
"""

from __future__ import annotations

import os
import time
import warnings
from typing import Any

import numpy as np

from reference import summary_writer as summaries
from reference.callback import Callback, Logs
from reference.keras_types import is_a
from reference.profile_batch import profile_range
from reference.projector import write_projector_config
from reference.summary_writer import SummaryWriter


class TensorBoard(Callback):
    """Writes training metrics, weights and the model to TensorBoard event files."""

    #: The Keras backend being modelled: it decides what `profile_batch` accepts.
    backend: str = "jax"

    def __init__(
        self,
        log_dir: Any = "logs",
        histogram_freq: int = 0,
        write_graph: bool = True,
        write_images: bool = False,
        write_steps_per_second: bool = False,
        update_freq: int | str = "epoch",
        profile_batch: Any = 0,
        embeddings_freq: int = 0,
        embeddings_metadata: str | dict[str, str] | None = None,
    ) -> None:
        # Clause `tensorboard.constructor.signature`: Keras's arguments, no **kwargs.
        super().__init__()
        self.log_dir = str(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        # Clause `tensorboard.update-freq.batch-is-one`.
        # Quirk `tensorboard.update-freq.unvalidated`: only "batch" is translated;
        # 0 or a string fail at the first gated write (ZeroDivisionError, TypeError).
        self.update_freq: Any = 1 if update_freq == "batch" else update_freq
        self.embeddings_freq = embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        # Profiling is out of scope: the range is validated, never traced.
        self._start_batch, self._stop_batch = profile_range(profile_batch, self.backend)
        self._global_train_batch = 0
        self._global_test_batch = 0
        self._batch_start_time = 0.0
        self._writers: dict[str, SummaryWriter] = {}
        self._contexts: list[tuple[SummaryWriter, int]] = []

    def set_model(self, model: Any) -> None:
        self._model = model
        self._train_dir = os.path.join(self.log_dir, "train")
        self._val_dir = os.path.join(self.log_dir, "validation")
        # Quirk `tensorboard.writers.dropped-unclosed`: earlier writers are not closed.
        self._writers = {}
        self._should_look_for_train_graph = bool(self.write_graph)
        if self.write_graph:
            self._write_model_summary()
        if self.embeddings_freq:
            write_projector_config(self.log_dir, self.model.layers, self.embeddings_metadata)

    def _writer(self, run: str) -> SummaryWriter:
        if run not in self._writers:
            run_dir = self._train_dir if run == "train" else self._val_dir
            self._writers[run] = SummaryWriter(run_dir)
        return self._writers[run]

    # The writer stack. Quirk `tensorboard.update-freq.gates-epoch-writes`: the
    # condition of the innermost context gates *every* write, the epoch-level ones too.
    def _push(self, run: str, step: int) -> None:
        # Quirk `tensorboard.writers.created-at-begin`: Keras evaluates the writer
        # argument first, so `on_train_begin` / `on_test_begin` create the events
        # file even with update_freq="epoch".
        writer = self._writer(run)
        if self.update_freq != "epoch":
            # Clause `tensorboard.writers.default-step` (out of scope): in Keras, this
            # context is also TensorFlow's default step for summaries written without one.
            self._contexts.append((writer.as_default(), step))

    def _pop(self) -> None:
        if self.update_freq != "epoch":
            self._contexts.pop()

    def _write(self, writer: SummaryWriter | None, summary: Any, step: Any) -> None:
        if writer is None:  # no default writer: tf.summary writes nothing
            return
        if self._contexts and self._contexts[-1][1] % self.update_freq != 0:
            return
        writer.write(summary, int(np.asarray(step)))

    def _default_writer(self) -> SummaryWriter | None:
        return self._contexts[-1][0] if self._contexts else None

    def _write_model_summary(self) -> None:
        """Clause `tensorboard.model-summary.functional-or-sequential`."""
        writer = self._writer("train").as_default()
        if type(self.model).__name__ not in ("Functional", "Sequential"):
            return
        try:
            model_json = self.model.to_json()
        except Exception as exc:
            warnings.warn(f"Model failed to serialize as JSON. Ignoring... {exc}", stacklevel=1)
            return
        self._write(writer, summaries.keras_model_summary("keras", model_json), 0)

    def on_train_begin(self, logs: Logs = None) -> None:
        # Quirk `tensorboard.steps.test-batch-never-reset`: `_global_test_batch` is kept.
        self._global_train_batch = 0
        self._push("train", 0)

    def on_train_end(self, logs: Logs = None) -> None:
        # Clause `tensorboard.writers.closed-at-train-end`: closed, but kept until set_model.
        self._pop()
        for writer in self._writers.values():
            writer.close()

    def on_test_begin(self, logs: Logs = None) -> None:
        self._push("validation", self._global_test_batch)

    def on_test_end(self, logs: Logs = None) -> None:
        """Clause `tensorboard.evaluation.vs-iterations`."""
        optimizer = self.model.optimizer
        if optimizer and hasattr(optimizer, "iterations"):
            writer = self._writer("validation").as_default()
            for name, value in logs.items():  # type: ignore[union-attr]
                summary = summaries.scalar_summary(f"evaluation_{name}_vs_iterations", value)
                self._write(writer, summary, self.model.optimizer.iterations)
        self._pop()

    def on_train_batch_begin(self, batch: int, logs: Logs = None) -> None:
        # Clause `tensorboard.batch.steps-count-executions`: `batch` itself is unused.
        self._global_train_batch += 1
        self._pop()
        self._push("train", self._global_train_batch)
        if self.write_steps_per_second:
            self._batch_start_time = time.time()

    def on_train_batch_end(self, batch: int, logs: Logs = None) -> None:
        """Clause `tensorboard.batch.scalars`: to the default writer, which exists
        only when `update_freq != "epoch"`."""
        if self._should_look_for_train_graph:
            # Keras writes the graph of a `tf.function` train function (TF backend
            # only); out of scope here, but the attribute is read as Keras does, inside
            # the train writer's default context, which a closed writer refuses (a
            # reused CallbackList whose first fit ran no batch).
            self._writer("train").as_default()
            self.model.train_function  # noqa: B018
            self._should_look_for_train_graph = False
        scalars = []
        if self.write_steps_per_second:
            scalars.append(("steps_per_second", 1.0 / (time.time() - self._batch_start_time)))
        if isinstance(logs, dict):
            scalars += logs.items()
        for name, value in scalars:
            summary = summaries.scalar_summary(f"batch_{name}", value)
            self._write(self._default_writer(), summary, self._global_train_batch)

    def on_test_batch_begin(self, batch: int, logs: Logs = None) -> None:
        self._global_test_batch += 1
        self._pop()
        self._push("validation", self._global_test_batch)

    def on_epoch_begin(self, epoch: int, logs: Logs = None) -> None:
        if self.write_steps_per_second:
            # Clause `tensorboard.steps-per-second.epoch-rate`: the iterations' value, not
            # the variable (which would make every epoch's difference 0).
            self._epoch_start_iterations = np.float32(self.model.optimizer.iterations)
            self._epoch_start_time = time.time()

    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        self._log_epoch_metrics(epoch, logs)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)
        if self.embeddings_freq and epoch % self.embeddings_freq == 0:
            weights_file = f"keras_embedding.ckpt-{epoch}.weights.h5"
            self.model.save_weights(os.path.join(self.log_dir, "train", weights_file))

    def _learning_rates(self) -> dict[str, float]:
        """Clause `tensorboard.epoch.learning-rate`: only a Keras `Optimizer` has one."""
        optimizer = self.model.optimizer
        if hasattr(optimizer, "inner_optimizer"):  # a LossScaleOptimizer
            optimizer = optimizer.inner_optimizer
        if hasattr(optimizer, "optimizers"):
            return {
                f"learning_rate_{opt.name}": float(np.asarray(opt.learning_rate))
                for opt in optimizer.optimizers
            }
        if is_a(optimizer, "Optimizer"):
            return {"learning_rate": float(np.asarray(optimizer.learning_rate))}
        return {}

    def _log_epoch_metrics(self, epoch: int, logs: Logs) -> None:
        """Clause `tensorboard.epoch.scalars`: `val_<m>` to validation/, the rest to train/."""
        if not logs:
            return  # Quirk `tensorboard.epoch.empty-logs-write-nothing`: no learning rate either.
        train_logs = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val_logs = {k[len("val_") :]: v for k, v in logs.items() if k.startswith("val_")}
        train_logs.update(self._learning_rates())
        if self.write_steps_per_second:  # Clause `tensorboard.steps-per-second.epoch-rate`.
            iterations = np.float32(self.model.optimizer.iterations)
            elapsed = np.float32(time.time() - self._epoch_start_time)
            done = iterations - self._epoch_start_iterations
            train_logs["steps_per_second"] = float(done / elapsed)
        for run, run_logs in (("train", train_logs), ("validation", val_logs)):
            if run_logs:
                writer = self._writer(run).as_default()
                for name, value in run_logs.items():
                    self._write(writer, summaries.scalar_summary(f"epoch_{name}", value), epoch)

    def _log_weights(self, epoch: int) -> None:
        """Clause `tensorboard.weights.histograms-and-images`."""
        writer = self._writer("train").as_default()
        for layer in self.model.layers:
            for weight in layer.weights:
                tag = weight.path.replace(":", "_")
                self._write(writer, summaries.histogram_summary(f"{tag}/histogram", weight), epoch)
                # Quirk `tensorboard.weights.images-need-histograms`: only reached here.
                image = self._weight_as_image(np.asarray(weight)) if self.write_images else None
                if image is not None:
                    self._write(writer, summaries.image_summary(f"{tag}/image", image), epoch)

    @staticmethod
    def _weight_as_image(weight: np.ndarray) -> np.ndarray | None:
        """A bias is one row, a kernel is wide (transposed if tall), a conv kernel
        is one image per output channel (channels_last); anything else is skipped."""
        image = np.squeeze(weight)
        if image.ndim == 1:
            image = image.reshape(1, image.shape[0], 1, 1)
        elif image.ndim == 2:
            if image.shape[0] > image.shape[1]:
                image = image.T
            image = image.reshape(1, *image.shape, 1)
        elif image.ndim == 3:
            image = np.transpose(image, (2, 0, 1))[..., np.newaxis]
        if image.ndim == 4 and image.shape[-1] in (1, 3, 4):
            return image
        return None
