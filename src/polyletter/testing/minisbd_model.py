"""Build a tiny MiniSBD sentence-splitter model (``.onnx``) offline, for LibreTranslate in tests.

LibreTranslate translates through argostranslate, which splits every text
into sentences with MiniSBD first; without a model in the Argos package's
``minisbd/`` folder it downloads one on the first request, which fails
offline (and retries for minutes). A package that carries ``minisbd/xx.onnx``
is used as it is, so the fixture packages get this one.

The model is a genuine ONNX graph that onnxruntime loads and MiniSBD runs:
inputs ``units`` (int64, batch x chars) and ``features`` (float, unused),
output the per-character scores ``Cast(Unsqueeze(units))`` -- one class, so
MiniSBD's argmax marks no boundary inside a text and it closes the text as
one sentence. polyletter sends sentences one by one anyway (its own
splitter runs first), so splitting nothing is exactly right.

Written with a few lines of protobuf wire format instead of the ``onnx``
package, which is not a dependency.
"""

from __future__ import annotations

import json
from pathlib import Path

_FLOAT, _INT64 = 1, 7


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field(number: int, payload: bytes | str | int) -> bytes:
    if isinstance(payload, int):
        return _varint(number << 3) + _varint(payload)
    data = payload.encode() if isinstance(payload, str) else payload
    return _varint(number << 3 | 2) + _varint(len(data)) + data


def _value_info(name: str, elem_type: int, dims: list[str | int]) -> bytes:
    shape = b"".join(
        _field(1, _field(2, d) if isinstance(d, str) else _field(1, d)) for d in dims
    )  # TensorShapeProto.dim: dim_param (2) or dim_value (1)
    tensor = _field(1, elem_type) + _field(2, shape)
    return _field(1, name) + _field(2, _field(1, tensor))


def _node(op: str, inputs: list[str], outputs: list[str], attributes: list[bytes]) -> bytes:
    body = b"".join(_field(1, i) for i in inputs) + b"".join(_field(2, o) for o in outputs)
    return body + _field(4, op) + b"".join(_field(5, a) for a in attributes)


def minisbd_model_bytes(lang: str = "en") -> bytes:
    """The serialized ONNX ModelProto (opset 11, IR 6)."""
    axes = _field(1, "axes") + _field(8, 2) + _field(20, 7)  # AttributeProto INTS [2]
    to = _field(1, "to") + _field(3, _FLOAT) + _field(20, 2)  # AttributeProto INT FLOAT
    graph = (
        _field(1, _node("Unsqueeze", ["units"], ["expanded"], [axes]))
        + _field(1, _node("Cast", ["expanded"], ["scores"], [to]))
        + _field(2, "minisbd-none")
        + _field(11, _value_info("units", _INT64, ["batch", "chars"]))
        + _field(11, _value_info("features", _FLOAT, ["batch", "chars", "feats"]))
        + _field(12, _value_info("scores", _FLOAT, ["batch", "chars", 1]))
    )
    vocab = {
        "lang": lang,
        "idx": 0,
        "cutoff": 0,
        "lower": False,
        "_unit2id": {"<PAD>": 0, "<UNK>": 1},
        "_id2unit": ["<PAD>", "<UNK>"],
    }
    config = {"feat_funcs": [], "max_seqlen": 1000, "batch_size": 1}
    meta = {"lang_code": lang, "config": json.dumps(config), "vocab": json.dumps(vocab), "lexicon": "null"}
    model = (
        _field(1, 6)
        + _field(2, "polyletter-test")
        + _field(7, graph)
        + _field(8, _field(1, "") + _field(2, 11))
        + b"".join(_field(14, _field(1, k) + _field(2, v)) for k, v in meta.items())
    )
    return model


def add_minisbd_model(package_dir: Path, lang: str) -> Path:
    """Put the splitter model where argostranslate looks: ``<package>/minisbd/<lang>.onnx``."""
    folder = package_dir / "minisbd"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{lang}.onnx"
    path.write_bytes(minisbd_model_bytes(lang))
    return path
