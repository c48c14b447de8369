"""Targets that declare what they cannot express (`conformance.unsupported`): each is the
reference with one part taken away, and says so."""
