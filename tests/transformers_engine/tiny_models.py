"""Tiny random-weight models of the real classes, saved to folders as real models are.

A sentencepiece model trained on a few Russian texts (the seed article, Wikinews, XQuAD
contexts) is wrapped in the transformers tokenizer of each family; transformers converts it to a
fast tokenizer (offsets are needed for QA). The weights are random: only the code around the
model is exercised, never the quality of its output.

Run as a script to build them for the benchmark: `python tests/transformers_engine/tiny_models.py
OUT_DIR` writes OUT_DIR/summary (T5ForConditionalGeneration, the ruT5 class),
OUT_DIR/mbart (MBartForConditionalGeneration) and OUT_DIR/qa
(XLMRobertaForQuestionAnswering).
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "000_3e03566f6385fd19.txt"
EVAL = ROOT.parent / "shared" / "eval"  # measured on only
TRAIN = ROOT.parent / "shared" / "train"
VOCAB = 1000


def training_lines() -> list[str]:
    """A few hundred Russian lines: the seed article, the tests' own Wikinews texts, and more
    news texts from NEREL's training split and SberQuAD paragraphs when ../shared/train lies
    beside the checkout (never the evaluation data: a tokenizer is trained on these)."""
    texts = [SEED.read_text(encoding="utf-8")]
    with (ROOT / "tests" / "models" / "articles" / "wikinews_sample.jsonl").open(
            encoding="utf-8") as lines:
        texts.extend(json.loads(line)["text"] for line in lines if line.strip())
    for name, key, limit in (("nerel_train/nerel_v1.1_train.jsonl", "text", 40),
                             ("sberquad_subset/sberquad_subset.dev.jsonl", "context", 40)):
        path = TRAIN / name
        if path.exists():
            with path.open(encoding="utf-8") as lines:
                for number, line in enumerate(lines):
                    if number >= limit:
                        break
                    texts.append(json.loads(line)[key])
    return [line.strip() for text in texts for line in text.splitlines() if line.strip()]


def train_sentencepiece(prefix: Path, ids: dict[str, int]) -> Path:
    """Train a unigram sentencepiece model with the special-token ids of a model family."""
    import sentencepiece as spm

    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(training_lines()), model_prefix=str(prefix), vocab_size=VOCAB,
        model_type="unigram", character_coverage=1.0, minloglevel=2, **ids,
    )
    return prefix.with_suffix(".model")


def build_t5(folder: Path) -> Path:
    """ruT5's layout: T5ForConditionalGeneration, pad=0, eos=1, unk=2, no sentinel tokens."""
    import torch
    from transformers import T5Config, T5ForConditionalGeneration, T5Tokenizer

    folder.mkdir(parents=True, exist_ok=True)
    train_sentencepiece(folder / "spiece", {"pad_id": 0, "eos_id": 1, "unk_id": 2, "bos_id": -1})
    tokenizer = T5Tokenizer.from_pretrained(str(folder), extra_ids=0)
    torch.manual_seed(0)
    config = T5Config(vocab_size=len(tokenizer), d_model=32, d_kv=8, d_ff=64, num_layers=1,
                      num_decoder_layers=1, num_heads=4, pad_token_id=0, eos_token_id=1,
                      decoder_start_token_id=0)
    model = T5ForConditionalGeneration(config)
    model.save_pretrained(str(folder))
    tokenizer.save_pretrained(str(folder))
    return folder


FAIRSEQ_IDS = {"bos_id": 0, "pad_id": 1, "eos_id": 2, "unk_id": 3}


def _fairseq_spm(folder: Path, trained: Path | None) -> None:
    """mBART and XLM-R share fairseq's special ids: train once, copy the model file."""
    folder.mkdir(parents=True, exist_ok=True)
    if trained is None:
        train_sentencepiece(folder / "sentencepiece.bpe", FAIRSEQ_IDS)
    else:
        shutil.copy(trained, folder / "sentencepiece.bpe.model")


def build_mbart(folder: Path, trained: Path | None = None) -> Path:
    """mBART's layout (fairseq ids, language codes): MBartForConditionalGeneration."""
    import torch
    from transformers import MBartConfig, MBartForConditionalGeneration, MBartTokenizer

    _fairseq_spm(folder, trained)
    tokenizer = MBartTokenizer.from_pretrained(str(folder), src_lang="ru_RU", tgt_lang="ru_RU")
    torch.manual_seed(0)
    config = MBartConfig(vocab_size=len(tokenizer), d_model=32, encoder_layers=1,
                         decoder_layers=1, encoder_attention_heads=4, decoder_attention_heads=4,
                         encoder_ffn_dim=64, decoder_ffn_dim=64, max_position_embeddings=1024,
                         pad_token_id=1, bos_token_id=0, eos_token_id=2,
                         decoder_start_token_id=2,
                         forced_bos_token_id=tokenizer.convert_tokens_to_ids("ru_RU"))
    model = MBartForConditionalGeneration(config)
    model.save_pretrained(str(folder))
    tokenizer.save_pretrained(str(folder))
    return folder


def build_xlmr_qa(folder: Path, trained: Path | None = None) -> Path:
    """XLM-RoBERTa's layout (<s>=0, <pad>=1, </s>=2, <unk>=3): XLMRobertaForQuestionAnswering,
    the class of AlexKay/xlm-roberta-large-qa-multilingual-finedtuned-ru."""
    import torch
    from transformers import XLMRobertaConfig, XLMRobertaForQuestionAnswering, XLMRobertaTokenizer

    _fairseq_spm(folder, trained)
    tokenizer = XLMRobertaTokenizer.from_pretrained(str(folder))
    torch.manual_seed(0)
    config = XLMRobertaConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                              num_attention_heads=4, intermediate_size=64,
                              max_position_embeddings=514, pad_token_id=1, bos_token_id=0,
                              eos_token_id=2)
    model = XLMRobertaForQuestionAnswering(config)
    model.save_pretrained(str(folder))
    tokenizer.save_pretrained(str(folder))
    return folder


def build_all(root: Path) -> dict[str, Path]:
    """All three tiny models under `root`: summary (T5), mbart, qa (XLM-R)."""
    qa = build_xlmr_qa(root / "qa")
    return {"summary": build_t5(root / "summary"),
            "mbart": build_mbart(root / "mbart", qa / "sentencepiece.bpe.model"), "qa": qa}


if __name__ == "__main__":
    for name, path in build_all(Path(sys.argv[1])).items():
        print(name, path)


def build_scripted_mbart(folder: Path, tokenizer_folder: Path, text: str) -> Path:
    """A tiny mBART whose weights make greedy decoding write `text`, whatever the input.

    The decoder's token embeddings and every sub-layer output are zero, so its hidden state at
    step p is a function of the learned position embedding alone (one-hot at p); the untied
    output layer maps position p to the p-th token of `text`. The real class, saved and loaded
    by path: a model that "says" a made-up sentence, to test what happens after generation.
    """
    import torch
    from transformers import AutoTokenizer, MBartConfig, MBartForConditionalGeneration

    folder.mkdir(parents=True, exist_ok=True)
    for name in ("sentencepiece.bpe.model", "tokenizer.json", "tokenizer_config.json"):
        shutil.copy(tokenizer_folder / name, folder / name)
    tokenizer = AutoTokenizer.from_pretrained(str(folder))
    language = tokenizer.convert_tokens_to_ids("ru_RU")
    script = [language] + tokenizer(text, add_special_tokens=False)["input_ids"]
    script.append(tokenizer.eos_token_id)
    width = 64
    assert len(script) <= width, "the scripted text is too long for the tiny model"
    config = MBartConfig(vocab_size=len(tokenizer), d_model=width, encoder_layers=1,
                         decoder_layers=1, encoder_attention_heads=4, decoder_attention_heads=4,
                         encoder_ffn_dim=64, decoder_ffn_dim=64, max_position_embeddings=1024,
                         pad_token_id=1, bos_token_id=0, eos_token_id=2,
                         decoder_start_token_id=2, forced_bos_token_id=language,
                         tie_word_embeddings=False, scale_embedding=False)
    torch.manual_seed(0)
    model = MBartForConditionalGeneration(config)
    decoder = model.model.decoder
    with torch.no_grad():
        model.model.shared.weight.zero_()
        for layer in decoder.layers:
            for linear in (layer.self_attn.out_proj, layer.encoder_attn.out_proj, layer.fc2):
                linear.weight.zero_()
                linear.bias.zero_()
        positions = decoder.embed_positions.weight
        positions.zero_()
        offset = positions.shape[0] - config.max_position_embeddings  # mBART's offset of 2
        model.lm_head.weight.zero_()
        model.final_logits_bias.zero_()
        for step, token in enumerate(script):
            positions[step + offset, step] = 1.0
            model.lm_head.weight[token, step] = 1.0
    model.save_pretrained(str(folder))
    return folder


def build_pointing_xlmr_qa(folder: Path, tokenizer_folder: Path, target: int) -> Path:
    """A tiny XLM-R QA model whose best span is the token `target`, wherever it stands.

    Position embeddings and every sub-layer output are zero, so each token's final hidden state
    is the layer norm of its own embedding; the target's embedding and both rows of the QA head
    are the same ±1 pattern, so only the target scores high as start and end. Which window
    holds the target is then for the windowing and the merge across windows to find.
    """
    import torch
    from transformers import AutoTokenizer, XLMRobertaConfig, XLMRobertaForQuestionAnswering

    folder.mkdir(parents=True, exist_ok=True)
    for name in ("sentencepiece.bpe.model", "tokenizer.json", "tokenizer_config.json"):
        shutil.copy(tokenizer_folder / name, folder / name)
    tokenizer = AutoTokenizer.from_pretrained(str(folder))
    width = 64
    config = XLMRobertaConfig(vocab_size=len(tokenizer), hidden_size=width, num_hidden_layers=1,
                              num_attention_heads=4, intermediate_size=64,
                              max_position_embeddings=514, pad_token_id=1, bos_token_id=0,
                              eos_token_id=2)
    torch.manual_seed(0)
    model = XLMRobertaForQuestionAnswering(config)
    pattern = torch.tensor([1.0, -1.0] * (width // 2))
    with torch.no_grad():
        embeddings = model.roberta.embeddings
        embeddings.position_embeddings.weight.zero_()
        embeddings.token_type_embeddings.weight.zero_()
        embeddings.word_embeddings.weight[target] = pattern
        for layer in model.roberta.encoder.layer:
            for linear in (layer.attention.output.dense, layer.output.dense):
                linear.weight.zero_()
                linear.bias.zero_()
        model.qa_outputs.weight[:] = pattern
        model.qa_outputs.bias.zero_()
    model.save_pretrained(str(folder))
    return folder


def build_deberta_qa(folder: Path) -> Path:
    """mDeBERTa-v3's class (DebertaV2ForQuestionAnswering, the class of
    timpal0l/mdeberta-v3-base-squad2): its tokenizer also returns token_type_ids."""
    import torch
    from transformers import DebertaV2Config, DebertaV2ForQuestionAnswering, DebertaV2Tokenizer

    folder.mkdir(parents=True, exist_ok=True)
    train_sentencepiece(folder / "spm", {"pad_id": 0, "bos_id": 1, "eos_id": 2, "unk_id": 3})
    tokenizer = DebertaV2Tokenizer.from_pretrained(str(folder))
    torch.manual_seed(0)
    config = DebertaV2Config(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                             num_attention_heads=4, intermediate_size=64,
                             max_position_embeddings=512, relative_attention=True,
                             position_buckets=64, pos_att_type=["p2c", "c2p"],
                             type_vocab_size=0, pad_token_id=tokenizer.pad_token_id)
    model = DebertaV2ForQuestionAnswering(config)
    model.save_pretrained(str(folder))
    tokenizer.save_pretrained(str(folder))
    return folder
