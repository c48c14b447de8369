"""Tests of the reference against Keras 3.15.1."""
