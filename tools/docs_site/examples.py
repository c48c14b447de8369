"""The example run of every clause, written on its page, and the words it is written in.

A clause's example is a Python block right under its `<!-- example: <id> -->` marker on
its page (`docs/<page>.md`), so it reads on GitHub as the scenario it runs:

    <!-- example: early_stopping.patience.counts-before-test -->
    ```python
    Example(
        (es({"patience": 3}, fit("loss", [3.0, 2.0, 2.5, 2.5, 2.0, 1.0])),),
        columns=WAIT_BEST,
        expect=("| 4 | `2.0` | `3` | `2.0` | sets `stop_training` |",),
    )
    ```

The block is one expression, evaluated with this module's names (`es`, `lrs`, `mc`, `tb`,
`probe`, `fit`, `Example`, `ModelSpec`, `Shown`, `MISSING`, ...). The page commits the
run's table under the block (`tables`: `python -m tools.docs_site.tables --write`), and
the site shows that table in place of marker and block. `expect` holds what the docs say
the run shows: `tests/site/test_docs_examples.py` renders every example and requires it,
so a change of the reference that contradicts a page fails the tests, not only the build.
Out-of-scope clauses have no example (`prose_only`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from pathlib import PurePosixPath
from typing import Any

import numpy as np

import reference
from conformance.clauses import DOCS, PAGES, Clause
from conformance.harness.fit import EpochPlan, FitPlan
from conformance.harness.observe import Scenario
from conformance.harness.sim_model import Embedding, ModelSpec, Weight, save_raises
from tools.docs_site.example import Example, Probe

__all__ = [  # the words a page's example is written in, and the page reader
    "BEST_ONLY",
    "docstring_schedule",
    "EpochPlan",
    "es",
    "Example",
    "EXAMPLES",
    "EXAMPLE_BLOCK",
    "fit",
    "fit_of_epochs",
    "fit_of_logs",
    "FitPlan",
    "FLOAT_ONLY_SCHEDULES",
    "HALVE",
    "JAX_PROFILE_BATCHES",
    "lrs",
    "masked",
    "math",
    "mc",
    "MISSING",
    "ModelSpec",
    "NO_GRAPH",
    "np",
    "on_backend",
    "ON_SAVES",
    "page_examples",
    "PLUS_EPOCH",
    "Probe",
    "probe",
    "PROFILE_BATCHES",
    "prose_only",
    "PurePosixPath",
    "save_raises",
    "SAVES",
    "scenario",
    "Shown",
    "tb",
    "two_arguments_raising",
    "two_embeddings",
    "WAIT_BEST",
]

MISSING: Any = object()
"""A value in `fit(...)`: the key is absent from that epoch's logs."""


class Shown:
    """A schedule, or any callable argument, that shows as its source in the docs."""

    def __init__(self, text: str, function: Callable[..., Any]) -> None:
        self.text = text
        self.function = function

    def build(self, backend: str | None = None) -> Callable[..., Any]:  # called by the harness
        return self.function

    def __repr__(self) -> str:
        return self.text


def fit(
    key: str,
    values: Sequence[Any],
    *,
    initial_epoch: int = 0,
    batches: int = 1,
    steps_per_execution: int = 1,
    stop_at: int | None = None,
    extra: dict[str, Any] | None = None,
) -> FitPlan:
    """A fit whose epochs log `key` with `values` (`val_<m>` keys come from validation)."""
    epochs = []
    for value in values:
        metrics: dict[str, Any] = dict(extra or {})
        validation = None
        if key.startswith("val_"):
            metrics.setdefault("loss", 1.0)
            if value is not MISSING:
                validation = {key.removeprefix("val_"): value}
        elif value is not MISSING:
            metrics[key] = value
        epochs.append(EpochPlan(metrics, batches=batches, validation=validation))
    return FitPlan(epochs, initial_epoch, steps_per_execution, stop_at)


def scenario(
    callback: str, config: dict[str, Any], *fits: FitPlan, model: ModelSpec | None = None
) -> Scenario:
    return Scenario(callback, config, model or ModelSpec(), list(fits))


def es(config: dict[str, Any], *fits: FitPlan, model: ModelSpec | None = None) -> Scenario:
    return scenario("EarlyStopping", {"monitor": "loss", **config}, *fits, model=model)


WAIT_BEST = ("logs:loss", "state:wait", "state:best")

# --- the monitor rule ------------------------------------------------------------------------


# --- EarlyStopping ---------------------------------------------------------------------------


# --- LearningRateScheduler ------------------------------------------------------------------


def lrs(config: dict[str, Any], *fits: FitPlan, model: ModelSpec | None = None) -> Scenario:
    return scenario("LearningRateScheduler", config, *fits, model=model)


def masked(epoch: int, lr: float | None = None) -> float:
    if lr is not None:
        raise TypeError("raised inside the schedule")
    return 0.25


def two_arguments_raising(epoch: int, lr: float) -> float:
    raise TypeError("raised inside the schedule")


def docstring_schedule(epoch: int, lr: float) -> Any:
    if epoch < 10:
        return lr
    return np.asarray(lr * math.exp(-0.1))  # stands for `lr * ops.exp(-0.1)`, a tensor


FLOAT_ONLY_SCHEDULES: tuple[tuple[str, Callable[..., Any]], ...] = (
    ("lambda epoch, lr: 0.25", lambda e, lr: 0.25),
    ("lambda epoch, lr: np.float32(0.25)", lambda e, lr: np.float32(0.25)),
    ("lambda epoch, lr: np.float64(0.25)", lambda e, lr: np.float64(0.25)),
    ("lambda epoch, lr: 1", lambda e, lr: 1),
    ("lambda epoch, lr: True", lambda e, lr: True),
    ("lambda epoch, lr: np.float16(0.25)", lambda e, lr: np.float16(0.25)),
    ("lambda epoch, lr: np.array(0.25)", lambda e, lr: np.array(0.25)),
)
PLUS_EPOCH = Shown("lambda epoch, lr: lr + epoch", lambda epoch, lr: lr + epoch)
HALVE = Shown("lambda epoch, lr: lr / 2", lambda epoch, lr: lr / 2)
LOSS = {"loss": 1.0}


# --- ModelCheckpoint -------------------------------------------------------------------------


def mc(config: dict[str, Any], *fits: FitPlan, model: ModelSpec | None = None) -> Scenario:
    return scenario("ModelCheckpoint", config, *fits, model=model)


def fit_of_logs(*epochs: dict[str, Any], batches: int = 1) -> FitPlan:
    """A fit whose epochs log exactly these metrics."""
    return FitPlan([EpochPlan(dict(metrics), batches=batches) for metrics in epochs])


BEST_ONLY = {"filepath": "best.keras", "monitor": "val_loss", "save_best_only": True}
SAVES = ("state:best",)
ON_SAVES = ("on_epoch_end", "on_train_batch_end")


# --- TensorBoard -----------------------------------------------------------------------------


def tb(config: dict[str, Any], *fits: FitPlan, model: ModelSpec | None = None) -> Scenario:
    return scenario("TensorBoard", {"log_dir": "logs", **config}, *fits, model=model)


def on_backend(backend: str) -> type:
    """The reference TensorBoard modelling another Keras backend (`profile_batch`)."""
    return type("TensorBoard", (reference.TensorBoard,), {"backend": backend})


def two_embeddings(model: Any) -> Any:
    """A model adapter: a second top-level `Embedding` layer."""
    table = np.zeros((4, 2), dtype=np.float32)
    model.layers.insert(1, Embedding("embedding_2", [Weight("embedding_2/embeddings", table)]))
    return model


def fit_of_epochs(*metrics: dict[str, Any], batches: int = 1, validation: bool = False) -> FitPlan:
    return FitPlan(
        [
            EpochPlan(dict(m), batches=batches, validation={"loss": 0.25} if validation else None)
            for m in metrics
        ]
    )


NO_GRAPH = {"write_graph": False}
JAX_PROFILE_BATCHES: tuple[Any, ...] = ("5", -1, (5, 2), "a", None, "", [])
PROFILE_BATCHES = ("state:_start_batch", "state:_stop_batch")


# --- fit -------------------------------------------------------------------------------------


def probe(config: dict[str, Any], *fits: FitPlan) -> Scenario:
    return scenario("Probe", config, *fits)


# --- reading the pages -----------------------------------------------------------------------

EXAMPLE_BLOCK = re.compile(
    r"^<!-- example: (\S+) -->\n```python\n(.*?)\n```$", re.MULTILINE | re.DOTALL
)
"""A clause's example on its page: the marker, then the Python block (id, code)."""


def page_examples(page: str, markdown: str) -> dict[str, Example]:
    """The examples the page `page` (relative to docs/) writes: each `<!-- example: <id> -->`
    marker's Python block, evaluated with this module's names."""
    found: dict[str, Example] = {}
    for match in EXAMPLE_BLOCK.finditer(markdown):
        id_, code = match.groups()
        line = markdown.count("\n", 0, match.start(2)) + 1
        example = eval(compile(code, f"docs/{page}, line {line}", "eval"), globals())
        if not isinstance(example, Example):
            raise TypeError(f"the example of {id_} (docs/{page}, line {line}) is not an Example")
        found[id_] = example
    return found


def prose_only(entry: Clause) -> bool:
    """An out-of-scope clause has no example run: its entry explains it in prose (the
    suite does not model it, so there is nothing to run)."""
    return entry.level == "out-of-scope"


EXAMPLES: dict[str, Example] = {
    id_: example
    for page in PAGES
    for id_, example in page_examples(
        f"{page}.md", (DOCS / f"{page}.md").read_text(encoding="utf-8")
    ).items()
}
"""Every clause's example, as its page writes it."""
