"""The embeddings projector configuration TensorBoard writes, as Keras 3.15.1 does."""

from __future__ import annotations

import os
from typing import Any

from google.protobuf import text_format
from tensorboard.plugins.projector.projector_config_pb2 import ProjectorConfig

from reference.keras_types import is_a

_EMBEDDING_TENSOR_NAME = "layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE"


def write_projector_config(
    log_dir: str, layers: Any, metadata: str | dict[str, str] | None
) -> None:
    """Clause `tensorboard.embeddings.projector-config`: one entry per top-level
    `Embedding` layer, written to `<log_dir>/projector_config.pbtxt`."""
    config = ProjectorConfig()
    for layer in layers:
        if not is_a(layer, "Embedding"):
            continue
        # Quirk `tensorboard.embeddings.same-tensor-name`: hard-coded for every layer.
        embedding = config.embeddings.add(tensor_name=_EMBEDDING_TENSOR_NAME)
        if isinstance(metadata, str):
            embedding.metadata_path = metadata
        elif metadata is not None and layer.name in metadata:
            # Quirk `tensorboard.embeddings.metadata-dict-consumed`: `pop` empties the
            # user's dict, so a later `set_model` finds no metadata.
            embedding.metadata_path = metadata.pop(layer.name)
    if metadata and not isinstance(metadata, str):
        raise ValueError(
            "Unrecognized `Embedding` layer names passed to "
            "`keras.callbacks.TensorBoard` `embeddings_metadata` argument: "
            f"{metadata.keys()}"
        )
    # Quirk `tensorboard.embeddings.needs-existing-log-dir`: a plain `open`.
    with open(os.path.join(log_dir, "projector_config.pbtxt"), "w") as config_file:
        config_file.write(text_format.MessageToString(config))
