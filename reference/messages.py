"""Verbose output, written as Keras's `io_utils.print_msg` writes it to stdout."""

import sys


def print_msg(message: str) -> None:
    sys.stdout.write(f"{message}\n")
    sys.stdout.flush()
