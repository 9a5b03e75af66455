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

from polyletter.errors import EngineError, ModelError
from polyletter.mt.engines.argos_packages import InstalledModel, installed_models
from polyletter.mt.engines.base import TermSpan
from polyletter.store.config import ArgosSettings, Config

PLACEHOLDER_RE = None
"""Argos is given the glossary's target forms themselves (injection), never a placeholder."""


def create(config: Config) -> ArgosEngine:
    return ArgosEngine(config.argos)


class ArgosEngine:
    name = "argos"
    glossary_strategy = "inject"

    def __init__(self, settings: ArgosSettings | None = None) -> None:
        self.settings = settings or ArgosSettings()
        self.calls: list[tuple[str, str, int]] = []
        self.term_repairs = 0
        """Glossary forms the model lost and the attention alignment put back."""
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

    def placeholder(self, index: int) -> str:
        """Unused: Argos enforces glossary terms by injection (see :mod:`polyletter.mt.enforce`)."""
        raise NotImplementedError("the argos engine injects glossary forms instead of placeholders")

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

    def translate(
        self,
        source: str,
        target: str,
        sentences: Sequence[str],
        terms: Sequence[Sequence[TermSpan]] | None = None,
    ) -> list[str]:
        """One ``translate_batch`` call for all sentences; glossary forms verified and repaired.

        ``terms`` holds the glossary forms already written into each sentence
        (the inject strategy). A form the model dropped or mangled is put back
        where the model's attention says the source form went.
        """
        if not sentences:
            return []
        translator, tokenizer, prefix = self._load(source, target)
        settings = self.settings
        tokens = [tokenizer.encode(s, out_type=str) for s in sentences]

        def bound(n: int) -> int:
            limit = int(settings.length_ratio * n) + settings.length_slack
            return max(1, min(settings.max_decoding_length, limit))

        want_attention = bool(terms) and any(terms)
        out: list[str] = [""] * len(tokens)
        steps = [settings.beam_size * (bound(len(t)) + (1 if prefix else 0)) for t in tokens]
        for chunk in _chunks(steps, settings.max_batch_steps):
            part = [tokens[i] for i in chunk]
            found = translator.translate_batch(
                part,
                beam_size=settings.beam_size,
                max_decoding_length=bound(max(len(t) for t in part)) + (1 if prefix else 0),
                max_batch_size=settings.max_batch_tokens,
                batch_type="tokens",
                replace_unknowns=True,
                return_attention=want_attention,
                target_prefix=[[prefix]] * len(part) if prefix else None,
            )
            # Finished piece by piece: the attention matrices (Python floats, the bulk of the memory
            # on a long letter) are dropped as soon as their sentence's terms are checked.
            for index, result in zip(chunk, found, strict=True):
                spans = terms[index] if terms else ()
                keep = bound(len(tokens[index]))
                out[index] = self._finish(result, tokenizer, prefix, sentences[index], keep, spans)
            del found
        self.calls.append((source, target, len(sentences)))
        return out

    def _finish(
        self,
        result: Any,
        tokenizer: Any,
        prefix: str | None,
        sentence: str,
        keep: int,
        spans: Sequence[TermSpan],
    ) -> str:
        """One decoded sentence as text, its lost glossary forms put back where attention says."""
        hypothesis = list(result.hypotheses[0])
        attention = list(result.attention[0]) if spans and result.attention else []
        if prefix and hypothesis[:1] == [prefix]:
            hypothesis, attention = hypothesis[1:], attention[1:]
        hypothesis, attention = hypothesis[:keep], attention[:keep]
        text = _decode(tokenizer, hypothesis)
        lost = [span for span in spans if span.text.casefold() not in text.casefold()]
        if lost and attention:
            text = _splice_terms(tokenizer, sentence, hypothesis, attention, lost)
            self.term_repairs += sum(span.text.casefold() in text.casefold() for span in lost)
        return text


def _chunks(steps: Sequence[int], budget: int) -> list[list[int]]:
    """Sentence indices in pieces whose decoder state fits ``budget``, shortest sentences together.

    One logical call per pair, fed to CTranslate2 in bounded pieces. Its
    decoder keeps keys and values (25 KB per hypothesis and step for a base
    model) for every hypothesis of a batch up to the batch's decoding bound,
    so memory grows with sentences x beam x length: ``steps[i]`` is sentence
    i's share (beam x its decoding bound). A normal letter fits one piece, as
    before; a letter ten times as long is cut into pieces that each fit, in
    length order so that short sentences are not padded to long ones' bounds.
    """
    order = sorted(range(len(steps)), key=steps.__getitem__)
    pieces: list[list[int]] = []
    for index in order:
        if pieces and (len(pieces[-1]) + 1) * steps[index] <= budget:
            pieces[-1].append(index)
        else:
            pieces.append([index])
    return pieces


def _decode(tokenizer: Any, pieces: Sequence[str]) -> str:
    return tokenizer.decode_pieces(list(pieces)).replace("\u2581", " ").strip()


def _pieces_with_offsets(tokenizer: Any, sentence: str) -> Any:
    """SentencePiece pieces with byte offsets (``proto`` in new releases, ``immutable_proto`` before)."""
    try:
        return tokenizer.encode(sentence, out_type="proto").pieces
    except (ValueError, TypeError):
        return tokenizer.encode(sentence, out_type="immutable_proto").pieces


def _splice_terms(
    tokenizer: Any,
    sentence: str,
    hypothesis: list[str],
    attention: list[list[float]],
    spans: Sequence[TermSpan],
) -> str:
    """Put lost glossary forms back where the attention aligns their source tokens.

    Each target token is aligned to the source token it attends to most; the
    target tokens aligned to a form's source tokens are replaced by the form.
    A form whose tokens nothing aligns to stays missing (QA reports it).
    """
    pieces = _pieces_with_offsets(tokenizer, sentence)
    replacements: list[tuple[int, int, str]] = []
    for span in spans:
        begin = len(sentence[: span.start].encode("utf-8"))
        end = begin + len(sentence[span.start : span.end].encode("utf-8"))
        wanted = {i for i, p in enumerate(pieces) if p.begin < end and p.end > begin}
        aligned = [t for t, row in enumerate(attention) if row and _argmax(row) in wanted]
        if aligned:
            start, stop = _longest_run(aligned)
            replacements.append((start, stop, span.text))
    parts: list[str] = []
    position = 0
    for start, stop, form in sorted(replacements):
        start = max(start, position)  # overlapping an earlier form: go right after it
        parts += [_decode(tokenizer, hypothesis[position:start]), form]
        position = max(stop, start)
    parts.append(_decode(tokenizer, hypothesis[position:]))
    return " ".join(p for p in parts if p)


def _argmax(row: Sequence[float]) -> int:
    return max(range(len(row)), key=row.__getitem__)


def _longest_run(positions: list[int]) -> tuple[int, int]:
    """The longest stretch of consecutive target positions, as ``(start, stop)``."""
    best = current = (positions[0], positions[0] + 1)
    for position in positions[1:]:
        current = (current[0], position + 1) if position == current[1] else (position, position + 1)
        if current[1] - current[0] > best[1] - best[0]:
            best = current
    return best


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
