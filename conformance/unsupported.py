"""What a target cannot express, declared: scenarios that need it are not run on it.

A port may lack a parameter Keras has (`baseline`), or refuse one of its values (an
EarlyStopping that accepts only `mode="min"` and `"max"`). Run as is, every scenario that
needs the missing part fails with one construction error, and so would every clause of
the callback. A target declares instead, on its module or object::

    from conformance.unsupported import Unsupported

    conformance_unsupported = [
        Unsupported("EarlyStopping", "mode", supported=("min", "max"),
                    reason="modes are min and max only"),
        Unsupported("ModelCheckpoint", "save_freq", values=(0,), reason="a period of 0"),
        Unsupported("EarlyStopping", "baseline", reason="no baseline parameter"),
        Unsupported("ModelCheckpoint", when=lambda scenario: len(scenario.fits) > 1,
                    reason="one fit per instance"),
    ]

A declaration *covers* a scenario of its callback when:

* `parameter` and `values`: the scenario's value of the parameter is one of `values`
  (a scenario that does not pass the parameter has Keras's default: `mode` omitted is
  `"auto"`);
* `parameter` and `supported`: the scenario's value of the parameter (Keras's default if
  not passed) is none of `supported`;
* `parameter` alone: the scenario passes the parameter with a value other than Keras's
  default. Where it passes Keras's default, the argument is not given to the target,
  which cannot take it (the two mean the same to Keras);
* `when`: the predicate, over the `Scenario` (`conformance.harness.observe`), holds.
  With `parameter` too, both must hold.

A covered scenario is left out: run on neither side, judged by no clause, and Hypothesis
draws another in its place. A clause whose regime's drawn scenarios were all left out is
`unsupported` (not a failure); one only partly covered is judged on the rest, and the
report says how many were left out (docs/verdicts.md).

While a target's scenarios are drawn, the strategies draw a declared parameter three
times in four from the values the target supports only (`steered`: declarations without
`when`), so that a target which refuses most of a parameter's values is not left with a
handful of scenarios once the rest are rejected; the fourth time from all of them, so
that the clauses that need a refused value are still found unsupported.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import math
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from hypothesis import strategies as st

from conformance.harness.observe import Scenario

CALLBACKS = ("EarlyStopping", "LearningRateScheduler", "ModelCheckpoint", "TensorBoard")


class UnsupportedError(ValueError):
    """A declaration that cannot be used; the message names the field and the value."""


@functools.cache
def keras_defaults(callback: str) -> dict[str, Any]:
    """Keras's default value of each constructor parameter of `callback` (the
    reference's signature, which models Keras's)."""
    import reference

    signature = inspect.signature(getattr(reference, callback).__init__)
    return {
        name: parameter.default
        for name, parameter in signature.parameters.items()
        if parameter.default is not inspect.Parameter.empty
    }


def _same(value: Any, other: Any) -> bool:
    """Equal, NaN equal to NaN, and a bool never equal to a number (`True != 1` here:
    `save_freq=True` is not `save_freq=1` to a port that checks types)."""
    if isinstance(value, bool) or isinstance(other, bool):
        return type(value) is type(other) and value == other
    if isinstance(value, float) and isinstance(other, float):
        return value == other or (math.isnan(value) and math.isnan(other))
    try:
        return bool(value == other)
    except Exception:  # an array, a schedule: never one of the declared values
        return False


def passes(
    scenario: Scenario,
    parameter: str,
    values: tuple[Any, ...] | None = None,
    supported: tuple[Any, ...] | None = None,
) -> bool:
    """Whether `scenario` gives its callback's `parameter` one of `values`, or a value
    not `supported`, or (with neither) a value other than Keras's default (a parameter
    not passed has Keras's default)."""
    default = keras_defaults(scenario.callback)[parameter]
    if values is None and supported is None and parameter not in scenario.config:
        return False
    return _refused(scenario.config.get(parameter, default), default, values, supported)


def _refused(
    value: Any, default: Any, values: tuple[Any, ...] | None, supported: tuple[Any, ...] | None
) -> bool:
    """Whether a passed `value` is one of `values`, not `supported`, or (with neither)
    other than `default`."""
    if values is not None:
        return any(_same(value, declared) for declared in values)
    if supported is not None:
        return not any(_same(value, allowed) for allowed in supported)
    return not _same(value, default)


@dataclass(frozen=True)
class Unsupported:
    """One configuration a target cannot express (module docstring)."""

    callback: str
    parameter: str | None = None
    values: tuple[Any, ...] | None = None
    supported: tuple[Any, ...] | None = None
    when: Callable[[Scenario], bool] | None = None
    reason: str = ""

    def __post_init__(self) -> None:
        if self.callback not in CALLBACKS:
            raise UnsupportedError(
                f"Unsupported: callback must be one of {', '.join(CALLBACKS)},"
                f" got {self.callback!r}"
            )
        if self.parameter is None and self.when is None:
            raise UnsupportedError(
                f"Unsupported({self.callback!r}): give a parameter, a when predicate, or both"
            )
        if self.parameter is not None and self.parameter not in keras_defaults(self.callback):
            raise UnsupportedError(
                f"Unsupported({self.callback!r}): Keras's {self.callback} has no parameter"
                f" {self.parameter!r}"
            )
        if self.values is not None and self.supported is not None:
            raise UnsupportedError(
                f"Unsupported({self.callback!r}, {self.parameter!r}): give values or"
                " supported, not both"
            )
        for field_name in ("values", "supported"):
            given = getattr(self, field_name)
            if given is None:
                continue
            if self.parameter is None:
                raise UnsupportedError(
                    f"Unsupported({self.callback!r}): {field_name}={given!r} needs a parameter"
                )
            if isinstance(given, (str, bytes)) or not isinstance(given, Iterable):
                raise UnsupportedError(
                    f"Unsupported({self.callback!r}, {self.parameter!r}): {field_name} must be"
                    f" a tuple of values, got {given!r}"
                )
            object.__setattr__(self, field_name, tuple(given))
        if self.when is not None and not callable(self.when):
            raise UnsupportedError(
                f"Unsupported({self.callback!r}): when must be callable, got {self.when!r}"
            )

    def covers(self, scenario: Scenario) -> bool:
        if scenario.callback != self.callback:
            return False
        if self.parameter is not None and not passes(
            scenario, self.parameter, self.values, self.supported
        ):
            return False
        return self.when is None or bool(self.when(scenario))

    def describe(self) -> str:
        """The declaration in words (`EarlyStopping(mode='auto')`, `EarlyStopping(mode other
        than 'min', 'max')`, `EarlyStopping(baseline)`, `ModelCheckpoint when one_fit`),
        with its reason."""
        if self.parameter is None:
            what = self.callback
        elif self.values is not None:
            shown = " or ".join(f"{self.parameter}={value!r}" for value in self.values)
            what = f"{self.callback}({shown})"
        elif self.supported is not None:
            shown = ", ".join(map(repr, self.supported))
            what = f"{self.callback}({self.parameter} other than {shown})"
        else:
            what = f"{self.callback}({self.parameter})"
        if self.when is not None:
            what += f" when {getattr(self.when, '__name__', 'a predicate')}"
        return f"{what}: {self.reason}" if self.reason else what


@dataclass(frozen=True)
class Declarations:
    """A target's declarations, as the runner asks them."""

    declared: tuple[Unsupported, ...] = ()

    def covering(self, scenario: Scenario) -> Unsupported | None:
        """The first declaration that covers `scenario`, or None."""
        return next((d for d in self.declared if d.covers(scenario)), None)

    def for_target(self, scenario: Scenario) -> Scenario:
        """`scenario` as the target is given it: without the arguments of declared
        parameters that are passed at Keras's default."""
        absent = [
            d.parameter
            for d in self.declared
            if d.callback == scenario.callback
            and d.parameter is not None
            and d.values is None
            and d.supported is None
            and d.parameter in scenario.config
        ]
        if not absent:
            return scenario
        config = {name: value for name, value in scenario.config.items() if name not in absent}
        return replace(scenario, config=config)

    def describe(self) -> list[str]:
        return [declaration.describe() for declaration in self.declared]


def declarations(declared: Any, spec: str) -> Declarations:
    """A target's `conformance_unsupported`, checked: a list of `Unsupported`."""
    if declared is None:
        return Declarations()
    if not isinstance(declared, (list, tuple)) or not all(
        isinstance(item, Unsupported) for item in declared
    ):
        raise UnsupportedError(
            f"target {spec!r}: conformance_unsupported must be a list of"
            f" conformance.unsupported.Unsupported, got {declared!r}"[:300]
        )
    return Declarations(tuple(declared))


_steering: ContextVar[Declarations | None] = ContextVar("steering", default=None)
T = TypeVar("T")


@contextlib.contextmanager
def steering(target: Declarations) -> Iterator[None]:
    """Draw the scenarios inside for `target`: `steered` leaves out what it refuses."""
    token = _steering.set(target)
    try:
        yield
    finally:
        _steering.reset(token)


def steered(
    callback: str,
    parameter: str,
    strategy: st.SearchStrategy[T],
    drawn: dict[str, Any] | None = None,
) -> st.SearchStrategy[T]:
    """`strategy`, the values a scenario strategy draws for `callback`'s `parameter`,
    three times in four without those the target being drawn for refuses (`steering`,
    module docstring): whatever the rest of the scenario, or, given the arguments
    `drawn` so far, where a `when` holds on them alone (`when` sees a scenario with
    those arguments and no fit; one that cannot tell from them refuses nothing).
    Unchanged for a target that declares nothing on the parameter, so that Keras sees
    the same draws as before."""
    target = _steering.get()
    refusing = [
        declaration
        for declaration in (target.declared if target is not None else ())
        if declaration.callback == callback
        and declaration.parameter == parameter
        and (declaration.when is None or _holds_on(declaration, callback, drawn))
    ]
    if not refusing:
        return strategy
    if any(d.values is None and d.supported is None for d in refusing):
        supported: st.SearchStrategy[T] = st.just(keras_defaults(callback)[parameter])
    else:
        default = keras_defaults(callback)[parameter]
        supported = strategy.filter(
            lambda value: not any(_refused(value, default, d.values, d.supported) for d in refusing)
        )
    # (Not `st.one_of`, which Hypothesis does not weight by its branches; the unsteered
    # strategy not at an end, which Hypothesis draws more often.)
    return st.sampled_from([supported] * 2 + [strategy] + [supported]).flatmap(lambda s: s)


def _holds_on(declaration: Unsupported, callback: str, drawn: dict[str, Any] | None) -> bool:
    """Whether `declaration`'s `when` holds on the arguments `drawn` alone."""
    if drawn is None or declaration.when is None:
        return False
    try:
        return bool(declaration.when(Scenario(callback, dict(drawn))))
    except Exception:  # a predicate that needs the fits: it cannot tell yet
        return False
