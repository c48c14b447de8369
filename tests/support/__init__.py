"""Helpers shared by the tests: the implementations compared and the differential check,
which run scenarios through the conformance harness (`implementations`, `differential`);
the record of a real fit (`fidelity`); TensorBoard's duck-typed model and session driver
(`tensorboard_model`, `tensorboard_runs`), not yet moved onto the harness."""
