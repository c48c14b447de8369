"""The conformance suite: checks an implementation of the four callbacks against `reference`.

The harness, strategies, properties, targets and command line arrive with the
conformance-engine issue; until then this package only names itself.
"""
