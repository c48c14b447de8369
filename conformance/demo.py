"""Run the reference beside Keras in one real training run and print what each did.

    python -m conformance.demo

Trains the same small model twice with `keras.Model.fit` (the backend KERAS_BACKEND
names, jax by default): once with Keras 3.15.1's four callbacks, once with the
reference's. Prints, side by side, the epochs run, where EarlyStopping stopped and which
epoch's weights it restored, the learning rate per epoch, the checkpoint files written,
and the TensorBoard tags per run directory. Until the conformance command line exists,
this is the quickest look at the reference at work.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from conformance.adapters.keras import quiet_tensorflow_logs

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
quiet_tensorflow_logs()


def _train(callbacks_module: Any, workdir: Path) -> dict[str, Any]:
    import keras
    import numpy as np

    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(0.05), loss="mse")
    x = np.random.default_rng(0).normal(size=(32, 4)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5], [0.0]], dtype="float32")
    early_stopping = callbacks_module.EarlyStopping(
        monitor="val_loss", patience=2, min_delta=0.05, restore_best_weights=True
    )
    callbacks = [
        early_stopping,
        callbacks_module.LearningRateScheduler(lambda epoch, lr: lr if epoch < 3 else lr * 0.5),
        callbacks_module.ModelCheckpoint(
            str(workdir / "ckpt" / "e{epoch:02d}-{val_loss:.3f}.weights.h5"),
            save_weights_only=True,
            save_best_only=True,
        ),
        callbacks_module.TensorBoard(str(workdir / "logs"), update_freq=2),
    ]
    history = model.fit(
        x[:24],
        y[:24],
        validation_data=(x[24:], y[24:]),
        epochs=30,
        batch_size=8,
        callbacks=callbacks,
        verbose=0,
    )
    return {
        "epochs run": len(history.history["loss"]),
        "stopped at epoch": early_stopping.stopped_epoch,
        "restored epoch": early_stopping.best_epoch,
        "learning rates": [round(v, 5) for v in history.history["learning_rate"]],
        "checkpoints": sorted(p.name for p in (workdir / "ckpt").iterdir()),
        "tensorboard tags": _tags(workdir / "logs"),
    }


def _tags(log_dir: Path) -> dict[str, list[str]]:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    tags = {}
    for run in ("train", "validation"):
        accumulator = EventAccumulator(str(log_dir / run))
        accumulator.Reload()
        tags[run] = sorted(accumulator.Tags()["tensors"])
    return tags


def main() -> int:
    try:
        import keras
    except ImportError:
        print(
            "conformance.demo needs Keras: pip install 'callback-conformance[keras,tensorflow]'",
            file=sys.stderr,
        )
        return 2
    import reference

    with tempfile.TemporaryDirectory() as keras_dir, tempfile.TemporaryDirectory() as ours_dir:
        theirs = _train(keras.callbacks, Path(keras_dir))
        ours = _train(reference, Path(ours_dir))
    width = max(len(key) for key in theirs)
    print(f"Keras {keras.__version__} ({keras.backend.backend()}) vs the reference, same fit:\n")
    for key in theirs:
        verdict = "same" if theirs[key] == ours[key] else "DIFFERENT"
        print(f"{key:<{width}}  {verdict}")
        print(f"{'':<{width}}    keras:     {theirs[key]}")
        print(f"{'':<{width}}    reference: {ours[key]}")
    return 0 if theirs == ours else 1


if __name__ == "__main__":
    sys.exit(main())
