"""Targets: the implementations the suite checks, named by a string.

* `reference`: this project's executable specification.
* `keras`: the installed Keras 3, under whatever `KERAS_BACKEND` says.
* `tf_keras`: the installed tf-keras (Keras 2), driven with a simulated model that has
  what a Keras 2 model has (`adapt_for_tf_keras`).
* `pkg.mod` or `pkg.mod:obj`: any importable module (or object in one) exposing
  `EarlyStopping`, `LearningRateScheduler`, `ModelCheckpoint` and `TensorBoard`.

A target that cannot be used is a TargetError of one line: an import that fails says
where (the file and line, in the target's own code) and holds the Python traceback; a
file path is refused with the module name to give instead; an unknown name close to a
named target or to a module in the user's working directory gets "did you mean".

The named ones are a registry (`NAMED_TARGETS`), each registered with `named` where it is
defined; any other spec is a module's.

A target may define, on the module or object, the optional hooks
`conformance_adapt_model(model) -> model` (adapt the simulated model it is driven
with, or return a facade of it: `conformance.harness.observe.FACADE_ATTRIBUTE`),
`conformance_precision` (`"float32-ftz"`, `"float32"` or `"float64"`: how it compares
monitored values), `conformance_cleanup(callback)` (restore process-wide state
a callback may leave behind when it raises), `conformance_warm_up(callback_name)` (run
once per callback class before its first scenario, outside the per-scenario time limit:
imports, compilation), `conformance_version` (else `__version__` is used),
`conformance_unsupported` (the configurations it cannot express: `conformance.unsupported`)
and `conformance_not_run` (`{callback: reason}`: callbacks it has, or could have, that are
not to be run, each reported not-run with its reason).

A module of subclasses of Keras's callbacks (or tf-keras's) declares it in one line,
`conformance_like = "keras"` (or `"tf_keras"`): it is then driven as that named target is,
with its model adapter, cleanup, warm-up, backend and precision, unless the module
defines its own.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.util
import os
import pkgutil
import sys
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import ModuleType
from typing import Any, Protocol

from conformance import PRECISIONS
from conformance.adapters.keras import (
    adapt_for_keras,
    adapt_for_tf_keras,
    import_tensorflow_for_tensorboard,
    keras_precision,
    leave_tensorflow_summary_contexts,
    quiet_tensorflow_logs,
)
from conformance.harness.observe import ModelAdapter
from conformance.unsupported import Declarations, UnsupportedError, declarations

CALLBACKS = ("EarlyStopping", "LearningRateScheduler", "ModelCheckpoint", "TensorBoard")
# The short names `--callbacks` takes beside the full ones.
CALLBACK_ABBREVIATIONS = {
    "ES": "EarlyStopping",
    "LRS": "LearningRateScheduler",
    "MC": "ModelCheckpoint",
    "TB": "TensorBoard",
}
# The Keras backends a module target may declare (`conformance_backend`): the tensors it
# is given ("a tensor" returned by a schedule) are then that backend's own.
BACKENDS = ("jax", "tensorflow", "torch", "numpy")


class TargetError(Exception):
    """A target that cannot be used; the message is one line for the command line, and
    `traceback` the Python traceback of the failure behind it, if any (an import's)."""

    def __init__(self, message: str, traceback: str | None = None) -> None:
        super().__init__(message)
        self.traceback = traceback


@dataclass(frozen=True)
class Target:
    """What the user asked for: a target's configuration, as it resolved. What a run
    of it holds (where its code runs, its shared observations, the scopes of its
    declared divergences) is the run's: `conformance.running.RunningTarget`."""

    spec: str
    module: str
    classes: Mapping[str, type | None]
    version: str | None = None
    backend: str | None = None
    precision: str = "float32-ftz"
    adapt: ModelAdapter | None = None
    cleanup: Callable[[Any], None] | None = None  # after each run of a callback
    not_run: Mapping[str, str] = field(default_factory=dict)  # callback -> why it is not run
    warm_up: Callable[[str], None] | None = None  # once per callback, before the time limit
    # what it cannot express: scenarios that need it are left out (conformance.unsupported)
    unsupported: Declarations = field(default_factory=Declarations)
    # the callbacks it has: those of `classes` unless given (a target in a worker process)
    present: frozenset[str] | None = None

    def __post_init__(self) -> None:
        if self.present is None:
            present = frozenset(name for name, cls in self.classes.items() if cls is not None)
            object.__setattr__(self, "present", present)

    def has(self, callback: str) -> bool:
        """Whether the target has `callback` to run."""
        assert self.present is not None
        return callback in self.present

    def describe(self) -> dict[str, Any]:
        return {
            "spec": self.spec,
            "module": self.module,
            "version": self.version,
            "backend": self.backend,
            "precision": self.precision,
            "unsupported": self.unsupported.describe(),
        }


@dataclass(frozen=True)
class TargetOptions:
    """What the command line says over a target's own declarations: how it compares
    monitored values (`--precision`, else its `conformance_precision`) and which of its
    callbacks are checked (`--callbacks`, else all it has)."""

    precision: str | None = None
    callbacks: frozenset[str] | None = None

    def apply(self, target: Target) -> Target:
        """`target` as these options make it: a callback left out is not-run, saying so."""
        changes: dict[str, Any] = {}
        if self.precision is not None:
            changes["precision"] = self.precision
        if self.callbacks is not None:
            assert target.present is not None
            left_out = target.present - self.callbacks
            reason = "not selected (--callbacks)"
            changes["present"] = target.present & self.callbacks
            changes["not_run"] = {**target.not_run, **dict.fromkeys(left_out, reason)}
        return replace(target, **changes)


def callback_names(text: str) -> frozenset[str]:
    """The callbacks a comma-separated `text` names, in full or abbreviated (`ES,MC`);
    ValueError naming what is not a callback."""
    names = [part.strip() for part in text.split(",")]
    chosen = set()
    for name in names:
        full = CALLBACK_ABBREVIATIONS.get(name.upper(), name)
        if full not in CALLBACKS:
            choices = ", ".join([*CALLBACKS, *CALLBACK_ABBREVIATIONS])
            raise ValueError(f"{name!r} is not a callback: expected some of {choices}")
        chosen.add(full)
    return frozenset(chosen)


class NamedTarget(Protocol):
    """Resolves a target known by name (`reference`, `keras`...); TargetError with a
    one-line reason if it cannot be used."""

    def __call__(self) -> Target: ...


# name -> how it resolves; filled by `named` where each is defined, below
NAMED_TARGETS: dict[str, NamedTarget] = {}


def named(name: str) -> Callable[[NamedTarget], NamedTarget]:
    """Register the decorated function as the target named `name`."""

    def register(resolver: NamedTarget) -> NamedTarget:
        NAMED_TARGETS[name] = resolver
        return resolver

    return register


def resolve(spec: str, here: str | None = None) -> Target:
    """The target named `spec`: a named one, else a module (or an object in one);
    TargetError with a one-line reason. `here` is the user's working directory (default:
    this process's): where a file path is found and a misspelt name looked for, and the
    files an import error names relative to."""
    resolver = NAMED_TARGETS.get(spec)
    return _module_target(spec, here or os.getcwd()) if resolver is None else resolver()


def _import(name: str, spec: str, here: str | None = None) -> ModuleType:
    """The module `name`, imported for the target `spec`. TargetError: for a module that
    is not there, naming it (and, given the user's working directory `here`, the close
    name it may have meant); for one that fails, where it failed (its file relative to
    `here`), with the traceback."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name and name.startswith(error.name):
            guess = "" if here is None else _did_you_mean(spec, error.name, here)
            raise TargetError(
                f"unknown target {spec!r}: no module named {error.name!r}{guess}"
            ) from None
        failure: BaseException = error
    except BaseException as error:  # a module raising anything at import is a bad target
        failure = error
    raise TargetError(
        f"target {spec!r} cannot be imported: {_failure(failure, name, here or os.getcwd())}",
        traceback=_traceback(failure),
    )


def _failure(error: BaseException, name: str, here: str) -> str:
    """`error` in one line, with the file and line where it happened: a syntax error's
    own, else the innermost frame of the code of `name`'s top-level package."""
    if isinstance(error, SyntaxError):
        text, file, line = error.msg, error.filename, error.lineno
    else:
        text, file, line = str(error), None, None
        top = name.partition(".")[0]
        for frame, line_number in traceback.walk_tb(error.__traceback__):
            if str(frame.f_globals.get("__name__")).partition(".")[0] == top:
                file, line = frame.f_code.co_filename, line_number
    described = f"{type(error).__name__}: {text}" if text else type(error).__name__
    if file is None:
        return described
    where = _shown(file, here) if line is None else f"{_shown(file, here)}, line {line}"
    return f"{described} ({where})"


def _traceback(error: BaseException) -> str:
    """The Python traceback of `error`, without the import machinery's frames nor this
    module's (as Python shows an `import` statement's)."""
    shown = traceback.TracebackException.from_exception(error)
    chain = [shown]
    while chain:
        exception = chain.pop()
        exception.stack = traceback.StackSummary.from_list(
            [frame for frame in exception.stack if not _machinery(frame.filename)]
        )
        chain += filter(None, (exception.__cause__, exception.__context__))
    return "".join(shown.format())


def _machinery(file: str) -> bool:
    return file.startswith("<frozen importlib.") or file in (importlib.__file__, __file__)


def _shown(path: str, here: str) -> str:
    """`path` as the user reads it: relative to their working directory `here` if in
    it, else whole."""
    relative = os.path.relpath(path, here)
    return path if relative.startswith(os.pardir) else relative


def _did_you_mean(spec: str, missing: str, here: str) -> str:
    """'; did you mean ...?' (`spec` with `missing`, the name not found at its start,
    replaced by a close one), if a named target or a module in `here` (for a submodule,
    one in its package, imported) has a name close to `missing`; else ''."""
    package, _, _ = missing.rpartition(".")
    if package:
        path = getattr(sys.modules.get(package), "__path__", None)
        found = [] if path is None else pkgutil.iter_modules(path, f"{package}.")
        names = [module.name for module in found]
    else:
        names = [*NAMED_TARGETS, *(module.name for module in pkgutil.iter_modules([here]))]
    close = difflib.get_close_matches(missing, names, n=1)
    return f"; did you mean {close[0] + spec[len(missing) :]!r}?" if close else ""


def _file_path(module_name: str, attribute: str, here: str) -> str:
    """What to give instead of the file path `module_name` (`:attribute` kept): the
    module's dotted name, from the directory above its outermost package, and that
    directory to run from if it is not importable already."""
    directory, file = os.path.split(os.path.normpath(os.path.join(here, module_name)))
    parts = [] if file == "__init__.py" else [file.removesuffix(".py")]
    while os.path.isfile(os.path.join(directory, "__init__.py")):
        directory, package = os.path.split(directory)
        parts.insert(0, package)
    name = ".".join(parts) + (f":{attribute}" if attribute else "")
    if directory == here or directory in sys.path:
        return f"give the module name, not a file path: {name!r}"
    where = _shown(directory, here)
    return f"give the module name, not a file path: run from {where}/ with {name!r}"


def _classes(holder: Any) -> tuple[dict[str, type | None], dict[str, str]]:
    classes = {name: getattr(holder, name, None) for name in CALLBACKS}
    not_run = {name: "class absent from the target" for name, cls in classes.items() if cls is None}
    for name, cls in classes.items():
        if cls is not None and not callable(cls):
            classes[name] = None
            not_run[name] = f"{name} is not a class or callable"
    return classes, not_run


@named("reference")
def _reference_target() -> Target:
    import reference
    from conformance import __version__

    classes, not_run = _classes(reference)
    return Target("reference", "reference", classes, version=__version__, not_run=not_run)


@named("keras")
def _keras_target() -> Target:
    os.environ.setdefault("KERAS_BACKEND", "jax")
    quiet_tensorflow_logs()
    keras = _import("keras", "keras")
    backend = keras.backend.backend()
    classes, not_run = _classes(keras.callbacks)
    if (
        importlib.util.find_spec("tensorflow") is None
        or importlib.util.find_spec("tensorboard") is None
    ):
        classes["TensorBoard"] = None
        not_run["TensorBoard"] = "Keras's TensorBoard needs TensorFlow and tensorboard installed"
    precision = keras_precision(backend)
    return Target(
        "keras",
        "keras.callbacks",
        classes,
        version=keras.__version__,
        backend=backend,
        precision=precision,
        adapt=adapt_for_keras,
        cleanup=leave_tensorflow_summary_contexts,
        not_run=not_run,
        warm_up=import_tensorflow_for_tensorboard,
    )


@named("tf_keras")
def _tf_keras_target() -> Target:
    quiet_tensorflow_logs()
    tf_keras = _import("tf_keras", "tf_keras")
    classes, not_run = _classes(tf_keras.callbacks)
    return Target(
        "tf_keras",
        "tf_keras.callbacks",
        classes,
        version=tf_keras.__version__,
        backend="tensorflow",
        precision="float64",
        adapt=adapt_for_tf_keras,
        cleanup=leave_tensorflow_summary_contexts,
        not_run=not_run,
    )


def _module_target(spec: str, here: str) -> Target:
    module_name, _, attribute = spec.partition(":")
    if module_name.endswith(".py") or "/" in module_name or os.sep in module_name:
        raise TargetError(f"target {spec!r}: {_file_path(module_name, attribute, here)}")
    if not module_name or not all(part.isidentifier() for part in module_name.split(".")):
        raise TargetError(
            f"unknown target {spec!r}: expected {', '.join(NAMED_TARGETS)}, module or"
            f" module:object{_did_you_mean(spec, module_name, here)}"
        )
    holder: Any = _import(module_name, spec, here)
    for name in filter(None, attribute.split(".")):
        if not hasattr(holder, name):
            raise TargetError(f"target {spec!r}: module {module_name!r} has no attribute {name!r}")
        holder = getattr(holder, name)
    classes, not_run = _classes(holder)
    for name, reason in _not_run(spec, getattr(holder, "conformance_not_run", None)).items():
        classes[name], not_run[name] = None, reason
    if len(not_run) == len(CALLBACKS):
        raise TargetError(f"target {spec!r} exposes none of {', '.join(CALLBACKS)}")
    like = _like(spec, getattr(holder, "conformance_like", None))
    precision = getattr(holder, "conformance_precision", like.precision)
    cleanup = getattr(holder, "conformance_cleanup", like.cleanup)
    if precision not in PRECISIONS:
        raise TargetError(
            f"target {spec!r}: conformance_precision must be one of {PRECISIONS}, got {precision!r}"
        )
    backend = getattr(holder, "conformance_backend", like.backend)
    if backend not in (None, *BACKENDS):
        raise TargetError(
            f"target {spec!r}: conformance_backend must be one of {BACKENDS}, got {backend!r}"
        )
    version = getattr(holder, "conformance_version", None) or getattr(holder, "__version__", None)
    try:
        unsupported = declarations(getattr(holder, "conformance_unsupported", None), spec)
    except UnsupportedError as error:
        raise TargetError(str(error)) from None
    return Target(
        spec,
        module_name,
        classes,
        version=None if version is None else str(version),
        backend=backend,
        precision=precision,
        adapt=getattr(holder, "conformance_adapt_model", like.adapt),
        cleanup=cleanup,
        not_run=not_run,
        warm_up=getattr(holder, "conformance_warm_up", like.warm_up),
        unsupported=unsupported,
    )


def _not_run(spec: str, declared: object) -> dict[str, str]:
    """A module's `conformance_not_run`, checked: callbacks to reasons."""
    if declared is None:
        return {}
    if not isinstance(declared, Mapping) or not all(
        name in CALLBACKS and isinstance(reason, str) for name, reason in declared.items()
    ):
        raise TargetError(
            f"target {spec!r}: conformance_not_run must map some of {', '.join(CALLBACKS)}"
            f" to reasons, got {declared!r}"
        )
    return dict(declared)


def _like(spec: str, like: object) -> Target:
    """The named target whose hooks a module declaring `conformance_like` takes as its own
    defaults; without the declaration, a target with none."""
    if like is None:
        return Target(spec, spec, {})
    if not isinstance(like, str) or like not in NAMED_TARGETS or like == "reference":
        known = ", ".join(repr(name) for name in NAMED_TARGETS if name != "reference")
        raise TargetError(f"target {spec!r}: conformance_like must be one of {known}, got {like!r}")
    return NAMED_TARGETS[like]()
