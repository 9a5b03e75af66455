"""Build tiny but genuine Argos Translate packages (``.argosmodel``) offline.

Real Argos models are ~100 MB downloads and this project must be testable and
benchmarkable without a network. A package built here is the real thing in
every respect except training: a CTranslate2 Transformer written by
CTranslate2's own converter machinery (random, seeded numpy weights), a real
SentencePiece model whose pieces *are* the CTranslate2 vocabulary, and the
zip layout, ``metadata.json`` and ``README.md`` that ``argostranslate`` expects.
Its translations are gibberish, but loading, tokenising, batching, caching and
provenance all run through the same code paths as with a downloaded model.

The default (2+2 layers, d_model 32, 300 pieces) builds in a fraction of a
second; ``num_layers=(6, 6), d_model=512, num_heads=8, ffn_dim=2048,
vocab_size=8000, quantization="int8"`` gives a base-sized model whose decoding
cost is representative, for benchmarks.

Heavy imports (numpy, ctranslate2, sentencepiece) happen inside the functions so
that importing :mod:`polyletter.testing` stays cheap.
"""

from __future__ import annotations

import io
import json
import random
import shutil
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - typing only
    import numpy as np
    from ctranslate2.specs import TransformerSpec

__all__ = ["build_argos_package", "default_corpus", "package_filename"]

#: Names Argos shows for the language codes we build most often; anything else
#: falls back to the code itself (metadata only, nothing depends on it).
LANGUAGE_NAMES = {
    "ar": "Arabic",
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "it": "Italian",
    "pt": "Portuguese",
    "ru": "Russian",
    "zh": "Chinese",
}

#: Scale of the random weights: small enough that activations stay well inside
#: float range through a few layers (and int8 quantisation), large enough that
#: the decoder's choices are not all ties.
WEIGHT_SCALE = 0.1

_EN_TEXT = (
    "the of and to in a is that for on with as by this we are be from at it our have "
    "will an or which their all has not been can more they its were would other "
    "civil society organizations member states general assembly secretary report "
    "dialogue responsibility protect pillar third measures prevention response "
    "international community regional national local partners coalition letter "
    "populations genocide war crimes against humanity ethnic cleansing atrocities "
    "timely decisive action consultative process perspective preventive reactive "
    "tools commitment forum spectrum effective implementation participation "
    "engagement governments diplomats meeting summer year published months ahead "
    "leadership ensure request respectfully welcome opportunity discuss undersigned "
    "excellency sincerely special adviser office united nations president council "
    "human rights peace security early warning mediation sanctions capacity "
    "building support assistance monitoring alarm threat mass risk situations "
    "country countries network global centre institute foundation federation"
)

_FR_TEXT = (
    "le la les de des du et à en un une est que pour sur avec comme par ce nous sont "
    "être depuis au il notre avons sera ou qui leur tous pas été peut plus ils "
    "société civile organisations États membres assemblée générale secrétaire "
    "rapport dialogue responsabilité protéger pilier troisième mesures prévention "
    "réponse communauté internationale régionale nationale locale partenaires "
    "coalition lettre populations génocide crimes guerre contre humanité nettoyage "
    "ethnique atrocités action rapide décisive processus consultatif perspective "
    "outils préventifs réactifs engagement forum éventail mise œuvre participation "
    "gouvernements diplomates réunion été année publié mois avance direction "
    "veiller demander respectueusement accueillir occasion discuter soussignés "
    "excellence sincèrement conseiller spécial bureau nations unies président "
    "conseil droits homme paix sécurité alerte précoce médiation sanctions "
    "renforcement capacités soutien assistance surveillance menace masse risque "
    "pays réseau mondial centre institut fondation fédération"
)

_PUNCT = (".", ".", ".", ",", ";", ":", "?", "!")

_LETTER_EXCERPT = (
    "Excellency,\n"
    "We, the undersigned civil society organizations, welcome the opportunity for "
    "Member States to discuss the third pillar of the Responsibility to Protect "
    "(RtoP, R2P) during the General Assembly dialogue this summer.\n"
    "We urge you to ensure this early and inclusive preparation to guide the "
    "international community as we work to prevent genocide, war crimes, crimes "
    "against humanity and ethnic cleansing.\n"
    "Civil society plays a critical role in the implementation of RtoP at the local, "
    "national, regional and international levels by raising alarm of at-risk situations.\n"
    "This year's dialogue can act as a forum to further the commitment of all actors to "
    "protect populations from mass atrocities.\n"
    "Secretary-General Ban Ki-moon, Office of the United Nations Secretary-General.\n"
    "CC: H.E. Mr. Nassir Abdulaziz Al-Nasser, President of the General Assembly; "
    "Dr. Edward C. Luck, Special Adviser on the Responsibility to Protect.\n"
    "Sincerely,\n"
    "Global Centre for the Responsibility to Protect (International)\n"
    "23 March 2012\n"
)


def package_filename(from_code: str, to_code: str, package_version: str = "1.0") -> str:
    """Return the file name Argos uses for a translate package of this pair and version."""
    return f"{_package_stem(from_code, to_code, package_version)}.argosmodel"


def _package_stem(from_code: str, to_code: str, package_version: str) -> str:
    return f"translate-{from_code}_{to_code}-{package_version.replace('.', '_')}"


def _pseudo_words(rng: random.Random, count: int) -> list[str]:
    """Invent pronounceable non-words so that large vocabularies can be filled.

    SentencePiece cannot produce 8000 pieces from a few hundred real words; a
    lexicon of syllable compounds gives it enough distinct substrings.
    """
    onsets = [
        "",
        "b",
        "br",
        "c",
        "ch",
        "d",
        "f",
        "g",
        "gr",
        "j",
        "k",
        "l",
        "m",
        "n",
        "p",
        "pr",
        "qu",
        "r",
        "s",
        "st",
        "t",
        "tr",
        "v",
        "z",
    ]
    nuclei = ["a", "e", "i", "o", "u", "ai", "ou", "é", "è", "ie", "ea", "oi"]
    codas = ["", "", "n", "r", "s", "l", "x", "t", "nd", "st"]
    words = set()
    while len(words) < count:
        syllables = rng.randint(1, 4)
        words.add(
            "".join(rng.choice(onsets) + rng.choice(nuclei) + rng.choice(codas) for _ in range(syllables))
        )
    return sorted(words)


def default_corpus(vocab_size: int = 300, seed: int = 0) -> list[str]:
    """Generate a varied English/French-ish corpus big enough for ``vocab_size`` pieces.

    Deterministic for a given ``(vocab_size, seed)`` and self-contained (it does
    not read the repository's sample letter, so editing that file never changes
    the test models). It embeds an excerpt of the sample letter so the
    vocabulary covers the words the tests translate, and digits and punctuation
    so that numbers and dates tokenise without ``<unk>``.
    """
    rng = random.Random(seed)
    lexicon = _EN_TEXT.split() + _FR_TEXT.split()
    if vocab_size > 400:
        lexicon += _pseudo_words(rng, vocab_size * 2)
    lines = [line for line in _LETTER_EXCERPT.splitlines() if line]
    lines.append("0 1 2 3 4 5 6 7 8 9 10 25 40 100 2012 2024 (R2P) [1] - / % & ' \" @ #")
    n_lines = max(400, vocab_size)
    for _ in range(n_lines):
        words = rng.sample(lexicon, rng.randint(4, 16))
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words)), str(rng.randint(1, 2100)))
        if rng.random() < 0.4:
            words[0] = words[0].capitalize()
        lines.append(" ".join(words) + rng.choice(_PUNCT))
    return lines


def _train_sentencepiece(corpus: Sequence[str], vocab_size: int, user_symbols: Sequence[str]) -> bytes:
    """Train a SentencePiece unigram model in memory and return its serialized proto.

    ``hard_vocab_limit=False`` lets a small custom corpus yield fewer pieces than
    asked instead of failing; the CTranslate2 vocabulary is then sized to match.
    """
    import sentencepiece as spm

    buffer = io.BytesIO()
    kwargs: dict[str, Any] = {
        "sentence_iterator": iter(corpus),
        "model_writer": buffer,
        "vocab_size": vocab_size,
        "model_type": "unigram",
        "character_coverage": 1.0,
        "hard_vocab_limit": False,
        "minloglevel": 2,
        "unk_id": 0,
        "bos_id": 1,
        "eos_id": 2,
        "pad_id": -1,
        "num_threads": 1,
    }
    if user_symbols:
        kwargs["user_defined_symbols"] = list(user_symbols)
    spm.SentencePieceTrainer.train(**kwargs)
    return buffer.getvalue()


def _fill_spec(spec: TransformerSpec, *, vocab_size: int, d_model: int, ffn_dim: int, seed: int) -> None:
    """Give every required variable of ``spec`` a seeded random value of the right shape.

    Shapes follow what CTranslate2's OpenNMT-py converter writes: self-attention
    has a fused QKV projection (``linear[0]``: 3d x d) and an output projection;
    encoder-decoder attention has a query projection, a fused KV projection
    (2d x d) and an output projection. Linear weights are ``[out, in]``. Layer
    norms are the identity (gamma 1, beta 0). Position encodings stay unset so
    that CTranslate2 generates the usual sinusoidal table.
    """
    import numpy as np

    rng = np.random.default_rng(seed)

    def rand(*shape: int) -> np.ndarray:
        return (rng.standard_normal(shape) * WEIGHT_SCALE).astype(np.float32)

    def norm(layer_norm: Any) -> None:
        layer_norm.gamma = np.ones(d_model, dtype=np.float32)
        layer_norm.beta = np.zeros(d_model, dtype=np.float32)

    def linear(spec_linear: Any, out_dim: int, in_dim: int) -> None:
        spec_linear.weight = rand(out_dim, in_dim)
        spec_linear.bias = rand(out_dim)

    def ffn(spec_ffn: Any) -> None:
        norm(spec_ffn.layer_norm)
        linear(spec_ffn.linear_0, ffn_dim, d_model)
        linear(spec_ffn.linear_1, d_model, ffn_dim)

    def self_attention(attention: Any) -> None:
        norm(attention.layer_norm)
        linear(attention.linear[0], 3 * d_model, d_model)
        linear(attention.linear[1], d_model, d_model)

    encoder, decoder = spec.encoder, spec.decoder
    for embeddings in encoder.embeddings:
        embeddings.weight = rand(vocab_size, d_model)
    norm(encoder.layer_norm)
    for layer in encoder.layer:
        self_attention(layer.self_attention)
        ffn(layer.ffn)

    decoder.embeddings.weight = rand(vocab_size, d_model)
    norm(decoder.layer_norm)
    linear(decoder.projection, vocab_size, d_model)
    for layer in decoder.layer:
        self_attention(layer.self_attention)
        norm(layer.attention.layer_norm)
        linear(layer.attention.linear[0], d_model, d_model)
        linear(layer.attention.linear[1], 2 * d_model, d_model)
        linear(layer.attention.linear[2], d_model, d_model)
        ffn(layer.ffn)


def _write_ctranslate2_model(
    out_dir: Path,
    vocabulary: list[str],
    *,
    num_layers: tuple[int, int],
    d_model: int,
    num_heads: int,
    ffn_dim: int,
    quantization: str | None,
    seed: int,
) -> None:
    """Write a CTranslate2 Transformer directory through CTranslate2's own converter.

    Going through ``Converter.convert`` (rather than writing ``model.bin`` by
    hand) means the spec is validated, variables are aliased and quantised, and
    ``config.json``/``shared_vocabulary.json`` are written exactly as for a real
    converted OpenNMT model.
    """
    from ctranslate2.converters import Converter
    from ctranslate2.specs import TransformerSpec

    class _RandomTransformerConverter(Converter):
        """A converter whose "source model" is a freshly randomised spec."""

        def _load(self) -> TransformerSpec:
            spec = TransformerSpec.from_config(num_layers, num_heads)
            _fill_spec(spec, vocab_size=len(vocabulary), d_model=d_model, ffn_dim=ffn_dim, seed=seed)
            spec.register_source_vocabulary(vocabulary)
            spec.register_target_vocabulary(vocabulary)
            return spec

    _RandomTransformerConverter().convert(str(out_dir), quantization=quantization)


def _corpus_lines(corpus: Sequence[str]) -> Iterator[str]:
    for line in corpus:
        text = line.strip()
        if text:
            yield text


def build_argos_package(
    dest_dir: Path,
    from_code: str,
    to_code: str,
    *,
    package_version: str = "1.0",
    num_layers: tuple[int, int] = (2, 2),
    d_model: int = 32,
    num_heads: int = 2,
    ffn_dim: int = 64,
    vocab_size: int = 300,
    quantization: str | None = None,
    seed: int = 0,
    corpus: Sequence[str] | None = None,
    target_prefix: str = "",
) -> Path:
    """Build ``dest_dir/translate-<from>_<to>-<version>.argosmodel`` and return its path.

    The zip holds one top-level folder ``translate-<from>_<to>-<version>/`` with
    ``metadata.json``, ``model/`` (CTranslate2), ``sentencepiece.model`` and
    ``README.md``, like the packages in the Argos index. The CTranslate2
    vocabulary is the list of SentencePiece pieces in id order (SentencePiece's
    ids 0, 1, 2 are ``<unk>``, ``<s>``, ``</s>``, the special tokens CTranslate2's
    config expects), so ``sp.encode(text, out_type=str)`` can be fed straight to
    ``Translator.translate_batch`` and its output decoded with ``decode_pieces``.
    A ``target_prefix`` is added to the vocabulary as a SentencePiece
    user-defined symbol, so the prefix token is known to the model.

    Raises ``ValueError`` for impossible shapes (``d_model`` not divisible by
    ``num_heads`` and the like): those are programming errors, not user errors.
    """
    if d_model % num_heads:
        raise ValueError(f"d_model ({d_model}) must be divisible by num_heads ({num_heads})")
    if min(num_layers) < 1 or d_model < 2 or ffn_dim < 1:
        raise ValueError("num_layers, d_model and ffn_dim must be positive")
    if vocab_size < 40:
        raise ValueError("vocab_size must be at least 40 (SentencePiece needs room)")

    lines = list(_corpus_lines(corpus if corpus is not None else default_corpus(vocab_size, seed)))
    if not lines:
        raise ValueError("corpus is empty")
    sp_model = _train_sentencepiece(lines, vocab_size, [target_prefix] if target_prefix else [])

    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_proto=sp_model)
    vocabulary = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]

    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    stem = _package_stem(from_code, to_code, package_version)
    target = dest_dir / f"{stem}.argosmodel"

    metadata: dict[str, Any] = {
        "package_version": package_version,
        "argos_version": "1.9.0",
        "from_code": from_code,
        "from_name": LANGUAGE_NAMES.get(from_code, from_code),
        "to_code": to_code,
        "to_name": LANGUAGE_NAMES.get(to_code, to_code),
        "type": "translate",
        "links": [],
    }
    if target_prefix:
        metadata["target_prefix"] = target_prefix
    readme = (
        f"# {metadata['from_name']} -> {metadata['to_name']} (synthetic test model)\n\n"
        "Built by polyletter.testing.argos_model with random weights: it loads and\n"
        "decodes like a real Argos model, but its output is gibberish.\n\n"
        f"layers={num_layers[0]}+{num_layers[1]} d_model={d_model} heads={num_heads} "
        f"ffn={ffn_dim} vocab={len(vocabulary)} quantization={quantization or 'float32'} "
        f"seed={seed}\n"
    )

    with tempfile.TemporaryDirectory(prefix=".argos-build-", dir=dest_dir) as tmp:
        root = Path(tmp) / stem
        root.mkdir()
        _write_ctranslate2_model(
            root / "model",
            vocabulary,
            num_layers=num_layers,
            d_model=d_model,
            num_heads=num_heads,
            ffn_dim=ffn_dim,
            quantization=quantization,
            seed=seed,
        )
        (root / "sentencepiece.model").write_bytes(sp_model)
        (root / "metadata.json").write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
        (root / "README.md").write_text(readme, encoding="utf-8")

        partial = Path(tmp) / f"{stem}.argosmodel"
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            archive.write(root, f"{stem}/")
            for path in sorted(root.rglob("*")):
                name = path.relative_to(root.parent).as_posix()
                if path.is_dir():
                    archive.write(path, name + "/")
                elif path.name == "model.bin":
                    # Random weights do not compress; storing them saves seconds
                    # on the base-sized model and changes nothing that matters.
                    archive.write(path, name, compress_type=zipfile.ZIP_STORED)
                else:
                    archive.write(path, name)
        # Move into place only when complete, so a crash never leaves a torn zip.
        shutil.move(str(partial), target)
    return target
