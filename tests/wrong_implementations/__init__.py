"""A catalogue of wrong implementations of Keras 3.15.1's four callbacks.

Each module is a conformance target: it exposes `EarlyStopping`, `LearningRateScheduler`,
`ModelCheckpoint` and `TensorBoard` with Keras's signatures, all the reference's except
one, which carries exactly one bug that real projects shipped. The module's docstring
says the bug; its `CAUGHT_BY = (callback class name, (clause id, ...))` names the
callback and the clauses (headings of `docs/*.md`) a correct suite should flag.
"""

ALL: tuple[str, ...] = (
    "tests.wrong_implementations.es_baseline_as_initial_best",
    "tests.wrong_implementations.es_best_kept_across_fits",
    "tests.wrong_implementations.es_min_delta_non_strict",
    "tests.wrong_implementations.es_min_delta_signed",
    "tests.wrong_implementations.es_nan_skipped",
    "tests.wrong_implementations.es_patience_counted_after_test",
    "tests.wrong_implementations.es_restore_only_after_own_stop",
    "tests.wrong_implementations.lrs_epoch_relative_to_fit",
    "tests.wrong_implementations.lrs_integers_accepted",
    "tests.wrong_implementations.lrs_one_based_epoch",
    "tests.wrong_implementations.lrs_rate_not_logged",
    "tests.wrong_implementations.lrs_schedule_one_epoch_late",
    "tests.wrong_implementations.lrs_two_argument_schedule_only",
    "tests.wrong_implementations.mc_batch_counter_reset_per_epoch",
    "tests.wrong_implementations.mc_best_reset_per_fit",
    "tests.wrong_implementations.mc_initial_value_threshold_ignored",
    "tests.wrong_implementations.mc_missing_monitor_skips_save",
    "tests.wrong_implementations.mc_save_weights_instead_of_save",
    "tests.wrong_implementations.mc_saves_on_ties",
    "tests.wrong_implementations.mc_zero_based_epoch_in_path",
    "tests.wrong_implementations.tb_batch_step_reset_per_epoch",
    "tests.wrong_implementations.tb_epoch_step_one_based",
    "tests.wrong_implementations.tb_histograms_without_histogram_freq",
    "tests.wrong_implementations.tb_learning_rate_not_logged",
    "tests.wrong_implementations.tb_test_batch_reset_per_evaluation",
    "tests.wrong_implementations.tb_validation_metrics_in_train_run",
)
