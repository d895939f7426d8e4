"""Fine-tuning the e5 reader on Russian SberQuAD: `python -m bot models train-reader`.

Why these settings (DESIGN.md, cost table for 2 CPU cores): the 96M-parameter word-embedding
matrix stays frozen (it is rebuilt from the wheel at load, so it need not ship), bf16 autocast,
256-token windows with a 96-token overlap, and batches of windows of similar length so little
time goes on padding. Windows without the answer teach the no-answer score; one in three is
kept. The epoch is chosen on SberQuAD's dev rows, never on ../shared/eval. Windows are cut
and read exactly as the engine cuts and reads an article (models/qa/windows.py), with the same
lowercasing tokenizer.
"""

from __future__ import annotations

import json
import logging
import math
import random
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from models.qa import windows as qa_windows

MAX_LENGTH = 256  # tokens per window, question included
STRIDE = 96  # tokens two neighbouring windows of one passage share
MAX_QUESTION_TOKENS = 64  # a longer "question" (some SberQuAD rows hold a paragraph) is cut

logger = logging.getLogger(__name__)


@dataclass
class TrainConfig:
    train_file: str
    dev_file: str
    out_dir: str
    epochs: int = 3
    learning_rate: float = 1e-4
    warmup: float = 0.1
    weight_decay: float = 0.01
    batch_size: int = 16
    max_length: int = MAX_LENGTH
    stride: int = STRIDE
    max_question_tokens: int = MAX_QUESTION_TOKENS
    negative_keep: float = 1 / 3
    freeze_word_embeddings: bool = True
    cased: bool = False  # capitals restored on the rows (models/reader/truecase.py), read cased
    init_dir: str | None = None  # start from this trained reader's weights, not the bare base
    nerel_file: str | None = None  # add questions made from these NEREL texts' relations
    bf16: bool | None = None  # bf16 autocast; None: where the device runs bf16 fast
    seed: int = 13
    device: str = "cpu"
    threads: int = 0
    limit: int | None = None  # rows of the train file (for a quick run)
    dev_limit: int | None = None
    # SberQuAD-format rows trained on beside the train file (`--extra`, repeatable): readers'
    # corrections from `models export-feedback`; a row with no answers is unanswerable
    extra_files: tuple[str, ...] = ()
    max_steps: int | None = None  # stop after this many optimizer steps (a quick run)
    # same-text questions the text does not answer (models/training/negatives.py): this share
    # of the rows again with their answer's sentence cut out, and NEREL questions about
    # relations a text leaves open (with nerel_file)
    negative_share: float = 0.0
    typed_share: float = 0.0  # this share of the questions typed as users type them


@dataclass
class Feature:
    input_ids: list[int]
    start: int
    end: int


def read_rows(path: str, limit: int | None = None) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                rows.append(json.loads(line))
            if limit and len(rows) >= limit:
                break
    return rows


def truecased_rows(rows: list[dict]) -> list[dict]:
    """The rows with capitals restored on their contexts and questions, each answer's text
    taken again from the cased context (truecasing keeps every offset)."""
    from natasha import MorphVocab

    from models.reader.truecase import Truecaser

    truecase = Truecaser(MorphVocab())
    cased = []
    for row in rows:
        context = truecase(row["context"])
        answers = [{**a, "text": context[a["answer_start"]:a["answer_start"] + len(a["text"])]}
                   for a in row["answers"]]
        cased.append({**row, "context": context, "question": truecase(row["question"]),
                      "answers": answers})
    return cased


def make_features(tokenizer, rows: list[dict], config: TrainConfig, rng: random.Random
                  ) -> list[Feature]:
    """Training windows with the answer's first and last token (0, 0 = not in this window);
    cut exactly as the engine cuts an article for the reader (models/qa/windows.py)."""
    features = []
    for row in rows:
        if row.get("answers"):
            answer = row["answers"][0]
            a_start = answer["answer_start"]
            a_stop = a_start + len(answer["text"])
        else:  # the text does not answer: every window teaches the no-answer score
            a_start = a_stop = -1
        for window in qa_windows.build_windows(tokenizer, row["question"], row["context"],
                                               max_length=config.max_length,
                                               stride=config.stride,
                                               max_question_tokens=config.max_question_tokens):
            first = last = 0
            for k, (begin, end) in enumerate(window.offsets):
                if not window.in_context[k] or end <= begin:
                    continue
                if first == 0 and begin <= a_start < end:
                    first = k
                if begin < a_stop <= end:
                    last = k
            inside = first and last and last >= first
            if not inside and a_start >= 0 and rng.random() >= config.negative_keep:
                continue
            features.append(Feature(list(window.input_ids), first if inside else 0,
                                    last if inside else 0))
    return features


def news_questions(config: TrainConfig) -> tuple[list[dict], list[dict]]:
    """Questions made from NEREL relations (models/training/nerel_questions.py): those of its
    train texts to learn from, those of the held-out texts to score; none without a file.
    `limit` caps them too, for a quick run."""
    if not config.nerel_file:
        return [], []
    from natasha import MorphVocab

    from models.training.nerel_questions import make_rows

    morph = MorphVocab()
    train_rows = make_rows(config.nerel_file, morph, config.seed)
    dev_rows = make_rows(config.nerel_file, morph, config.seed, dev=True)
    return train_rows[:config.limit], dev_rows[:config.dev_limit]


def unanswerable_rows(config: TrainConfig, rows: list[dict], rng: random.Random
                      ) -> list[dict]:
    """Same-text questions the text does not answer (models/training/negatives.py), none
    unless `negative_share` is set."""
    if not config.negative_share:
        return []
    from models.training.negatives import same_text_negatives

    made = same_text_negatives(rows, config.negative_share, rng)
    if config.nerel_file:
        from natasha import MorphVocab

        from models.training.nerel_questions import unanswered_rows

        made += unanswered_rows(config.nerel_file, MorphVocab(), config.seed)[:config.limit]
    return made


def typed_rows(config: TrainConfig, rows: list[dict], rng: random.Random) -> list[dict]:
    """`rows` with `typed_share` of their questions typed as users type them; a cased reader
    gets them with the names' capitals restored, as the engine restores them before reading."""
    if not config.typed_share:
        return rows
    from models.training.negatives import typed_like_users

    truecase = None
    if config.cased:
        from natasha import MorphVocab

        from models.reader.truecase import Truecaser, needs_truecase

        truecase = Truecaser(MorphVocab())
    typed = []
    for row in rows:
        if rng.random() < config.typed_share:
            question = typed_like_users(row["question"], rng)
            if truecase is not None and needs_truecase(question):
                question = truecase(question)
            row = {**row, "question": question}
        typed.append(row)
    return typed


def pad_batch(rows: list[list[int]], pad_id: int) -> tuple[np.ndarray, np.ndarray]:
    """Input ids and attention mask padded to the longest row of the batch."""
    width = max(len(r) for r in rows)
    ids = np.full((len(rows), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for i, row in enumerate(rows):
        ids[i, :len(row)] = row
        mask[i, :len(row)] = 1
    return ids, mask


def length_batches(features: list[Feature], batch_size: int, rng: random.Random
                   ) -> list[list[Feature]]:
    """Batches of windows of similar length, in random order (little padding, still shuffled)."""
    order = sorted(range(len(features)), key=lambda i: (len(features[i].input_ids), rng.random()))
    batches = [[features[i] for i in order[k:k + batch_size]]
               for k in range(0, len(order), batch_size)]
    rng.shuffle(batches)
    return batches


def build_qa_model(piece_ids: list[int]):
    """BertForQuestionAnswering holding the wheel's e5 encoder (word embeddings: the reader's
    compact vocabulary `piece_ids`) and a fresh span head."""
    from transformers import BertForQuestionAnswering

    from models.e5.base import (
        WORD_EMBEDDINGS,
        _check_loaded,
        base_state,
        read_layout,
        read_word_embeddings,
    )
    from models.reader.loading import reader_config

    layout = read_layout(with_vocab=False)
    model = BertForQuestionAnswering(reader_config(layout.header, len(piece_ids)))
    state = base_state(layout, prefix="bert.", skip=(WORD_EMBEDDINGS,))
    state["bert." + WORD_EMBEDDINGS] = read_word_embeddings(layout=layout, rows=piece_ids)
    missing, unexpected = model.load_state_dict(state, strict=False)
    _check_loaded([m for m in missing if not m.startswith("qa_outputs")], unexpected)
    return model


def evaluate_dev(model, tokenizer, rows: list[dict], config: TrainConfig, device) -> dict:
    """SQuAD EM/F1 on dev rows: the best span over each row's windows, read by the engine's own
    forward pass (`SpanQA.infer`) and picked as it picks (all dev rows are answerable, so no
    no-answer decision here)."""
    from models.core.config import QaOptions
    from models.hf.loading import LoadedModel, ModelClock
    from models.metrics import exact_match, token_f1
    from models.qa.span_reader import SpanQA

    loaded = LoadedModel(model=model, tokenizer=tokenizer, source="training", device=str(device),
                         dtype="bf16 autocast" if config.bf16 else "float32", load_seconds=0.0)
    qa = SpanQA(loaded, QaOptions(max_length=config.max_length, stride=config.stride,
                                  bf16=config.bf16, batch_size=config.batch_size), ModelClock())
    model.eval()
    em = f1 = 0.0
    for row in rows:
        windows = qa_windows.build_windows(tokenizer, row["question"], row["context"],
                                           max_length=config.max_length, stride=config.stride,
                                           max_question_tokens=config.max_question_tokens)
        found = [qa_windows.best_span(w, starts, ends)
                 for w, (starts, ends) in zip(windows, qa.infer(windows))]
        best, _ = qa_windows.merge_candidates([c for c in found if c is not None],
                                              null_threshold=float("-inf"))
        text = row["context"][best.start:best.stop].strip() if best else ""
        golds = [a["text"] for a in row["answers"]]
        em += exact_match(text, golds)
        f1 += token_f1(text, golds)
    model.train()
    n = max(1, len(rows))
    return {"exact_match": em / n, "f1": f1 / n, "rows": len(rows)}


def start_from(model, folder: Path) -> None:
    """Load a trained reader's weights (its `reader.safetensors`, everything but the word
    embeddings) into `model`: a reader that already reads lowercase text learns cased text
    in fewer steps than the bare base."""
    from models.reader.loading import check_fits, trained_state

    state = trained_state(folder)
    check_fits(model, state, folder)
    model.load_state_dict(state, strict=False)


def trainable_state(model) -> dict:
    """What training changed: everything but the frozen word embeddings, as fp16 tensors."""
    from models.reader.loading import READER_WORD_EMBEDDINGS

    return {name: tensor.detach().to("cpu").half().contiguous()
            for name, tensor in model.state_dict().items()
            if name != READER_WORD_EMBEDDINGS}


def train(config: TrainConfig) -> dict:
    """Fine-tune, keep the best epoch on dev, write weights + card; returns the summary."""
    import torch
    from safetensors.torch import save_file
    from transformers import get_linear_schedule_with_warmup

    from models.reader.loading import load_reader_tokenizer

    started = time.time()
    random.seed(config.seed)
    np.random.seed(config.seed)
    torch.manual_seed(config.seed)
    if config.threads:
        torch.set_num_threads(config.threads)
    device = torch.device(config.device)
    if config.bf16 is None:
        from models.hf.loading import fast_bf16

        config = replace(config, bf16=fast_bf16(device.type))
    out = Path(config.out_dir)
    out.mkdir(parents=True, exist_ok=True)

    tokenizer, piece_ids = load_reader_tokenizer(cased=config.cased)
    model = build_qa_model(piece_ids)
    if config.init_dir:
        start_from(model, Path(config.init_dir))
    model = model.to(device)
    if config.freeze_word_embeddings:
        model.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    rng = random.Random(config.seed)
    train_rows = read_rows(config.train_file, config.limit)
    dev_rows = read_rows(config.dev_file, config.dev_limit)
    if config.cased:
        train_rows, dev_rows = truecased_rows(train_rows), truecased_rows(dev_rows)
    news_rows, news_dev = news_questions(config)
    extra_rows = [row for path in config.extra_files for row in read_rows(path)]
    if config.cased:
        extra_rows = truecased_rows(extra_rows)
    rows = train_rows + news_rows + extra_rows
    negatives = unanswerable_rows(config, rows, rng)
    rows = typed_rows(config, rows + negatives, rng)
    features = make_features(tokenizer, rows, config, rng)
    positives = sum(1 for f in features if f.end)
    logger.info("train: %d rows (%d from NEREL, %d extra, %d unanswerable) -> %d windows (%d with "
                "the answer); dev %d rows (+%d from NEREL)", len(rows), len(news_rows),
                len(extra_rows), len(negatives), len(features), positives, len(dev_rows),
                len(news_dev))

    decay, no_decay = [], []
    for name, param in model.named_parameters():
        if param.requires_grad:
            (no_decay if param.ndim == 1 else decay).append(param)
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": config.weight_decay},
                                   {"params": no_decay, "weight_decay": 0.0}],
                                  lr=config.learning_rate)
    steps_per_epoch = math.ceil(len(features) / config.batch_size)
    total = steps_per_epoch * config.epochs
    if config.max_steps:
        total = min(total, config.max_steps)
    scheduler = get_linear_schedule_with_warmup(optimizer, int(config.warmup * total), total)

    history = []
    best: dict | None = None
    model.train()
    step = 0
    for epoch in range(1, config.epochs + 1):
        epoch_started = time.time()
        losses = []
        for batch in length_batches(features, config.batch_size, rng):
            if step >= total:  # --max-steps reached
                break
            ids, mask = pad_batch([f.input_ids for f in batch], tokenizer.pad_token_id)
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=config.bf16):
                output = model(input_ids=torch.from_numpy(ids).to(device),
                               attention_mask=torch.from_numpy(mask).to(device),
                               start_positions=torch.tensor([f.start for f in batch], device=device),
                               end_positions=torch.tensor([f.end for f in batch], device=device))
            output.loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            losses.append(float(output.loss.detach()))
            step += 1
            if step % 50 == 0:
                logger.info("epoch %d step %d/%d loss %.3f (%.0f s)", epoch, step, total,
                            float(np.mean(losses[-50:])), time.time() - started)
        dev = evaluate_dev(model, tokenizer, dev_rows, config, device)
        record = {"epoch": epoch, "train_loss": float(np.mean(losses)), **dev,
                  "epoch_seconds": round(time.time() - epoch_started, 1)}
        if news_dev:
            news = evaluate_dev(model, tokenizer, news_dev, config, device)
            record.update(news_f1=news["f1"], news_exact_match=news["exact_match"],
                          news_rows=news["rows"])
        history.append(record)
        logger.info("epoch %d: dev F1 %.4f EM %.4f%s", epoch, dev["f1"], dev["exact_match"],
                    f"; NEREL dev F1 {record['news_f1']:.4f}" if news_dev else "")
        if best is None or dev["f1"] > best["f1"]:
            best = record
            save_file(trainable_state(model), str(out / "reader.safetensors"),
                      metadata={"epoch": str(epoch), "dev_f1": f"{dev['f1']:.4f}"})
        (out / "training_log.json").write_text(json.dumps(
            {"config": asdict(config), "history": history}, indent=1), encoding="utf-8")
        if step >= total:
            break
    summary = {"config": asdict(config), "history": history, "best": best,
               "train_windows": len(features), "train_positive_windows": positives,
               "news_train_rows": len(news_rows),
               "feedback_rows": len(extra_rows),
               "unanswerable_rows": len(negatives),
               "steps": step,
               "seconds": round(time.time() - started, 1),
               "torch": torch.__version__, "threads": torch.get_num_threads()}
    (out / "training_log.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    return summary
