"""The callback protocol's messages as types (`conformance.foreign`, the protocol), and
their JSON Schema, `protocol.schema.json` beside this module (written by `write_schema()`;
tests/foreign/test_protocol_schema.py checks that it is current, and that the messages of
real conversations are valid under it).

Values inside `arguments`, `args` and `logs` are `conformance.worker.codec`'s: plain JSON,
or a one-key object naming its tag (`{"float": "nan"}`); they are typed here as any JSON.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, StrictBool

SCHEMA_ID = "callback-conformance/callback-protocol/1"
SCHEMA_FILE = Path(__file__).with_name("protocol.schema.json")


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid")
    protocol: Literal[1]


class NonFinite(BaseModel):
    """A float JSON cannot write: NaN or an infinity (codec)."""

    model_config = ConfigDict(extra="forbid")
    float: Literal["nan", "inf", "-inf"]


class ModelState(BaseModel):
    """What the foreign callback may read and change of the model."""

    model_config = ConfigDict(extra="forbid")
    stop_training: StrictBool
    learning_rate: float | NonFinite | None = None


class Start(_Message):
    op: Literal["start"]


class Construct(_Message):
    op: Literal["construct"]
    callback: str
    arguments: dict[str, Any] = Field(description="Keras's keyword arguments (codec values)")


class Hook(_Message):
    op: Literal["hook"]
    name: str = Field(description="Keras's hook: set_model, set_params, on_epoch_end...")
    args: list[Any] = Field(description="as Keras passes them: [epoch, logs], [logs], []")
    model: ModelState


class Close(_Message):
    op: Literal["close"]


class Effects(BaseModel):
    """What a request did, besides its answer."""

    model_config = ConfigDict(extra="allow")  # a start reply's own fields, a hook's logs
    printed: list[str] = []
    warnings: list[str] = []
    model: ModelState | None = None


class Ok(_Message):
    ok: Effects | None


class ForeignFailure(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: str
    message: str


class Failed(_Message):
    error: ForeignFailure


class Message(RootModel[Start | Construct | Hook | Close | Ok | Failed]):
    """Any message of the protocol: a request, or a reply."""


def schema_text() -> str:
    """The JSON Schema of a message, as `protocol.schema.json` holds it."""
    schema = Message.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    return json.dumps(schema, indent=1) + "\n"


def write_schema() -> None:
    """Write `protocol.schema.json` and `vectors.schema.json` again, after a change to
    the types."""
    SCHEMA_FILE.write_text(schema_text(), encoding="utf-8")
    VECTORS_SCHEMA_FILE.write_text(vectors_schema_text(), encoding="utf-8")


# Test vectors (`conformance.foreign.vectors`): their schema is `vectors.schema.json`.

VECTORS_SCHEMA_ID = "callback-conformance/vectors/1"
VECTORS_SCHEMA_FILE = Path(__file__).with_name("vectors.schema.json")


class Step(BaseModel):
    """One request of a vector and the reference's reply to it."""

    model_config = ConfigDict(extra="forbid")
    request: Construct | Hook
    expected: Ok | Failed


class Vector(BaseModel):
    """One scenario as a conversation, tagged with the clauses in play in it."""

    model_config = ConfigDict(extra="forbid")
    schema_: Literal["callback-conformance/vectors/1"] = Field(alias="schema")
    id: str
    callback: Literal["EarlyStopping"]
    clauses: list[str]
    steps: list[Step]


def vectors_schema_text() -> str:
    """The JSON Schema of a vector, as `vectors.schema.json` holds it."""
    schema = Vector.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = VECTORS_SCHEMA_ID
    return json.dumps(schema, indent=1) + "\n"
