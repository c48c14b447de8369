"""Portable test vectors: `export-vectors` writes EarlyStopping scenarios as protocol
conversations valid under their schema; the TF.js driver replays them (`--replay`);
`judge` passes the reference's own replies, and fails a tampered reply and TF.js's,
naming the clause and the first request that differs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conformance.foreign.messages import VECTORS_SCHEMA_FILE, Vector, vectors_schema_text
from tests.foreign.conversations import ROOT, TFJS, needs_tfjs


def cli(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "conformance", *arguments],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


@pytest.fixture(scope="module")
def vectors(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("vectors")
    result = cli("export-vectors", str(directory), "--count", "6")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"6 vectors written to {directory}"
    return directory


def results_of(vectors: Path, tamper: bool = False) -> dict[str, Any]:
    """The replies the reference gave, as a results file (one flipped stop flag if
    `tamper`: the last hook reply that carries the model)."""
    results: dict[str, Any] = {}
    for path in sorted(vectors.glob("*.json")):
        vector = json.loads(path.read_text())
        results[vector["id"]] = [step["expected"] for step in vector["steps"]]
    if tamper:
        replies = results["early_stopping-0000"]
        last = max(i for i, reply in enumerate(replies) if "model" in (reply.get("ok") or {}))
        model = replies[last]["ok"]["model"]
        model["stop_training"] = not model["stop_training"]
    return {"schema": "callback-conformance/vector-results/1", "results": results}


def test_the_shipped_schema_is_the_types() -> None:
    assert VECTORS_SCHEMA_FILE.read_text(encoding="utf-8") == vectors_schema_text()


def test_exported_vectors_are_valid_and_tagged_with_clauses(vectors: Path) -> None:
    for path in sorted(vectors.glob("*.json")):
        vector = Vector.model_validate_json(path.read_text())
        assert "early_stopping.patience.counts-before-test" in vector.clauses  # general
        assert vector.steps[0].request.op == "construct"


def test_the_references_replies_pass_and_a_tampered_one_fails(
    vectors: Path, tmp_path: Path
) -> None:
    own = tmp_path / "own.json"
    own.write_text(json.dumps(results_of(vectors)))
    result = cli("judge", str(vectors), str(own))
    assert result.returncode == 0, result.stdout + result.stderr
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(results_of(vectors, tamper=True)))
    result = cli("judge", str(vectors), str(tampered))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "FAIL  early_stopping.patience.counts-before-test: early_stopping-0000, request" in (
        result.stdout
    )


@needs_tfjs
def test_tfjs_replays_the_vectors_and_its_divergences_show(vectors: Path, tmp_path: Path) -> None:
    out = tmp_path / "tfjs.json"
    files = [str(path) for path in sorted(vectors.glob("*.json"))]
    subprocess.run(["node", str(TFJS / "driver.js"), "--replay", str(out), *files], check=True)
    result = cli("judge", str(vectors), str(out))
    assert result.returncode == 1, result.stdout
    assert "FAIL  " in result.stdout and " differ" in result.stdout.splitlines()[-1]


def test_a_missing_vectors_directory_is_a_one_line_error(tmp_path: Path) -> None:
    result = cli("judge", str(tmp_path / "none"), str(tmp_path / "results.json"))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"callback-conformance: error: VECTORS_DIR {str(tmp_path / 'none')!r} is not a directory"
    )


@needs_tfjs
def test_the_guides_vector_commands_run_as_shown(tmp_path: Path) -> None:
    """The three commands of the guide's section 9, from a directory holding `drivers/`:
    exported, replayed by TF.js, judged (exit 1: TF.js diverges)."""
    guide = (ROOT / "docs" / "guide-check-your-implementation.md").read_text(encoding="utf-8")
    section = guide.split("## 9. An implementation in another")[1]
    block = section.split("callback-conformance export-vectors", 1)[1].split("```", 1)[0]
    commands = ("callback-conformance export-vectors" + block).strip().splitlines()
    assert [line.split()[0] for line in commands] == [
        "callback-conformance",
        "node",
        "callback-conformance",
    ]
    (tmp_path / "drivers").symlink_to(ROOT / "drivers")
    python = f"{sys.executable} -m conformance"
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    statuses = []
    for command in commands:
        ran = subprocess.run(
            command.replace("callback-conformance", python),
            shell=True,
            cwd=tmp_path,
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert "Traceback" not in ran.stderr, ran.stderr
        statuses.append(ran.returncode)
    assert statuses == [0, 0, 1]
    assert len(list((tmp_path / "vectors").glob("*.json"))) == 20
