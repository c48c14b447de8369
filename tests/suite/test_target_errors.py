"""A target that cannot be used, as a user meets it (issue 20): one line, exit 2, saying
where an import failed (the Python traceback with `--traceback`), what to give instead of
a file path, and which name a misspelt one may have meant."""

from __future__ import annotations

import os

import pytest

from tests.suite.test_conformance_cli import ROOT, cli

PREFIX = "callback-conformance: error: "
A_COUNTEREXAMPLE = os.path.join(
    ROOT, "tests", "data", "divergences", "early_stopping.compares-at-declared-precision.tie.json"
)


def one_line(result) -> str:
    """The one line a refused target gets (exit 2, nothing on stdout), without the prefix."""
    assert result.returncode == 2 and result.stdout == "", result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(PREFIX), result.stderr
    return lines[0].removeprefix(PREFIX)


def write(directory, files: dict[str, str]) -> None:
    for name, source in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)


# -- where an import failed -------------------------------------------------------------


@pytest.mark.parametrize(
    "files, target, message",
    [
        (
            {"mymod.py": "x = 1\ny = 2\nz = x / 0\n"},
            "mymod",
            "target 'mymod' cannot be imported: ZeroDivisionError: division by zero"
            " (mymod.py, line 3)",
        ),
        # The innermost frame of the target's own package: not the dependency's.
        (
            {
                "my_port/__init__.py": "",
                "my_port/callbacks.py": '"""A port."""\nfrom my_port import state\n',
                "my_port/state.py": "import vendored\n\nSTATE = vendored.make()\n",
                "vendored.py": "def make():\n    raise KeyError('no config')\n",
            },
            "my_port.callbacks",
            "target 'my_port.callbacks' cannot be imported: KeyError: 'no config'"
            " (my_port/state.py, line 3)",
        ),
        # A syntax error: its own file and line, wherever it is.
        (
            {"my_port/__init__.py": "", "my_port/callbacks.py": "def broken(:\n"},
            "my_port.callbacks:namespace",
            "target 'my_port.callbacks:namespace' cannot be imported: SyntaxError: invalid"
            " syntax (my_port/callbacks.py, line 1)",
        ),
        (
            {"half_port.py": "import os\nimport no_such_dependency_anywhere\n"},
            "half_port",
            "target 'half_port' cannot be imported: ModuleNotFoundError: No module named"
            " 'no_such_dependency_anywhere' (half_port.py, line 2)",
        ),
        (
            {"exits.py": "\n\nraise SystemExit(5)\n"},
            "exits",
            "target 'exits' cannot be imported: SystemExit: 5 (exits.py, line 3)",
        ),
    ],
)
def test_an_import_failure_names_the_file_and_line(tmp_path, files, target, message):
    write(tmp_path, files)
    assert one_line(cli("run", target, cwd=str(tmp_path))) == message


def test_with_traceback_the_python_traceback_comes_first(tmp_path):
    write(
        tmp_path,
        {
            "mymod.py": "import helper\n\nhelper.start()\n",
            "helper.py": "def start():\n    return 1 / 0\n",
        },
    )
    message = (
        PREFIX + "target 'mymod' cannot be imported: ZeroDivisionError: division by zero"
        " (mymod.py, line 3)"
    )
    for command in (("run", "mymod"), ("replay", A_COUNTEREXAMPLE, "mymod")):
        result = cli(*command, "--traceback", cwd=str(tmp_path))
        assert result.returncode == 2 and result.stdout == "", result.stderr
        assert result.stderr.splitlines() == [
            "Traceback (most recent call last):",
            f'  File "{tmp_path / "mymod.py"}", line 3, in <module>',
            "    helper.start()",
            f'  File "{tmp_path / "helper.py"}", line 2, in start',
            "    return 1 / 0",
            "           ~~^~~",
            "ZeroDivisionError: division by zero",
            message,
        ], result.stderr
        # Without the flag, the line alone.
        assert cli(*command, cwd=str(tmp_path)).stderr.strip() == message


def test_the_traceback_option_is_in_the_help():
    for command in ("run", "replay"):
        result = cli(command, "--help")
        assert result.returncode == 0
        text = " ".join(result.stdout.split())
        assert "--traceback when the target cannot be imported, print the Python traceback" in text


# -- a file path ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target, message",
    [
        ("bad/mod.py", "give the module name, not a file path: run from bad/ with 'mod'"),
        ("./mod.py", "give the module name, not a file path: 'mod'"),
        ("mod.py", "give the module name, not a file path: 'mod'"),
        ("pkg/mod.py", "give the module name, not a file path: 'pkg.mod'"),
        ("pkg/sub/mod.py:ns", "give the module name, not a file path: 'pkg.sub.mod:ns'"),
        ("pkg/__init__.py", "give the module name, not a file path: 'pkg'"),
        (
            "src/lib/pkg/mod.py",
            "give the module name, not a file path: run from src/lib/ with 'pkg.mod'",
        ),
    ],
)
def test_a_file_path_is_refused_naming_the_module_to_give(tmp_path, target, message):
    write(
        tmp_path,
        {
            "bad/mod.py": "",
            "mod.py": "",
            "pkg/__init__.py": "",
            "pkg/mod.py": "",
            "pkg/sub/__init__.py": "",
            "pkg/sub/mod.py": "",
            "src/lib/pkg/__init__.py": "",
            "src/lib/pkg/mod.py": "",
        },
    )
    assert one_line(cli("run", target, cwd=str(tmp_path))) == f"target {target!r}: {message}"


# -- did you mean -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "target, message",
    [
        ("kears", "unknown target 'kears': no module named 'kears'; did you mean 'keras'?"),
        ("refrence", "no module named 'refrence'; did you mean 'reference'?"),
        ("tf-keras", "module or module:object; did you mean 'tf_keras'?"),
        ("my_prot", "no module named 'my_prot'; did you mean 'my_port'?"),
        (
            "my_prot.callbacks:ns",
            "no module named 'my_prot'; did you mean 'my_port.callbacks:ns'?",
        ),
        (
            "my_port.calbacks",
            "no module named 'my_port.calbacks'; did you mean 'my_port.callbacks'?",
        ),
        ("mymdo", "no module named 'mymdo'; did you mean 'mymod'?"),
    ],
)
def test_an_unknown_name_close_to_a_known_one_gets_did_you_mean(tmp_path, target, message):
    write(
        tmp_path,
        {"mymod.py": "", "my_port/__init__.py": "", "my_port/callbacks.py": ""},
    )
    line = one_line(cli("run", target, cwd=str(tmp_path)))
    assert line.endswith(message), line


def test_an_unknown_name_close_to_nothing_gets_no_guess(tmp_path):
    line = one_line(cli("run", "zzyzx_port", cwd=str(tmp_path)))
    assert line == "unknown target 'zzyzx_port': no module named 'zzyzx_port'"
