"""A catalogue of broken conformance targets: not wrong about a rule, but broken as
programs. Their hooks raise (SystemExit too), hang (sleep, busy loops, a loop that
swallows the first interruption), set values of the wrong type, mutate the `logs` they
are handed, write outside the run directory, keep state between scenarios (on their
classes, or at module level), lack methods and classes, leave a thread running, close
`sys.stdout` or raise exceptions that cannot be printed.

The suite must survive each of them and report it: the right clauses fail with a reason
that says what happened, the run finishes with a report, and nothing is written outside
the suite's temporary directories. Each module says what it breaks and declares

    EXPECTED = {callback: (verdict, reason fragment, clause ids that must fail)}

for the callbacks it breaks (`verdict` is "fail" or "not-run"); its other callbacks are
the reference's, and those it names in `UNTOUCHED` are checked to still pass.
`tests/suite/test_broken_targets.py` checks them.
"""

ALL: tuple[str, ...] = (
    "tests.broken_targets.raises_in_hooks",
    "tests.broken_targets.hangs",
    "tests.broken_targets.wrong_types",
    "tests.broken_targets.bad_adapter",
    "tests.broken_targets.mutates_logs",
    "tests.broken_targets.writes_outside",
    "tests.broken_targets.keeps_state",
    "tests.broken_targets.module_state",
    "tests.broken_targets.lacks_parts",
    "tests.broken_targets.leaves_thread",
    "tests.broken_targets.unprintable",
)
