"""The reference imports neither Keras nor TensorFlow, even while it works: a fresh
interpreter drives all four callbacks and then lists the modules it loaded."""

from __future__ import annotations

import subprocess
import sys
import textwrap

DRIVE_ALL_FOUR = textwrap.dedent(
    """
    import sys, tempfile
    import reference

    class Optimizer:
        learning_rate = 0.1
        iterations = 0

    class Model:
        stop_training = False
        optimizer = Optimizer()
        metrics = []
        layers = []
        train_function = None
        def get_weights(self): return [0.0]
        def set_weights(self, weights): pass
        def save(self, path, overwrite=True): pass
        def to_json(self): return "{}"

    with tempfile.TemporaryDirectory() as log_dir:
        callbacks = [
            reference.EarlyStopping(monitor="loss", restore_best_weights=True),
            reference.LearningRateScheduler(lambda epoch, lr: lr / 2),
            reference.ModelCheckpoint(log_dir + "/m.keras", monitor="loss"),
            reference.TensorBoard(log_dir, update_freq=1),
        ]
        for callback in callbacks:
            callback.set_model(Model())
            callback.on_train_begin({})
            for epoch in range(2):
                callback.on_epoch_begin(epoch, {})
                callback.on_train_batch_begin(0, {})
                callback.on_train_batch_end(0, {"loss": 1.0})
                callback.on_epoch_end(epoch, {"loss": 1.0})
            callback.on_train_end({})
    print(sorted({m.split(".")[0] for m in sys.modules}))
    """
)


def test_reference_runs_without_importing_keras_or_tensorflow():
    result = subprocess.run([sys.executable, "-c", DRIVE_ALL_FOUR], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    loaded = result.stdout
    assert "'reference'" in loaded and "'tensorboard'" in loaded
    for framework in ("keras", "tensorflow", "tf_keras", "jax", "torch"):
        assert f"'{framework}'" not in loaded
