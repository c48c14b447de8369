"""The catalogue of known wrong behaviours of Keras 3.15.1's four callbacks.

Each module is a conformance target: it exposes `EarlyStopping`, `LearningRateScheduler`,
`ModelCheckpoint` and `TensorBoard` with Keras's signatures, all the reference's except
one, which carries exactly one bug that real projects shipped, or one behaviour of another
Keras version or framework (tf.keras's auto mode, an infinite initial best). The
module's docstring says the bug, and where it was seen; its `CAUGHT_BY = (callback class
name, (clause id, ...))` names the callback and the clauses (headings of `docs/*.md`) a
correct suite should flag.

The suite uses it twice: its own tests check that every entry is caught by its own
clauses (`docs/kill_matrix.md`), and a failing clause's counterexample is replayed on
it to say which known behaviour a target's matches (`conformance.diagnosis`). Run one
as a target to see a failing report: `callback-conformance run
conformance.catalogue.es_min_delta_non_strict --profile quick`.
"""

ALL: tuple[str, ...] = (
    "conformance.catalogue.es_auto_mode_name_heuristic",
    "conformance.catalogue.es_baseline_as_initial_best",
    "conformance.catalogue.es_best_kept_across_fits",
    "conformance.catalogue.es_best_starts_at_infinity",
    "conformance.catalogue.es_direction_resolved_per_fit",
    "conformance.catalogue.es_min_delta_added_in_max_mode",
    "conformance.catalogue.es_min_delta_non_strict",
    "conformance.catalogue.es_min_delta_signed",
    "conformance.catalogue.es_nan_skipped",
    "conformance.catalogue.es_patience_counted_after_test",
    "conformance.catalogue.es_restore_only_after_own_stop",
    "conformance.catalogue.es_restores_initial_weights",
    "conformance.catalogue.es_start_from_epoch_off_by_one",
    "conformance.catalogue.es_verbose_zero_based_epoch",
    "conformance.catalogue.lrs_empty_logs_receive_rate",
    "conformance.catalogue.lrs_epoch_relative_to_fit",
    "conformance.catalogue.lrs_float16_accepted",
    "conformance.catalogue.lrs_integers_accepted",
    "conformance.catalogue.lrs_multi_optimizer_as_one",
    "conformance.catalogue.lrs_one_based_epoch",
    "conformance.catalogue.lrs_rate_not_logged",
    "conformance.catalogue.lrs_schedule_one_epoch_late",
    "conformance.catalogue.lrs_tensor_taken_as_float",
    "conformance.catalogue.lrs_two_argument_schedule_only",
    "conformance.catalogue.lrs_type_error_not_masked",
    "conformance.catalogue.lrs_verbose_zero_based_epoch",
    "conformance.catalogue.mc_auto_mode_keeps_val_prefix",
    "conformance.catalogue.mc_batch_counter_reset_per_epoch",
    "conformance.catalogue.mc_best_reset_per_fit",
    "conformance.catalogue.mc_best_starts_at_infinity",
    "conformance.catalogue.mc_counts_executions_not_batches",
    "conformance.catalogue.mc_initial_value_threshold_ignored",
    "conformance.catalogue.mc_key_error_not_reworded",
    "conformance.catalogue.mc_makedirs_before_deciding",
    "conformance.catalogue.mc_missing_monitor_skips_save",
    "conformance.catalogue.mc_monitor_resolved_only_for_best_only",
    "conformance.catalogue.mc_save_weights_instead_of_save",
    "conformance.catalogue.mc_saves_on_ties",
    "conformance.catalogue.mc_zero_based_batch_in_path",
    "conformance.catalogue.mc_zero_based_epoch_in_path",
    "conformance.catalogue.tb_batch_step_reset_per_epoch",
    "conformance.catalogue.tb_batch_step_zero_based",
    "conformance.catalogue.tb_empty_logs_write_learning_rate",
    "conformance.catalogue.tb_epoch_rate_from_variable",
    "conformance.catalogue.tb_epoch_step_one_based",
    "conformance.catalogue.tb_epoch_writes_not_gated",
    "conformance.catalogue.tb_evaluation_at_test_step",
    "conformance.catalogue.tb_histogram_freq_one_based",
    "conformance.catalogue.tb_histograms_without_histogram_freq",
    "conformance.catalogue.tb_learning_rate_for_any_optimizer",
    "conformance.catalogue.tb_learning_rate_not_logged",
    "conformance.catalogue.tb_model_summary_for_any_model",
    "conformance.catalogue.tb_test_batch_reset_per_evaluation",
    "conformance.catalogue.tb_test_batch_reset_per_fit",
    "conformance.catalogue.tb_update_freq_int_ignored",
    "conformance.catalogue.tb_validation_epoch_step_one_based",
    "conformance.catalogue.tb_validation_metrics_in_train_run",
)
