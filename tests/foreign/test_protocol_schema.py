"""The callback protocol's JSON Schema (conformance/foreign/protocol.schema.json) is the
types' (`conformance.foreign.messages`), and every line of real conversations, the TF.js
driver's and a Python driver's, is valid under it; a message that breaks it is not."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from conformance.foreign.messages import SCHEMA_FILE, Message, schema_text
from tests.foreign.conversations import broken_process, converse, needs_tfjs, tfjs_process


def test_the_shipped_schema_is_the_types() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "the types changed: run python -c 'from conformance.foreign.messages import"
        " write_schema; write_schema()'"
    )


@needs_tfjs
def test_a_tfjs_conversation_is_valid_and_carries_what_was_done() -> None:
    lines = converse(tfjs_process())
    for line in lines:
        Message.model_validate_json(line)
    text = "\n".join(lines)
    assert '{"float":"nan"}' in text and '{"float":"inf"}' in text  # the logs' values
    assert '"printed":["Epoch 2: early stopping."]' in text  # tfjs's words, epoch from 0
    assert '"model":{"stop_training":true' in text
    assert '"error":{"type":"NotImplementedError"' in text


def test_a_python_driver_conversation_is_valid() -> None:
    lines = converse(broken_process("neither"))
    assert len(lines) > 20
    for line in lines:
        Message.model_validate_json(line)


@pytest.mark.parametrize(
    "message",
    [
        {"op": "start"},  # no protocol version
        {"protocol": 2, "op": "start"},
        {"protocol": 1, "op": "hook", "name": "on_epoch_end", "args": [0, {}]},  # no model
        {"protocol": 1, "error": "one line"},  # the worker's error, not the callbacks'
        {"protocol": 1, "ok": {"model": {"stop_training": "yes"}}},
    ],
)
def test_a_message_that_breaks_the_protocol_is_invalid(message: dict) -> None:
    with pytest.raises(ValidationError):
        Message.model_validate_json(json.dumps(message))
