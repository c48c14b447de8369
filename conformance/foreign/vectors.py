"""Portable test vectors: EarlyStopping scenarios as conversations of the callback
protocol (`conformance.foreign`), with the reference's effects after each request, for an
implementation in any language to replay without this suite (as JSON-Schema-Test-Suite
does for validators).

A vector (`vectors.schema.json`) is one drawn scenario: its `construct` and `hook`
requests in the order the simulated fit makes them, each with the reply the reference
gives (`expected`), and the clauses whose regime the scenario is in (`clauses`). A
results file maps each vector's id to the replies an implementation gave, request by
request (`drivers/tfjs/driver.js --replay`); `judge` compares them, clause by clause.
Scenarios that need the model's weights (`restore_best_weights=True`) are not exported:
the protocol carries no weights.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from pydantic import ValidationError

from conformance.foreign.messages import Vector
from conformance.foreign.proxy import HOOKS
from conformance.harness.fit import FitRecord, simulate_fit
from conformance.harness.observe import IGNORED_WARNINGS, Scenario, constructor_arguments
from conformance.harness.sim_model import sim_model_class
from conformance.properties import PROPERTIES, regime_of
from conformance.strategies.early_stopping import scenarios as early_stopping_scenarios
from conformance.worker import codec

SCHEMA = "callback-conformance/vectors/1"
RESULTS_SCHEMA = "callback-conformance/vector-results/1"
CLAUSES = sorted(
    {clause for prop in PROPERTIES if prop.callback == "EarlyStopping" for clause in prop.clauses}
)


class VectorError(Exception):
    """Vectors or results that cannot be judged; the message is one line."""


class _Recorder:
    """Stands for the callback in the fit: each hook goes to the reference's callback,
    and is written down as the request a foreign process would get, with its reply."""

    def __init__(self, callback: Any, steps: list[dict[str, Any]]) -> None:
        self.callback, self.steps = callback, steps
        self.model: Any = None

    def set_model(self, model: Any) -> None:
        self.model = model
        self._hook("set_model", [])

    def set_params(self, params: dict[str, Any]) -> None:
        self._hook("set_params", [params])

    def _state(self) -> dict[str, Any]:
        state: dict[str, Any] = {"stop_training": bool(self.model.stop_training)}
        rate = getattr(getattr(self.model, "optimizer", None), "learning_rate", None)
        if rate is not None:
            state["learning_rate"] = float(rate)
        return state

    def _hook(self, name: str, args: list[Any]) -> None:
        request = {"protocol": 1, "op": "hook", "name": name, "args": args, "model": self._state()}
        request = json.loads(codec.dumps(request))  # the logs as sent, before the hook
        if name == "set_model":
            call = lambda: self.callback.set_model(self.model)  # noqa: E731
        else:
            call = lambda: getattr(self.callback, name)(*args)  # noqa: E731
        self.steps.append({"request": request, "expected": _effects(call, self._state)})
        if "error" in self.steps[-1]["expected"]:
            raise _Stopped


class _Stopped(Exception):
    """The reference raised: the vector ends there."""


def _effects(call: Any, state: Any = None) -> dict[str, Any]:
    """`call()`'s reply: its printed lines, warnings and model state, or its error."""
    out = io.StringIO()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out):
        warnings.simplefilter("always")
        try:
            call()
        except Exception as error:  # noqa: BLE001 (what the reference raises is expected)
            return {"protocol": 1, "error": {"type": type(error).__name__, "message": str(error)}}
    shown = [str(w.message) for w in caught if not issubclass(w.category, IGNORED_WARNINGS)]
    ok: dict[str, Any] = {"printed": out.getvalue().splitlines(), "warnings": shown}
    if state is not None:
        ok["model"] = state()
    return json.loads(codec.dumps({"protocol": 1, "ok": ok}))


def _hook_method(name: str) -> Any:
    def hook(self: _Recorder, *args: Any, logs: Any = None) -> None:
        self._hook(name, [*args, logs])

    return hook


for _name, _ in HOOKS:
    setattr(_Recorder, _name, _hook_method(_name))


def vector(scenario: Scenario, identifier: str) -> dict[str, Any]:
    """`scenario` as a vector (module docstring), run on the reference."""
    import reference

    arguments = constructor_arguments(scenario.config, "<run>")
    construct = {
        "protocol": 1,
        "op": "construct",
        "callback": scenario.callback,
        "arguments": json.loads(codec.dumps(arguments)),
    }
    made: list[Any] = []
    steps = [
        {
            "request": construct,
            "expected": _effects(lambda: made.append(reference.EarlyStopping(**arguments))),
        }
    ]
    if made:
        model = sim_model_class(scenario.model.class_name)(scenario.model)
        recorder = _Recorder(made[0], steps)
        with contextlib.suppress(_Stopped):
            for plan in scenario.fits:
                simulate_fit(recorder, model, plan, FitRecord())
    in_play = [
        clause for clause in CLAUSES if (regime := regime_of(clause)) is None or regime(scenario)
    ]
    return {
        "schema": SCHEMA,
        "id": identifier,
        "callback": scenario.callback,
        "clauses": in_play,
        "steps": steps,
    }


def draw_scenarios(count: int) -> list[Scenario]:
    """`count` EarlyStopping scenarios the protocol can carry, derandomized: the same
    ones every time."""
    drawn: list[Scenario] = []

    @settings(
        max_examples=count * 4,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(early_stopping_scenarios())
    def collect(scenario: Scenario) -> None:
        if len(drawn) < count and not scenario.config.get("restore_best_weights"):
            drawn.append(scenario)

    collect()
    return drawn


def export(directory: Path, count: int) -> list[Path]:
    """Write `count` vectors into `directory` (made if missing): their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for number, scenario in enumerate(draw_scenarios(count)):
        identifier = f"early_stopping-{number:04d}"
        path = directory / f"{identifier}.json"
        path.write_text(json.dumps(vector(scenario, identifier), indent=1) + "\n", encoding="utf-8")
        written.append(path)
    return written


@dataclass(frozen=True)
class Difference:
    """The first request of a vector whose reply differs from the reference's."""

    vector: str
    step: int
    request: str  # "construct", or the hook with its index: "on_epoch_end(2)"
    expected: Any
    found: Any


def _same(expected: Any, found: Any) -> bool:
    """Equal as protocol values: a number as a number (JS writes 1.0 as 1), NaN as NaN;
    an error by its type (messages are each language's own)."""
    if isinstance(expected, dict) and isinstance(found, dict):
        if "error" in expected or "error" in found:
            return (
                "error" in expected
                and "error" in found
                and expected["error"].get("type") == found["error"].get("type")
            )
        return expected.keys() == found.keys() and all(
            _same(expected[key], found[key]) for key in expected
        )
    if isinstance(expected, list) and isinstance(found, list):
        return len(expected) == len(found) and all(map(_same, expected, found))
    numbers = (int, float)
    if isinstance(expected, numbers) and isinstance(found, numbers):
        if isinstance(expected, bool) or isinstance(found, bool):
            return expected is found
        return float(expected) == float(found) or math.isnan(expected) and math.isnan(found)
    return bool(expected == found)


def _load(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise VectorError(f"{what} {str(path)!r} cannot be read: {error}") from None


def judge(vectors: Path, results: Path) -> dict[str, Difference | None]:
    """Clause -> the first difference of a vector it is in play in (None: every vector
    of its agrees with the reference), over the vectors in directory `vectors`."""
    if not vectors.is_dir():
        raise VectorError(f"VECTORS_DIR {str(vectors)!r} is not a directory")
    answers = _load(results, "RESULTS")
    if (
        not isinstance(answers, dict)
        or answers.get("schema") != RESULTS_SCHEMA
        or not isinstance(answers.get("results"), dict)
    ):
        raise VectorError(f"RESULTS {str(results)!r} is not a {RESULTS_SCHEMA} file")
    verdicts: dict[str, Difference | None] = {}
    files = sorted(vectors.glob("*.json"))
    if not files:
        raise VectorError(f"VECTORS_DIR {str(vectors)!r} holds no vector")
    for path in files:
        vector = _load(path, "vector")
        try:
            Vector.model_validate(vector)
        except ValidationError as error:
            reason = error.errors()[0]
            raise VectorError(f"vector {str(path)!r} is not valid: {reason['msg']}") from None
        replies = answers["results"].get(vector["id"])
        if not isinstance(replies, list):
            replies = []
        difference = _first_difference(vector, replies)
        for clause in vector["clauses"]:
            if verdicts.get(clause) is None:
                verdicts[clause] = difference
    return verdicts


def _first_difference(vector: dict[str, Any], replies: list[Any]) -> Difference | None:
    for number, step in enumerate(vector["steps"]):
        found = replies[number] if number < len(replies) else None
        expected = codec.decode(step["expected"])
        if found is None or not _same(expected, codec.decode(found)):
            request = step["request"]
            where = request.get("name", request["op"])
            args = request.get("args") or []
            if args and isinstance(args[0], int) and not isinstance(args[0], bool):
                where += f"({args[0]})"
            return Difference(vector["id"], number, where, step["expected"], found)
    return None
