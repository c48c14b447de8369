"""A pytest plugin for mutation testing (`tox -e mutation`, docs/mutation_testing.md).

It registers the Hypothesis profile `mutation`: derandomized like the `ci` profile, 50
examples a test instead of 150, no shrink phase and no example database. A mutant is
killed by the first failing example; shrinking it would only cost minutes per killed
mutant, and the 1,200 mutants of `reference/` have to run on two shared cores. Loaded
with `PYTEST_ADDOPTS="-p tests.mutation_profile"` and selected with
`HYPOTHESIS_PROFILE=mutation`, before `tests/conftest.py` loads the profile.
"""

from hypothesis import HealthCheck, Phase, settings

settings.register_profile(
    "mutation",
    max_examples=50,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
