"""Every wrong implementation in `conformance.catalogue` really is wrong.

For each module, one hand-written scenario runs through the conformance harness on the
module's broken class and on the reference's class, and the two observations must
differ. The catalogue's shape is checked too: four classes, all
the reference's but the one `CAUGHT_BY` names, Keras's constructor signatures, and
clause ids that are headings of `docs/*.md`.
"""

from __future__ import annotations

import importlib
import inspect
import math
import pkgutil
import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import conformance.catalogue as catalogue
import reference
from conformance.harness import observe as harness
from conformance.harness.fit import EpochPlan, FitPlan
from conformance.harness.sim_model import ModelSpec as SimModelSpec
from conformance.strategies.schedules import ScheduleSpec

CALLBACKS = ("EarlyStopping", "LearningRateScheduler", "ModelCheckpoint", "TensorBoard")
DOCS = Path(__file__).resolve().parents[2] / "docs"

# A run: (callback class) -> what a user could observe.
RunFn = Callable[[type], Any]


def _lr_per_epoch(epoch: int, lr: float) -> float:
    return 0.1 * (epoch + 1)


def _harness(
    callback: str,
    config: dict[str, Any],
    *fits: FitPlan,
    model: SimModelSpec | None = None,
    backend: str | None = None,
) -> RunFn:
    """A run through the conformance suite's simulated fit: what its observation holds
    (a schedule's "tensor" is `backend`'s own)."""
    spec = model or SimModelSpec(metrics=("accuracy", "mean_squared_error", "custom"))
    scenario = harness.Scenario(callback, config, spec, list(fits))

    def run(callback_class: type) -> Any:
        return harness.observe(callback_class, scenario, backend=backend)

    return run


def _plan(*epochs: EpochPlan | dict[str, Any], **options: Any) -> FitPlan:
    return FitPlan([e if isinstance(e, EpochPlan) else EpochPlan(e) for e in epochs], **options)


def _losses(*values: float) -> FitPlan:
    return _plan(*({"loss": value} for value in values))


def _es(config: dict[str, Any], *fits: FitPlan) -> RunFn:
    return _harness("EarlyStopping", config, *fits)


def _early_stopping(options: dict[str, Any], *fits: list[float]) -> RunFn:
    """Fits on one instance and one model, monitoring `loss` at every epoch end."""
    return _es({"monitor": "loss", **options}, *(_losses(*losses) for losses in fits))


def _scheduler(schedule: Callable[..., Any], initial_epoch: int = 0) -> RunFn:
    """Three epochs from `initial_epoch`, starting at rate 0.5."""
    fit = _plan(*[{"loss": 1.0}] * 3, initial_epoch=initial_epoch)
    return _harness("LearningRateScheduler", {"schedule": schedule}, fit, model=SimModelSpec())


def _lrs(config: dict[str, Any], *epochs: dict[str, Any], optimizer: str = "sgd") -> RunFn:
    model = SimModelSpec(optimizer=optimizer)
    return _harness("LearningRateScheduler", config, _plan(*epochs), model=model)


def _mc(config: dict[str, Any], *fits: FitPlan) -> RunFn:
    return _harness("ModelCheckpoint", config, *fits)


def _checkpoint(template: str, options: dict[str, Any], *fits: FitPlan) -> RunFn:
    return _mc({"filepath": template, **options}, *fits)


def _checkpoint_fit(*epoch_losses: float, initial_epoch: int = 0, steps: int = 1) -> FitPlan:
    epochs = [EpochPlan({"loss": loss}, batches=steps) for loss in epoch_losses]
    return FitPlan(epochs, initial_epoch=initial_epoch)


def _tb(config: dict[str, Any], *epochs: EpochPlan, model: SimModelSpec | None = None) -> RunFn:
    config = {"log_dir": "logs", **config}
    return _harness("TensorBoard", config, _plan(*epochs), model=model or SimModelSpec())


def _tb_epoch(batches: int, validation_batches: int | None = None) -> EpochPlan:
    """An epoch logging `loss`, validated over `validation_batches` if given."""
    validation = None if validation_batches is None else {"loss": 0.5}
    return EpochPlan({"loss": 1.0}, batches, validation, validation_batches or 1)


ONE_ARGUMENT = ScheduleSpec("one", 0.25)
BEST_ONLY = {"monitor": "loss", "save_best_only": True}

RUNS: dict[str, RunFn] = {
    # EarlyStopping: where it stops, which weights it restores.
    "es_patience_counted_after_test": _early_stopping({"patience": 1}, [3.0, 2.0, 2.5, 2.5, 2.5]),
    "es_min_delta_non_strict": _early_stopping({"patience": 1}, [1.0, 1.0, 1.0]),
    "es_min_delta_signed": _early_stopping({"patience": 1, "min_delta": -0.5}, [1.0, 1.25, 1.25]),
    "es_baseline_as_initial_best": _early_stopping(
        {"patience": 1, "baseline": 1.0}, [10.0, 9.0, 8.0]
    ),
    "es_restore_only_after_own_stop": _early_stopping(
        {"patience": 5, "restore_best_weights": True}, [1.0, 2.0]
    ),
    "es_best_kept_across_fits": _early_stopping({"patience": 1}, [1.0], [2.0, 1.5, 1.5]),
    "es_nan_skipped": _early_stopping({"patience": 1}, [math.nan, 1.0, 2.0]),
    # Keras stops at epoch 1 (the NaN best blocks 1.0); from +inf, 1.0 improves.
    "es_best_starts_at_infinity": _early_stopping({"patience": 1}, [math.nan, 1.0, 2.0]),
    "es_auto_mode_name_heuristic": _es({"monitor": "custom"}, _plan({"custom": 1.0})),
    "es_min_delta_added_in_max_mode": _es(
        {"monitor": "loss", "mode": "max", "min_delta": 0.5, "patience": 1}, _losses(1, 0.75, 0.75)
    ),
    "es_start_from_epoch_off_by_one": _es(
        {"monitor": "loss", "start_from_epoch": 1, "patience": 1}, _losses(1, 1, 2, 2)
    ),
    "es_restores_initial_weights": _es(
        {"monitor": "val_loss", "restore_best_weights": True}, _losses(1, 1)
    ),
    "es_verbose_zero_based_epoch": _es(
        {"monitor": "loss", "verbose": 1, "patience": 1}, _losses(1, 2)
    ),
    "es_direction_resolved_per_fit": _es(
        {"monitor": "loss", "mode": "min", "min_delta": 0.5, "patience": 1},
        _losses(1, 0.75, 0.75),
        _losses(1, 0.75, 0.75),
    ),
    # LearningRateScheduler: the rate of each epoch, the logs, the error.
    "lrs_schedule_one_epoch_late": _scheduler(_lr_per_epoch),
    "lrs_one_based_epoch": _scheduler(_lr_per_epoch),
    "lrs_epoch_relative_to_fit": _scheduler(_lr_per_epoch, initial_epoch=2),
    "lrs_integers_accepted": _scheduler(lambda epoch: 1),
    "lrs_rate_not_logged": _scheduler(lambda epoch, lr: lr / 2),
    "lrs_two_argument_schedule_only": _scheduler(lambda epoch: 0.25),
    "lrs_float16_accepted": _lrs(
        {"schedule": ScheduleSpec("one", 0.25, returns="np.float16")}, {"loss": 1.0}
    ),
    # The port runs on jax: its schedules' tensors are jax arrays.
    "lrs_tensor_taken_as_float": _harness(
        "LearningRateScheduler",
        {"schedule": ScheduleSpec("one", 0.25, returns="tensor")},
        _plan({"loss": 1.0}),
        model=SimModelSpec(),
        backend="jax",
    ),
    "lrs_type_error_not_masked": _lrs(
        {"schedule": ScheduleSpec("two-raising-type-error", 0.25)}, {"loss": 1.0}
    ),
    "lrs_empty_logs_receive_rate": _lrs({"schedule": ONE_ARGUMENT}, {}, {}),
    "lrs_multi_optimizer_as_one": _lrs(
        {"schedule": ONE_ARGUMENT}, {"loss": 1.0}, optimizer="multi"
    ),
    "lrs_verbose_zero_based_epoch": _lrs({"schedule": ONE_ARGUMENT, "verbose": 1}, {"loss": 1.0}),
    # ModelCheckpoint: the save calls, the files and the final best.
    "mc_zero_based_epoch_in_path": _checkpoint("m{epoch}.keras", {}, _checkpoint_fit(1.0)),
    "mc_missing_monitor_skips_save": _checkpoint(
        "m{epoch}.keras", {"monitor": "val_loss", "save_best_only": True}, _checkpoint_fit(1.0)
    ),
    "mc_batch_counter_reset_per_epoch": _checkpoint(
        "m{epoch}-{batch}.keras", {"save_freq": 3}, _checkpoint_fit(1.0, 1.0, steps=2)
    ),
    "mc_saves_on_ties": _checkpoint("m{epoch}.keras", BEST_ONLY, _checkpoint_fit(1.0, 1.0)),
    "mc_initial_value_threshold_ignored": _checkpoint(
        "m{epoch}.keras", {**BEST_ONLY, "initial_value_threshold": 0.5}, _checkpoint_fit(1.0)
    ),
    "mc_best_reset_per_fit": _checkpoint(
        "m{epoch}.keras",
        BEST_ONLY,
        _checkpoint_fit(0.5),
        _checkpoint_fit(1.0, initial_epoch=1),
    ),
    "mc_save_weights_instead_of_save": _checkpoint("m.keras", {}, _checkpoint_fit(1.0)),
    # 1 - 2**-30 ties 1.0 in float32; 0.0 ties the subnormal 1e-40 once flushed to zero.
    "mc_compares_in_float64": _checkpoint(
        "m{epoch}.keras", BEST_ONLY, _checkpoint_fit(1.0, 1 - 2**-30)
    ),
    "mc_compares_without_flushing_subnormals": _checkpoint(
        "m{epoch}.keras", BEST_ONLY, _checkpoint_fit(1e-40, 0.0)
    ),
    "mc_zero_based_batch_in_path": _mc(
        {"filepath": "m{epoch}-{batch}.keras", "monitor": "loss", "save_freq": 1},
        _plan(EpochPlan({"loss": 1.0}, batches=2)),
    ),
    "mc_auto_mode_keeps_val_prefix": _mc(
        {"filepath": "m.keras", "monitor": "val_accuracy"},
        _plan(EpochPlan({"loss": 1.0}, validation={"accuracy": 0.5})),
    ),
    "mc_monitor_resolved_only_for_best_only": _mc(
        {"filepath": "m.keras", "monitor": "custom"}, _plan({"custom": 1.0})
    ),
    "mc_makedirs_before_deciding": _mc(
        {"filepath": "run_{epoch}/m.keras", **BEST_ONLY}, _losses(1, 2)
    ),
    "mc_counts_executions_not_batches": _mc(
        {"filepath": "m{epoch}-{batch}.keras", "monitor": "loss", "save_freq": 2},
        _plan(EpochPlan({"loss": 1.0}, batches=4), steps_per_execution=2),
    ),
    "mc_best_starts_at_infinity": _mc(
        {"filepath": "m{epoch}.keras", **BEST_ONLY}, _losses(math.nan)
    ),
    "mc_key_error_not_reworded": _mc(
        {"filepath": "m{unknown}.keras", "monitor": "loss"}, _losses(1)
    ),
    # TensorBoard: the records in the event files.
    "tb_epoch_step_one_based": _tb({}, _tb_epoch(1)),
    "tb_batch_step_reset_per_epoch": _tb({"update_freq": "batch"}, _tb_epoch(2), _tb_epoch(2)),
    "tb_test_batch_reset_per_evaluation": _tb({"update_freq": 2}, _tb_epoch(2, 1), _tb_epoch(2, 1)),
    "tb_learning_rate_not_logged": _tb({}, _tb_epoch(1)),
    "tb_learning_rate_for_any_optimizer": _tb(
        {}, _tb_epoch(1), model=SimModelSpec(optimizer="multi")
    ),
    "tb_test_batch_reset_per_fit": _harness(
        "TensorBoard",
        {"log_dir": "logs", "update_freq": 2},
        _plan(EpochPlan({"loss": 1.0}, validation={"loss": 0.5})),
        _plan(EpochPlan({"loss": 1.0}, validation={"loss": 0.5})),
        model=SimModelSpec(),
    ),
    "tb_validation_metrics_in_train_run": _tb({}, _tb_epoch(1, 1)),
    "tb_histograms_without_histogram_freq": _tb({}, _tb_epoch(1)),
    "tb_validation_epoch_step_one_based": _tb(
        {}, EpochPlan({"loss": 1.0}, validation={"loss": 0.5})
    ),
    "tb_update_freq_int_ignored": _tb({"update_freq": 2}, EpochPlan({"loss": 1.0}, batches=3)),
    "tb_batch_step_zero_based": _tb({"update_freq": "batch"}, EpochPlan({"loss": 1.0}, batches=2)),
    "tb_histogram_freq_one_based": _tb({"histogram_freq": 2}, EpochPlan({"loss": 1.0})),
    "tb_epoch_rate_from_variable": _tb(
        {"write_steps_per_second": True}, EpochPlan({"loss": 1.0}, batches=2)
    ),
    "tb_evaluation_at_test_step": _tb(
        {}, EpochPlan({"loss": 1.0}, batches=2, validation={"loss": 0.5}, validation_batches=1)
    ),
    "tb_epoch_writes_not_gated": _tb({"update_freq": 2}, EpochPlan({"loss": 1.0})),
    "tb_model_summary_for_any_model": _tb(
        {}, EpochPlan({"loss": 1.0}), model=SimModelSpec(class_name="MySubclassedModel")
    ),
    "tb_empty_logs_write_learning_rate": _tb({}, EpochPlan({})),
}

PREFIX = "conformance.catalogue."


def _short(name: str) -> str:
    return name.removeprefix(PREFIX)


def _module(name: str) -> ModuleType:
    return importlib.import_module(name)


def _documented_clause_ids() -> set[str]:
    """The clause anchors of the docs pages: `## <id> {#<id>}` headings, `<a id="<id>">`
    tags, and plain `## <id>` headings."""
    anchor = re.compile(
        r"\{#([a-z0-9_.-]+)\}|<a id=\"([a-z0-9_.-]+)\">|^## ([a-z0-9_.-]+)\s*$", re.MULTILINE
    )
    return {
        next(group for group in match if group)
        for page in DOCS.glob("*.md")
        for match in anchor.findall(page.read_text())
    }


def test_all_lists_every_module_and_every_module_has_a_run() -> None:
    found = {info.name for info in pkgutil.iter_modules(catalogue.__path__)}
    assert sorted(map(_short, catalogue.ALL)) == sorted(found)
    assert set(RUNS) == found


def test_at_least_three_wrong_implementations_per_callback() -> None:
    broken = [_module(name).CAUGHT_BY[0] for name in catalogue.ALL]
    assert len(broken) >= 14
    assert {callback: broken.count(callback) >= 3 for callback in CALLBACKS} == dict.fromkeys(
        CALLBACKS, True
    )


@pytest.mark.parametrize("name", catalogue.ALL, ids=_short)
def test_exactly_one_callback_is_broken_and_caught_by_names_real_clauses(name: str) -> None:
    module = _module(name)
    assert module.__doc__ and module.__doc__.strip()
    callback, clause_ids = module.CAUGHT_BY
    assert callback in CALLBACKS
    for other in CALLBACKS:
        if other == callback:
            broken, correct = getattr(module, other), getattr(reference, other)
            assert broken is not correct and issubclass(broken, correct)
            # Keras's signature, so the engine can construct it like Keras's own class.
            assert inspect.signature(broken) == inspect.signature(correct)
        else:
            assert getattr(module, other) is getattr(reference, other)
    assert clause_ids and set(clause_ids) <= _documented_clause_ids()


@pytest.mark.parametrize("name", catalogue.ALL, ids=_short)
def test_wrong_implementation_differs_from_the_reference(name: str) -> None:
    module = _module(name)
    callback = module.CAUGHT_BY[0]
    run = RUNS[_short(name)]
    expected = run(getattr(reference, callback))
    actual = run(getattr(module, callback))
    # Compared as text: NaN logs would otherwise make equal observations unequal.
    assert repr(actual) != repr(expected), f"{name} behaves like the reference here"
