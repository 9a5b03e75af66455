"""Argos Translate models, run directly on CTranslate2.

We read the Argos package (metadata.json, ``model/``, ``sentencepiece.model``)
ourselves and call ``Translator.translate_batch`` once per language pair and
run, with token-based batching: argostranslate's own translate path adds
sentence splitters that fetch models at run time and translates per
paragraph, which is slower and not offline.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from polyletter.config import ArgosSettings, Config
from polyletter.errors import EngineError, ModelError
from polyletter.models import InstalledModel, installed_models


def create(config: Config) -> ArgosEngine:
    return ArgosEngine(config.argos)


class ArgosEngine:
    name = "argos"

    def __init__(self, settings: ArgosSettings | None = None) -> None:
        self.settings = settings or ArgosSettings()
        self.calls: list[tuple[str, str, int]] = []
        self._models: dict[tuple[str, str], InstalledModel] | None = None
        self._loaded: dict[tuple[str, str], tuple[Any, Any, str]] = {}
        self._versions: dict[tuple[str, str], str] = {}

    def _installed(self) -> dict[tuple[str, str], InstalledModel]:
        if self._models is None:
            self._models = {(m.from_code, m.to_code): m for m in installed_models()}
        return self._models

    def _model(self, source: str, target: str) -> InstalledModel:
        try:
            return self._installed()[(source, target)]
        except KeyError:
            raise EngineError(
                f"no Argos model for {source}->{target}",
                hint=f"Install one: {self.install_hint(source, target)}",
            ) from None

    def pairs(self) -> frozenset[tuple[str, str]]:
        return frozenset(self._installed())

    def install_hint(self, source: str, target: str) -> str:
        return f"`polyletter models install {source} {target}`."

    def version(self, source: str, target: str) -> str:
        """Package version plus a fingerprint of the model files that decide the output."""
        key = (source, target)
        if key not in self._versions:
            model = self._model(source, target)
            digest = hashlib.sha256()
            for name in ("metadata.json", "model/config.json", "sentencepiece.model"):
                path = model.path / name
                if path.is_file():
                    digest.update(path.read_bytes())
            weights = model.path / "model" / "model.bin"
            if weights.is_file():
                digest.update(str(weights.stat().st_size).encode())
            self._versions[key] = f"{model.version}+{digest.hexdigest()[:10]}"
        return self._versions[key]

    def _load(self, source: str, target: str) -> tuple[Any, Any, str]:
        key = (source, target)
        if key not in self._loaded:
            model = self._model(source, target)
            self._loaded[key] = _load_package(model.path, self.settings)
        return self._loaded[key]

    def translate(self, source: str, target: str, sentences: Sequence[str]) -> list[str]:
        if not sentences:
            return []
        translator, tokenizer, prefix = self._load(source, target)
        settings = self.settings
        tokens = [tokenizer.encode(s, out_type=str) for s in sentences]

        def bound(n: int) -> int:
            return max(
                1, min(settings.max_decoding_length, int(settings.length_ratio * n) + settings.length_slack)
            )

        longest = max((len(t) for t in tokens), default=1)
        results = translator.translate_batch(
            tokens,
            beam_size=settings.beam_size,
            max_decoding_length=bound(longest) + (1 if prefix else 0),
            max_batch_size=settings.max_batch_tokens,
            batch_type="tokens",
            replace_unknowns=True,
            target_prefix=[[prefix]] * len(tokens) if prefix else None,
        )
        self.calls.append((source, target, len(sentences)))
        out = []
        for source_tokens, result in zip(tokens, results, strict=True):
            hypothesis = list(result.hypotheses[0])
            if prefix and hypothesis[:1] == [prefix]:
                hypothesis = hypothesis[1:]
            hypothesis = hypothesis[: bound(len(source_tokens))]
            out.append(tokenizer.decode_pieces(hypothesis).replace("▁", " ").strip())
        return out


def _load_package(path: Path, settings: ArgosSettings) -> tuple[Any, Any, str]:
    """CTranslate2 translator, SentencePiece processor and target prefix of a package."""
    import json

    import ctranslate2
    import sentencepiece

    model_dir = path / "model"
    sp_model = path / "sentencepiece.model"
    if not (model_dir / "model.bin").is_file() or not sp_model.is_file():
        raise ModelError(
            "model package is incomplete (needs model/model.bin and sentencepiece.model)",
            path=path,
            hint="Reinstall it with `polyletter models install`.",
        )
    metadata = json.loads((path / "metadata.json").read_text(encoding="utf-8"))
    try:
        translator = ctranslate2.Translator(
            str(model_dir),
            device="cpu",
            compute_type=settings.compute_type,
            inter_threads=1,
            intra_threads=settings.intra_threads,
        )
        tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(sp_model))
    except (RuntimeError, OSError) as err:
        raise ModelError(
            f"cannot load model ({err})", path=path, hint="Reinstall it with `polyletter models install`."
        ) from None
    return translator, tokenizer, str(metadata.get("target_prefix") or "")
