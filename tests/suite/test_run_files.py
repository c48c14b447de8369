"""What a run leaves in its run directory is read, never followed
(`conformance.harness.run_files`): a symbolic link to a file outside, a named pipe, are
reported as what they are and not opened; event files are read from their bytes exactly
as TensorBoard's own `EventFileLoader` reads them from their path."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from tensorboard.backend.event_processing.event_file_loader import EventFileLoader

from conformance.harness.events import events_in
from conformance.harness.fit import EpochPlan, FitPlan
from conformance.harness.observe import Observation, Scenario, observe, read_outputs, run_in
from conformance.harness.run_files import read_tree
from reference import TensorBoard


def workspace(tmp_path: Path) -> Path:
    for name in ("run", "cwd", "tmp"):
        (tmp_path / "workspace" / name).mkdir(parents=True)
    return tmp_path / "workspace"


def test_a_link_to_a_file_outside_is_reported_not_followed(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the user's secret")
    run = workspace(tmp_path)
    (run / "run" / "checkpoint.h5").symlink_to(secret)
    (run / "run" / "sub").mkdir()
    (run / "run" / "elsewhere").symlink_to(tmp_path, target_is_directory=True)
    observation = Observation()
    read_outputs(observation, str(run))
    assert observation.files == {
        "checkpoint.h5": "<not read: a symbolic link>",
        "elsewhere": "<not read: a symbolic link>",
        "sub/": "dir",
    }
    assert "secret" not in repr(observation)


def test_a_named_pipe_is_reported_and_does_not_block(tmp_path):
    run = workspace(tmp_path)
    os.mkfifo(run / "run" / "model.keras")
    observation = Observation()
    reader = threading.Thread(target=read_outputs, args=(observation, str(run)), daemon=True)
    reader.start()
    reader.join(60)  # a hang guard, not a timing: an open() of the pipe blocks for ever
    assert not reader.is_alive(), "reading the run directory blocked on the named pipe"
    assert observation.files == {"model.keras": "<not read: a named pipe>"}


def test_event_files_read_from_their_bytes_as_tensorboard_reads_them(tmp_path):
    scenario = Scenario(
        "TensorBoard",
        {"log_dir": "logs", "update_freq": "batch", "histogram_freq": 1},
        fits=[FitPlan([EpochPlan({"loss": 1.0}, validation={"loss": 2.0})] * 2)],
    )
    # Written by the reference's TensorBoard into a run directory kept for reading.
    run = workspace(tmp_path)
    run_in(str(run), TensorBoard, scenario)
    tree = read_tree(str(run / "run"))
    event_files = [path for path in tree.regular if "tfevents" in path]
    assert len(event_files) >= 2
    for path in event_files:
        ours = [event.SerializeToString() for event in events_in(tree.regular[path])]
        theirs = [
            event.SerializeToString() for event in EventFileLoader(str(run / "run" / path)).Load()
        ]
        assert ours == theirs and len(ours) > 1
    assert observe(TensorBoard, scenario).summaries  # and the observation reads them
