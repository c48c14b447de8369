"""The clause registry: every rule of the spec, with its stable id, level and docs anchor.

A clause id names one rule of Keras 3.15.1's callback behaviour, as `docs/*.md` define it
(a `## <id>` heading, or an `<a id="<id>">` tag in `docs/tensorboard.md`). Reports,
divergence files, properties and the reference's `Clause <id>` / `Quirk <id>` comments all
refer to clauses by these ids, so ids stay put when the docs are reworded or reordered.

Each clause belongs to one callback class (`EarlyStopping`, `LearningRateScheduler`,
`ModelCheckpoint`, `TensorBoard`), or to:

- `"monitor"`: the improvement rule EarlyStopping and ModelCheckpoint share (Keras's
  internal `MonitorCallback`, `docs/monitor.md`). These clauses apply to **both**
  callbacks: `clauses_of("EarlyStopping")` and `clauses_of("ModelCheckpoint")` include them.
- `"fit"`: what `keras.Model.fit` guarantees every callback (dispatch, logs, hook order,
  stopping), on `docs/fit.md`. A target cannot break them: the suite reports them
  `not-run` and checks them against a real `keras.Model.fit` in the project's tests.

Levels (DESIGN.md, "Clauses"): `core`, what any faithful implementation must match;
`keras-quirk`, what Keras 3.15.1 does incidentally or by a bug (an implementation may
differ and still be core conformant); `cosmetic`, message texts and verbose output;
`out-of-scope`, a rule of Keras's `fit`, or of TensorFlow around a callback, that the suite
deliberately does not model (its statement and docs entry say why; always `not-run`). Where a
docs entry names two levels (say "core (the warning), cosmetic (its text)"), the clause
takes the strictest: core if any part is core, else keras-quirk; its statement says which
part is cosmetic.

Anchors are `<page>#<id>`: every page defines each of its clauses as a heading
`## <id> {#<id>}` (MkDocs attr_list), so the id itself is the fragment in the built site,
and `mkdocs build --strict` fails on a link to an anchor that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Literal, get_args

__all__ = [
    "CLAUSES",
    "CALLBACKS",
    "Callback",
    "Clause",
    "Level",
    "clause",
    "clauses_of",
    "matching",
]

Level = Literal["core", "keras-quirk", "cosmetic", "out-of-scope"]
Callback = Literal[
    "monitor", "EarlyStopping", "LearningRateScheduler", "ModelCheckpoint", "TensorBoard", "fit"
]


@dataclass(frozen=True)
class Clause:
    """One rule of the spec: `statement` in plain words, documented at `anchor`."""

    id: str
    """Stable dotted id, `<page>.<topic>.<rule>`, e.g. `early_stopping.patience.zero-is-one`."""
    callback: Callback
    """The callback class the rule governs, or `"monitor"` (both EarlyStopping and
    ModelCheckpoint) or `"fit"` (the training loop's protocol)."""
    statement: str
    """The rule on one line."""
    level: Level
    anchor: str
    """`<docs page>#<id>`, relative to `docs/`."""


CLAUSES: tuple[Clause, ...] = (
    # ---------------------------------------------------------------------------------------
    # The monitor rule (docs/monitor.md): shared by EarlyStopping and ModelCheckpoint.
    # ---------------------------------------------------------------------------------------
    Clause(
        id="monitor.mode.unknown-warns",
        callback="monitor",
        statement="A mode other than auto/min/max warns at construction and falls back to auto;"
        " the warning's text is cosmetic.",
        level="core",
        anchor="monitor.md#monitor.mode.unknown-warns",
    ),
    Clause(
        id="monitor.mode.auto",
        callback="monitor",
        statement="auto minimises loss/val_loss, else the last compiled metric of the name"
        " (val_ stripped) with a _direction decides; no decision raises ValueError.",
        level="core",
        anchor="monitor.md#monitor.mode.auto",
    ),
    Clause(
        id="monitor.improvement.strict",
        callback="monitor",
        statement="A value improves when there is no reference yet, else only by strictly more"
        " than |min_delta|; a tie or NaN never improves.",
        level="core",
        anchor="monitor.md#monitor.improvement.strict",
    ),
    Clause(
        id="monitor.precision",
        callback="monitor",
        statement="value - min_delta is taken in float64, then compared at the backend's"
        " precision: float32 flushing subnormals (jax, TF), float32 (torch), float64 (numpy).",
        level="core",
        anchor="monitor.md#monitor.precision",
    ),
    Clause(
        id="monitor.min-delta.sign-flip-once",
        callback="monitor",
        statement="min_delta's sign is flipped once per instance when the direction is"
        " resolved and persists across fits; resolving again flips it back.",
        level="keras-quirk",
        anchor="monitor.md#monitor.min-delta.sign-flip-once",
    ),
    # ---------------------------------------------------------------------------------------
    # EarlyStopping (docs/early_stopping.md); the monitor clauses above apply too.
    # ---------------------------------------------------------------------------------------
    Clause(
        id="early_stopping.patience.counts-before-test",
        callback="EarlyStopping",
        statement="wait grows before the improvement test on every monitored epoch, so patience"
        " p stops at the p-th consecutive non-improving epoch.",
        level="core",
        anchor="early_stopping.md#early_stopping.patience.counts-before-test",
    ),
    Clause(
        id="early_stopping.patience.zero-is-one",
        callback="EarlyStopping",
        statement="patience 0, 1 and any negative patience all stop at the first non-improving"
        " epoch.",
        level="keras-quirk",
        anchor="early_stopping.md#early_stopping.patience.zero-is-one",
    ),
    Clause(
        id="early_stopping.stop.never-at-epoch-zero",
        callback="EarlyStopping",
        statement="Training never stops at absolute epoch index 0, even without improvement.",
        level="keras-quirk",
        anchor="early_stopping.md#early_stopping.stop.never-at-epoch-zero",
    ),
    Clause(
        id="early_stopping.monitor.skipped-epochs",
        callback="EarlyStopping",
        statement="An epoch without the monitored value (or with None), or below"
        " start_from_epoch (absolute index), changes nothing: no wait, no best, no stop.",
        level="core",
        anchor="early_stopping.md#early_stopping.monitor.skipped-epochs",
    ),
    Clause(
        id="early_stopping.monitor.missing-warns",
        callback="EarlyStopping",
        statement="A missing monitored value warns, listing the available log keys in the logs'"
        " order; the warning's text is cosmetic.",
        level="core",
        anchor="early_stopping.md#early_stopping.monitor.missing-warns",
    ),
    Clause(
        id="early_stopping.mode.resolved-at-first-epoch-end",
        callback="EarlyStopping",
        statement="The direction is resolved first thing at the first on_epoch_end: an"
        " unresolvable auto mode raises there, even in warm-up or with the monitor missing.",
        level="keras-quirk",
        anchor="early_stopping.md#early_stopping.mode.resolved-at-first-epoch-end",
    ),
    Clause(
        id="early_stopping.baseline.not-initial-best",
        callback="EarlyStopping",
        statement="baseline is not the initial best: best starts as None, so the first"
        " monitored value always becomes best.",
        level="core",
        anchor="early_stopping.md#early_stopping.baseline.not-initial-best",
    ),
    Clause(
        id="early_stopping.baseline.gates-wait-reset",
        callback="EarlyStopping",
        statement="An improvement resets wait only if it also beats baseline, so a run improving"
        " every epoch without beating baseline never stops.",
        level="keras-quirk",
        anchor="early_stopping.md#early_stopping.baseline.gates-wait-reset",
    ),
    Clause(
        id="early_stopping.nan.first-value-becomes-best",
        callback="EarlyStopping",
        statement="The first monitored value becomes best whatever it is (NaN, ±inf); nothing"
        " improves on a NaN best, so the run stops and restores the first epoch.",
        level="keras-quirk",
        anchor="early_stopping.md#early_stopping.nan.first-value-becomes-best",
    ),
    Clause(
        id="early_stopping.restore.always-at-train-end",
        callback="EarlyStopping",
        statement="With restore_best_weights, on_train_end restores the best epoch's weights"
        " whenever some were saved, however the run ended.",
        level="core",
        anchor="early_stopping.md#early_stopping.restore.always-at-train-end",
    ),
    Clause(
        id="early_stopping.restore.weights-read-twice",
        callback="EarlyStopping",
        statement="On the first monitored epoch get_weights() is called twice, and the result"
        " is kept by reference, not copied.",
        level="keras-quirk",
        anchor="early_stopping.md#early_stopping.restore.weights-read-twice",
    ),
    Clause(
        id="early_stopping.reuse.resets-per-fit",
        callback="EarlyStopping",
        statement="on_train_begin resets wait, stopped_epoch, best, best_weights and"
        " best_epoch; the resolved direction and min_delta's sign are kept.",
        level="core",
        anchor="early_stopping.md#early_stopping.reuse.resets-per-fit",
    ),
    Clause(
        id="early_stopping.verbose.messages",
        callback="EarlyStopping",
        statement="With verbose > 0, train end prints 'Epoch N: early stopping' if it stopped"
        " the run, then the weight-restoring line if it restores.",
        level="cosmetic",
        anchor="early_stopping.md#early_stopping.verbose.messages",
    ),
    # ---------------------------------------------------------------------------------------
    # LearningRateScheduler (docs/learning_rate_scheduler.md)
    # ---------------------------------------------------------------------------------------
    Clause(
        id="learning_rate_scheduler.init.no-validation",
        callback="LearningRateScheduler",
        statement="The constructor checks nothing: a non-callable schedule fails only at the"
        " first epoch begin.",
        level="core",
        anchor="learning_rate_scheduler.md#learning_rate_scheduler.init.no-validation",
    ),
    Clause(
        id="learning_rate_scheduler.schedule.absolute-epoch",
        callback="LearningRateScheduler",
        statement="At each epoch begin only, the schedule gets the absolute epoch index and the"
        " current rate as a float, once per (sub-)optimizer.",
        level="core",
        anchor="learning_rate_scheduler.md#learning_rate_scheduler.schedule.absolute-epoch",
    ),
    Clause(
        id="learning_rate_scheduler.schedule.one-argument",
        callback="LearningRateScheduler",
        statement="A schedule taking only the epoch works: the two-argument call's TypeError"
        " makes the callback retry with the epoch alone.",
        level="core",
        anchor="learning_rate_scheduler.md#learning_rate_scheduler.schedule.one-argument",
    ),
    Clause(
        id="learning_rate_scheduler.schedule.type-error-falls-back",
        callback="LearningRateScheduler",
        statement="Any TypeError from the two-argument call triggers the retry, masking one"
        " raised inside a genuine two-argument schedule.",
        level="keras-quirk",
        anchor="learning_rate_scheduler.md#learning_rate_scheduler.schedule.type-error-falls-back",
    ),
    Clause(
        id="learning_rate_scheduler.schedule.float-only",
        callback="LearningRateScheduler",
        statement="The result must be a float, np.float32 or np.float64; anything else (int,"
        " bool, float16, arrays, tensors) raises ValueError before the optimizer is touched.",
        level="core",
        anchor="learning_rate_scheduler.md#learning_rate_scheduler.schedule.float-only",
    ),
    Clause(
        id="learning_rate_scheduler.schedule.docstring-example-rejected",
        callback="LearningRateScheduler",
        statement="Keras's documented `lr * ops.exp(-0.1)` schedule returns a backend tensor,"
        " which is rejected with ValueError (a documentation mismatch).",
        level="keras-quirk",
        anchor="learning_rate_scheduler.md"
        "#learning_rate_scheduler.schedule.docstring-example-rejected",
    ),
    Clause(
        id="learning_rate_scheduler.optimizer.needs-learning-rate",
        callback="LearningRateScheduler",
        statement="An optimizer without a learning_rate attribute (or no optimizer) raises"
        " ValueError at epoch begin.",
        level="core",
        anchor="learning_rate_scheduler.md#learning_rate_scheduler.optimizer.needs-learning-rate",
    ),
    Clause(
        id="learning_rate_scheduler.optimizer.multi",
        callback="LearningRateScheduler",
        statement="With optimizer.optimizers, each sub-optimizer is scheduled from its own rate"
        " and logged at epoch end as learning_rate_<name>.",
        level="core",
        anchor="learning_rate_scheduler.md#learning_rate_scheduler.optimizer.multi",
    ),
    Clause(
        id="learning_rate_scheduler.logs.rate-read-back",
        callback="LearningRateScheduler",
        statement="At epoch end logs['learning_rate'] is overwritten with the rate read back"
        " from the optimizer; later callbacks and History see it.",
        level="core",
        anchor="learning_rate_scheduler.md#learning_rate_scheduler.logs.rate-read-back",
    ),
    Clause(
        id="learning_rate_scheduler.logs.empty-logs-dropped",
        callback="LearningRateScheduler",
        statement="With empty or None epoch-end logs the rate is written into a fresh dict that"
        " nobody sees.",
        level="keras-quirk",
        anchor="learning_rate_scheduler.md#learning_rate_scheduler.logs.empty-logs-dropped",
    ),
    Clause(
        id="learning_rate_scheduler.verbose.messages",
        callback="LearningRateScheduler",
        statement="With verbose > 0, each epoch begin prints 'Epoch N: LearningRateScheduler"
        " setting learning rate to <rate>.' (per sub-optimizer by name).",
        level="cosmetic",
        anchor="learning_rate_scheduler.md#learning_rate_scheduler.verbose.messages",
    ),
    # ---------------------------------------------------------------------------------------
    # ModelCheckpoint (docs/model_checkpoint.md); the monitor clauses above apply too.
    # ---------------------------------------------------------------------------------------
    Clause(
        id="model_checkpoint.init.save-freq",
        callback="ModelCheckpoint",
        statement="save_freq must be 'epoch' or an int (bools too; <= 0 saves every batch);"
        " anything else raises ValueError, before the extension check.",
        level="core",
        anchor="model_checkpoint.md#model_checkpoint.init.save-freq",
    ),
    Clause(
        id="model_checkpoint.init.extension",
        callback="ModelCheckpoint",
        statement="The unformatted filepath must end in .weights.h5 with save_weights_only,"
        " else in .keras or .h5; otherwise ValueError.",
        level="core",
        anchor="model_checkpoint.md#model_checkpoint.init.extension",
    ),
    Clause(
        id="model_checkpoint.init.extension-message-omits-h5",
        callback="ModelCheckpoint",
        statement="The full-model extension error names only .keras, although .h5 is accepted.",
        level="keras-quirk",
        anchor="model_checkpoint.md#model_checkpoint.init.extension-message-omits-h5",
    ),
    Clause(
        id="model_checkpoint.init.filepath-pathlike",
        callback="ModelCheckpoint",
        statement="An os.PathLike filepath becomes os.fspath(filepath); anything else is kept"
        " as given, so a non-str fails at the extension check.",
        level="core",
        anchor="model_checkpoint.md#model_checkpoint.init.filepath-pathlike",
    ),
    Clause(
        id="model_checkpoint.epoch.current",
        callback="ModelCheckpoint",
        statement="on_epoch_begin records the epoch batch-level saves report; a train batch end"
        " before any on_epoch_begin raises AttributeError.",
        level="core",
        anchor="model_checkpoint.md#model_checkpoint.epoch.current",
    ),
    Clause(
        id="model_checkpoint.monitor.resolved-at-epoch-end",
        callback="ModelCheckpoint",
        statement="The monitor direction is resolved at the first on_epoch_end even without"
        " save_best_only, so an unresolvable auto mode raises there.",
        level="keras-quirk",
        anchor="model_checkpoint.md#model_checkpoint.monitor.resolved-at-epoch-end",
    ),
    Clause(
        id="model_checkpoint.save-freq.counts-batches",
        callback="ModelCheckpoint",
        statement="Train batch ends count executions by their end index (one not above the"
        " last starts anew); reaching save_freq resets the count and saves.",
        level="core",
        anchor="model_checkpoint.md#model_checkpoint.save-freq.counts-batches",
    ),
    Clause(
        id="model_checkpoint.save-freq.carries-over",
        callback="ModelCheckpoint",
        statement="The batch count, best and the monitor direction carry over across epochs"
        " and fit calls: nothing is reset at train begin.",
        level="keras-quirk",
        anchor="model_checkpoint.md#model_checkpoint.save-freq.carries-over",
    ),
    Clause(
        id="model_checkpoint.save-freq.unclipped-end-step",
        callback="ModelCheckpoint",
        statement="With steps_per_execution N a final partial execution still counts N, and"
        " {batch} can name a batch the epoch does not have.",
        level="keras-quirk",
        anchor="model_checkpoint.md#model_checkpoint.save-freq.unclipped-end-step",
    ),
    Clause(
        id="model_checkpoint.save-freq.best-only-crash",
        callback="ModelCheckpoint",
        statement="An int save_freq with save_best_only and the monitor in the batch logs"
        " raises TypeError at a batch-level save before the first epoch end.",
        level="keras-quirk",
        anchor="model_checkpoint.md#model_checkpoint.save-freq.best-only-crash",
    ),
    Clause(
        id="model_checkpoint.best-only.improvement",
        callback="ModelCheckpoint",
        statement="With save_best_only a scalar monitored value is saved only if it improves"
        " strictly on best (the monitor rule), and then becomes best.",
        level="core",
        anchor="model_checkpoint.md#model_checkpoint.best-only.improvement",
    ),
    Clause(
        id="model_checkpoint.best-only.first-value-wins",
        callback="ModelCheckpoint",
        statement="Without initial_value_threshold the first value is saved whatever it is,"
        " NaN included, and nothing improves on a NaN best.",
        level="keras-quirk",
        anchor="model_checkpoint.md#model_checkpoint.best-only.first-value-wins",
    ),
    Clause(
        id="model_checkpoint.best-only.missing-saves",
        callback="ModelCheckpoint",
        statement="With save_best_only a missing (or None) monitored value warns and saves anyway.",
        level="keras-quirk",
        anchor="model_checkpoint.md#model_checkpoint.best-only.missing-saves",
    ),
    Clause(
        id="model_checkpoint.best-only.non-scalar-saves",
        callback="ModelCheckpoint",
        statement="With save_best_only a non-scalar monitored value warns and saves anyway,"
        " leaving best unchanged.",
        level="keras-quirk",
        anchor="model_checkpoint.md#model_checkpoint.best-only.non-scalar-saves",
    ),
    Clause(
        id="model_checkpoint.best-only.best-str-eager",
        callback="ModelCheckpoint",
        statement="best is formatted with .5f at every monitored save decision, even with"
        " verbose=0, so a non-numeric best raises ValueError.",
        level="keras-quirk",
        anchor="model_checkpoint.md#model_checkpoint.best-only.best-str-eager",
    ),
    Clause(
        id="model_checkpoint.path.format",
        callback="ModelCheckpoint",
        statement="The path is filepath.format(epoch=epoch + 1, batch=end index + 1, **logs),"
        " formatted before deciding whether to save.",
        level="core",
        anchor="model_checkpoint.md#model_checkpoint.path.format",
    ),
    Clause(
        id="model_checkpoint.path.logs-batch-wins",
        callback="ModelCheckpoint",
        statement="A 'batch' log key fills {batch} instead of the batch number; an 'epoch' log"
        " key raises TypeError.",
        level="keras-quirk",
        anchor="model_checkpoint.md#model_checkpoint.path.logs-batch-wins",
    ),
    Clause(
        id="model_checkpoint.path.key-error-reworded",
        callback="ModelCheckpoint",
        statement="An unknown placeholder raises a reworded KeyError naming the template (text"
        " cosmetic); other format errors pass through unchanged.",
        level="core",
        anchor="model_checkpoint.md#model_checkpoint.path.key-error-reworded",
    ),
    Clause(
        id="model_checkpoint.path.none-logs",
        callback="ModelCheckpoint",
        statement="logs=None raises TypeError while formatting the path, at epoch and at batch"
        " level.",
        level="keras-quirk",
        anchor="model_checkpoint.md#model_checkpoint.path.none-logs",
    ),
    Clause(
        id="model_checkpoint.save.write",
        callback="ModelCheckpoint",
        statement="A save calls model.save_weights(path, overwrite=True) with"
        " save_weights_only, else model.save(path, overwrite=True).",
        level="core",
        anchor="model_checkpoint.md#model_checkpoint.save.write",
    ),
    Clause(
        id="model_checkpoint.save.makedirs",
        callback="ModelCheckpoint",
        statement="The formatted path's directory is created, with parents, only when a save"
        " actually happens.",
        level="core",
        anchor="model_checkpoint.md#model_checkpoint.save.makedirs",
    ),
    Clause(
        id="model_checkpoint.save.directory-error",
        callback="ModelCheckpoint",
        statement="An IsADirectoryError while saving becomes an OSError asking for a"
        " non-directory filepath (text cosmetic); other OSErrors are re-raised.",
        level="core",
        anchor="model_checkpoint.md#model_checkpoint.save.directory-error",
    ),
    Clause(
        id="model_checkpoint.save.io-error-stray-f",
        callback="ModelCheckpoint",
        statement="An OSError saying 'is a directory' becomes the directory message with a"
        " stray f before the path.",
        level="keras-quirk",
        anchor="model_checkpoint.md#model_checkpoint.save.io-error-stray-f",
    ),
    Clause(
        id="model_checkpoint.save.io-error-no-args",
        callback="ModelCheckpoint",
        statement="An OSError raised with no arguments makes the handler itself raise IndexError.",
        level="keras-quirk",
        anchor="model_checkpoint.md#model_checkpoint.save.io-error-no-args",
    ),
    Clause(
        id="model_checkpoint.verbose.lines",
        callback="ModelCheckpoint",
        statement="With verbose > 0, each save decision prints an 'Epoch E: ...' line (saving,"
        " improved, did not improve, finished saving) to stdout.",
        level="cosmetic",
        anchor="model_checkpoint.md#model_checkpoint.verbose.lines",
    ),
    # ---------------------------------------------------------------------------------------
    # TensorBoard (docs/tensorboard.md): **Quirk** marks give keras-quirk, the rest is core.
    # ---------------------------------------------------------------------------------------
    Clause(
        id="tensorboard.constructor.signature",
        callback="TensorBoard",
        statement="TensorBoard takes Keras's nine parameters with their defaults and no"
        " **kwargs; log_dir is str()-ed.",
        level="core",
        anchor="tensorboard.md#tensorboard.constructor.signature",
    ),
    Clause(
        id="tensorboard.update-freq.batch-is-one",
        callback="TensorBoard",
        statement="update_freq 'batch' means 1; any value but 'epoch' keeps a stack of"
        " default-writer and record_if(step % update_freq == 0) contexts.",
        level="core",
        anchor="tensorboard.md#tensorboard.update-freq.batch-is-one",
    ),
    Clause(
        id="tensorboard.update-freq.unvalidated",
        callback="TensorBoard",
        statement="update_freq is not validated: 0 or a non-numeric string fails at the first"
        " write under the stack, not in the constructor.",
        level="keras-quirk",
        anchor="tensorboard.md#tensorboard.update-freq.unvalidated",
    ),
    Clause(
        id="tensorboard.update-freq.gates-epoch-writes",
        callback="TensorBoard",
        statement="With an int update_freq N > 1 the record_if gate also drops epoch, histogram,"
        " image and evaluation writes whose step count is not a multiple of N.",
        level="keras-quirk",
        anchor="tensorboard.md#tensorboard.update-freq.gates-epoch-writes",
    ),
    Clause(
        id="tensorboard.profile-batch.parsing",
        callback="TensorBoard",
        statement="profile_batch is a comma string, an int or a (start, stop) pair with"
        " 0 <= start <= stop; anything else, or truthy off jax/TF, raises ValueError.",
        level="core",
        anchor="tensorboard.md#tensorboard.profile-batch.parsing",
    ),
    Clause(
        id="tensorboard.profile-batch.single-string-rejected",
        callback="TensorBoard",
        statement="The documented single-number string profile_batch ('5') is rejected with"
        " ValueError wherever it is parsed.",
        level="keras-quirk",
        anchor="tensorboard.md#tensorboard.profile-batch.single-string-rejected",
    ),
    Clause(
        id="tensorboard.profile-batch.jax-discards-before-validating",
        callback="TensorBoard",
        statement="On jax with Python < 3.12 a truthy profile_batch only warns and becomes 0"
        " before parsing; falsy values are still parsed.",
        level="keras-quirk",
        anchor="tensorboard.md#tensorboard.profile-batch.jax-discards-before-validating",
    ),
    Clause(
        id="tensorboard.writers.created-at-begin",
        callback="TensorBoard",
        statement="on_train_begin creates train/'s events file and on_test_begin validation/'s,"
        " even with update_freq='epoch'; set_model train/'s with write_graph.",
        level="keras-quirk",
        anchor="tensorboard.md#tensorboard.writers.created-at-begin",
    ),
    Clause(
        id="tensorboard.writers.dropped-unclosed",
        callback="TensorBoard",
        statement="Every set_model starts new writers (new events files) and drops the old ones"
        " without closing them.",
        level="keras-quirk",
        anchor="tensorboard.md#tensorboard.writers.dropped-unclosed",
    ),
    Clause(
        id="tensorboard.writers.closed-at-train-end",
        callback="TensorBoard",
        statement="on_train_end closes the writers but keeps them: a later hook without a new"
        " set_model raises RuntimeError.",
        level="core",
        anchor="tensorboard.md#tensorboard.writers.closed-at-train-end",
    ),
    Clause(
        id="tensorboard.model-summary.functional-or-sequential",
        callback="TensorBoard",
        statement="With write_graph, set_model writes model.to_json() under tag 'keras' at step"
        " 0, only for a Functional or Sequential model.",
        level="core",
        anchor="tensorboard.md#tensorboard.model-summary.functional-or-sequential",
    ),
    Clause(
        id="tensorboard.embeddings.projector-config",
        callback="TensorBoard",
        statement="With embeddings_freq, set_model writes projector_config.pbtxt for top-level"
        " Embedding layers, and epochs e % embeddings_freq == 0 save the weights.",
        level="core",
        anchor="tensorboard.md#tensorboard.embeddings.projector-config",
    ),
    Clause(
        id="tensorboard.embeddings.same-tensor-name",
        callback="TensorBoard",
        statement="Every projector entry gets the same tensor_name, that of layer_with_weights-0.",
        level="keras-quirk",
        anchor="tensorboard.md#tensorboard.embeddings.same-tensor-name",
    ),
    Clause(
        id="tensorboard.embeddings.metadata-dict-consumed",
        callback="TensorBoard",
        statement="A dict embeddings_metadata is emptied by pop, so the next set_model writes no"
        " metadata.",
        level="keras-quirk",
        anchor="tensorboard.md#tensorboard.embeddings.metadata-dict-consumed",
    ),
    Clause(
        id="tensorboard.embeddings.needs-existing-log-dir",
        callback="TensorBoard",
        statement="The projector config is written with a plain open: with write_graph=False"
        " and no log_dir yet, set_model raises FileNotFoundError.",
        level="keras-quirk",
        anchor="tensorboard.md#tensorboard.embeddings.needs-existing-log-dir",
    ),
    Clause(
        id="tensorboard.steps.test-batch-never-reset",
        callback="TensorBoard",
        statement="The test batch count starts at 0 in the constructor and is never reset; the"
        " train count is reset at on_train_begin.",
        level="keras-quirk",
        anchor="tensorboard.md#tensorboard.steps.test-batch-never-reset",
    ),
    Clause(
        id="tensorboard.writers.default-step",
        callback="TensorBoard",
        statement="Out of scope: under the writer stack, a summary written without a step (by"
        " the model, another callback) gets the current batch count; TensorFlow's contract.",
        level="out-of-scope",
        anchor="tensorboard.md#tensorboard.writers.default-step",
    ),
    Clause(
        id="tensorboard.batch.scalars",
        callback="TensorBoard",
        statement="Each train batch end writes batch_<key> (and batch_steps_per_second if asked)"
        " to train/ at the train count; nothing with update_freq='epoch'.",
        level="core",
        anchor="tensorboard.md#tensorboard.batch.scalars",
    ),
    Clause(
        id="tensorboard.batch.steps-count-executions",
        callback="TensorBoard",
        statement="The batch step is the 1-based count of on_train_batch_begin calls since"
        " on_train_begin: executions, not batches.",
        level="core",
        anchor="tensorboard.md#tensorboard.batch.steps-count-executions",
    ),
    Clause(
        id="tensorboard.evaluation.vs-iterations",
        callback="TensorBoard",
        statement="on_test_end writes evaluation_<key>_vs_iterations to validation/ at step"
        " optimizer.iterations, if the model has such an optimizer.",
        level="core",
        anchor="tensorboard.md#tensorboard.evaluation.vs-iterations",
    ),
    Clause(
        id="tensorboard.epoch.scalars",
        callback="TensorBoard",
        statement="Epoch end writes val_ keys to validation/epoch_<key without val_> and the"
        " others to train/epoch_<key>, at step epoch.",
        level="core",
        anchor="tensorboard.md#tensorboard.epoch.scalars",
    ),
    Clause(
        id="tensorboard.steps-per-second.epoch-rate",
        callback="TensorBoard",
        statement="epoch_steps_per_second (write_steps_per_second) is the iterations the"
        " epoch advanced over its seconds: positive when the epoch ran a step.",
        level="core",
        anchor="tensorboard.md#tensorboard.steps-per-second.epoch-rate",
    ),
    Clause(
        id="tensorboard.epoch.learning-rate",
        callback="TensorBoard",
        statement="Epoch end also writes learning_rate for a Keras Optimizer (inner_optimizer"
        " unwrapped), or learning_rate_<name> per sub-optimizer.",
        level="core",
        anchor="tensorboard.md#tensorboard.epoch.learning-rate",
    ),
    Clause(
        id="tensorboard.epoch.empty-logs-write-nothing",
        callback="TensorBoard",
        statement="Empty epoch logs write nothing, not even the learning rate or steps per second.",
        level="keras-quirk",
        anchor="tensorboard.md#tensorboard.epoch.empty-logs-write-nothing",
    ),
    Clause(
        id="tensorboard.weights.histograms-and-images",
        callback="TensorBoard",
        statement="At epochs e % histogram_freq == 0 each layer weight gets a histogram, and"
        " with write_images an image if its reshaped form has 1, 3 or 4 channels.",
        level="core",
        anchor="tensorboard.md#tensorboard.weights.histograms-and-images",
    ),
    Clause(
        id="tensorboard.weights.images-need-histograms",
        callback="TensorBoard",
        statement="write_images does nothing unless histogram_freq > 0.",
        level="keras-quirk",
        anchor="tensorboard.md#tensorboard.weights.images-need-histograms",
    ),
    # ---------------------------------------------------------------------------------------
    # The fit protocol every callback sees (shared/keras-3.15.1-callback-semantics.md
    # §1.2-§2), on docs/fit.md. All core.
    # ---------------------------------------------------------------------------------------
    Clause(
        id="fit.callbacks.history-after-user",
        callback="fit",
        statement="fit appends a new History (then ProgbarLogger if verbose) after the user's"
        " callbacks, unless one was passed in.",
        level="core",
        anchor="fit.md#fit.callbacks.history-after-user",
    ),
    Clause(
        id="fit.logs.shared-per-dispatch",
        callback="fit",
        statement="Each hook dispatch rebuilds logs once and passes that same dict to every"
        " callback in order: additions reach later callbacks, not the caller.",
        level="core",
        anchor="fit.md#fit.logs.shared-per-dispatch",
    ),
    Clause(
        id="fit.logs.sorted-keys",
        callback="fit",
        statement="Callbacks receive logs with their keys in sorted order.",
        level="core",
        anchor="fit.md#fit.logs.sorted-keys",
    ),
    Clause(
        id="fit.logs.nested-dicts-flattened",
        callback="fit",
        statement="A dict-valued log entry is flattened into the top level without prefix;"
        " later keys overwrite earlier ones.",
        level="core",
        anchor="fit.md#fit.logs.nested-dicts-flattened",
    ),
    Clause(
        id="fit.logs.scalars-are-floats",
        callback="fit",
        statement="Every log value float() accepts (ints, bools, numpy scalars, tensors, numeric"
        " strings) arrives as a Python float; others are kept as they are.",
        level="core",
        anchor="fit.md#fit.logs.scalars-are-floats",
    ),
    Clause(
        id="fit.callbacks.set-model-then-params",
        callback="fit",
        statement="Every fit calls set_model, then set_params, once on each callback before"
        " on_train_begin; validation does not call them again.",
        level="core",
        anchor="fit.md#fit.callbacks.set-model-then-params",
    ),
    Clause(
        id="fit.hooks.order",
        callback="fit",
        statement="on_train_begin; per epoch on_epoch_begin, batch begin/end per execution,"
        " validation's test hooks, on_epoch_end; then on_train_end.",
        level="core",
        anchor="fit.md#fit.hooks.order",
    ),
    Clause(
        id="fit.hooks.absolute-epoch",
        callback="fit",
        statement="Epochs run from initial_epoch to epochs - 1, and epoch hooks get the absolute"
        " 0-based index.",
        level="core",
        anchor="fit.md#fit.hooks.absolute-epoch",
    ),
    Clause(
        id="fit.stop-training.read-after-batch-and-epoch-end",
        callback="fit",
        statement="model.stop_training is read only after each on_train_batch_end and after"
        " each on_epoch_end.",
        level="core",
        anchor="fit.md#fit.stop-training.read-after-batch-and-epoch-end",
    ),
    Clause(
        id="fit.stop-training.epoch-completes",
        callback="fit",
        statement="A stop set during batches skips the epoch's remaining batches, but"
        " validation and on_epoch_end still run for that epoch.",
        level="core",
        anchor="fit.md#fit.stop-training.epoch-completes",
    ),
    Clause(
        id="fit.steps-per-execution.batch-indices",
        callback="fit",
        statement="With steps_per_execution N, batch begin gets k*N and batch end k*N + N - 1,"
        " unclipped even for a final partial execution.",
        level="core",
        anchor="fit.md#fit.steps-per-execution.batch-indices",
    ),
    Clause(
        id="fit.validation.cadence",
        callback="fit",
        statement="Validation runs after epoch e when validation_freq is an int dividing e + 1"
        " or a list holding e + 1; only then do val_ keys appear.",
        level="core",
        anchor="fit.md#fit.validation.cadence",
    ),
    Clause(
        id="fit.validation.evaluate-hooks",
        callback="fit",
        statement="Validation is evaluate on the same callbacks: test hooks with training's index"
        " rule, on_test_end with unprefixed final metrics.",
        level="core",
        anchor="fit.md#fit.validation.evaluate-hooks",
    ),
    Clause(
        id="fit.logs.running-metrics",
        callback="fit",
        statement="Batch ends get the metrics accumulated since the epoch (or evaluation) began;"
        " epoch ends get those after the last batch run.",
        level="core",
        anchor="fit.md#fit.logs.running-metrics",
    ),
    Clause(
        id="fit.train-end.last-epoch-logs",
        callback="fit",
        statement="on_train_end gets fit's own last epoch logs, without keys added by callbacks"
        " (no learning_rate), or {} if no epoch ran.",
        level="core",
        anchor="fit.md#fit.train-end.last-epoch-logs",
    ),
    Clause(
        id="fit.exceptions.skip-train-end",
        callback="fit",
        statement="An exception raised by a callback propagates out of fit, and on_train_end"
        " is not called.",
        level="core",
        anchor="fit.md#fit.exceptions.skip-train-end",
    ),
    Clause(
        id="fit.dispatch.async-batch-end",
        callback="fit",
        statement="Out of scope: batch ends dispatched on a worker thread when no callback"
        " overrides them; invisible to the callbacks that would see it.",
        level="out-of-scope",
        anchor="fit.md#fit.dispatch.async-batch-end",
    ),
    Clause(
        id="fit.data.unsized-final-batch-begin",
        callback="fit",
        statement="Out of scope: on data of unknown length the last on_train_batch_begin has no"
        " batch end; the suite's runs have a known length.",
        level="out-of-scope",
        anchor="fit.md#fit.data.unsized-final-batch-begin",
    ),
    Clause(
        id="fit.params.when-no-epoch-runs",
        callback="fit",
        statement="Out of scope: with initial_epoch >= epochs, params hold fit's epochs argument"
        " and the data's batch count; no callback reads them.",
        level="out-of-scope",
        anchor="fit.md#fit.params.when-no-epoch-runs",
    ),
)

CALLBACKS: tuple[Callback, ...] = get_args(Callback)
"""Every value `Clause.callback` takes, in registry order."""

# The callbacks whose clauses include the shared monitor rule.
_USES_MONITOR = frozenset({"EarlyStopping", "ModelCheckpoint"})


def _index(clauses: tuple[Clause, ...]) -> dict[str, Clause]:
    by_id: dict[str, Clause] = {}
    for entry in clauses:
        if entry.id in by_id:
            raise ValueError(f"clause id {entry.id!r} is registered twice")
        by_id[entry.id] = entry
    return by_id


_BY_ID = _index(CLAUSES)


def clause(id: str) -> Clause:
    """The clause registered as `id`; KeyError naming the id if there is none."""
    try:
        return _BY_ID[id]
    except KeyError:
        raise KeyError(
            f"unknown clause id {id!r} (not in conformance.clauses.CLAUSES; "
            f"try conformance.clauses.matching({id!r}))"
        ) from None


def clauses_of(callback: str) -> tuple[Clause, ...]:
    """The clauses governing `callback`, in registry order.

    `"EarlyStopping"` and `"ModelCheckpoint"` include the shared `"monitor"` clauses.
    KeyError for a name not in CALLBACKS.
    """
    if callback not in CALLBACKS:
        raise KeyError(f"unknown callback {callback!r}; expected one of {', '.join(CALLBACKS)}")
    owners = {callback, "monitor"} if callback in _USES_MONITOR else {callback}
    return tuple(entry for entry in CLAUSES if entry.callback in owners)


def matching(pattern: str) -> tuple[Clause, ...]:
    """The clauses whose id matches `pattern`, in registry order.

    `pattern` is an fnmatch glob over the whole id (`early_stopping.patience.*`), or a
    plain substring of it (`patience`), as pytest's `-k` takes one. Ids are lower case,
    so the match ignores case.
    """
    wanted = pattern.lower()
    return tuple(entry for entry in CLAUSES if wanted in entry.id or fnmatchcase(entry.id, wanted))
