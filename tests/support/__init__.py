"""Helpers shared by the tests, none a driver of its own: the implementations compared
(`implementations`) and the differential check (`differential`) run scenarios through
the conformance harness; `fidelity` records a real `keras.Model.fit` next to the
harness's simulated one."""
