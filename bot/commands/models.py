"""`python -m bot models download|where|train-reader|…`: model folders, and the reader's training.

`train-reader` fine-tunes the embedded engine's QA reader (models/training/trainer.py) on the
SberQuAD rows in ../shared/train and writes its weights, log and model card to `--out`
(default: models/reader/weights, where the engine loads them from). `average-readers` writes
the mean of two or more trained readers' weights (models/training/averaging.py): the shipped one.

`export-feedback` writes the readers' corrections (`python -m bot eval feedback` counts them)
from the chats that allow learning from them as SberQuAD rows, for `train-reader --extra FILE`
(repeatable; the card records how many) and `eval natural FILE`; `calibrate-reader --votes`
chooses the reader's no-answer floor again from the votes.

`download` stores each configured hub model (SUMMARY_MODEL, QA_MODEL, or `--model` ids) in
`MODEL_DIR/<owner--name>` with huggingface_hub's `snapshot_download`; the transformers engine
looks there before the hub, so copying MODEL_DIR to a machine without internet is enough.
Weights in formats transformers does not load for PyTorch (TF, Flax, ONNX...) are skipped, and
`*.bin` files too when the repository has safetensors. `where` says where each model would load
from. Exit codes: 0 ok, 2 a model could not be had (the message says which and why).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from bot.settings import Settings

EXIT_OK, EXIT_FAILED = 0, 2
SHARED_TRAIN = Path(__file__).resolve().parents[2].parent / "shared" / "train"
SKIPPED = ["*.h5", "*.msgpack", "*.ot", "*.onnx", "*.onnx_data", "*.tflite", "*.mlmodel",
           "tf_model*", "flax_model*", "rust_model*", "onnx/*", "coreml/*", "openvino/*",
           ".gitattributes"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["download", "where", "train-reader", "calibrate-reader",
                                           "average-readers", "nerel-dev", "export-feedback"],
                        help="download: store the models in MODEL_DIR; where: show sources; "
                             "train-reader: fine-tune the embedded engine's QA reader; "
                             "calibrate-reader: choose its windows and no-answer threshold; "
                             "average-readers: the mean of the --average readers' weights, "
                             "written to --out; "
                             "nerel-dev: write the held-out NEREL questions with their whole "
                             "texts to --out, for `python -m bot eval qa FILE`; "
                             "export-feedback: readers' corrections from the database as "
                             "SberQuAD rows in --out, for train-reader --extra")
    parser.add_argument("--dir", default=None, help="folder to store them in (default MODEL_DIR)")
    parser.add_argument("--model", action="append", default=None,
                        help="hub id to download (repeatable; default SUMMARY_MODEL and QA_MODEL)")
    parser.add_argument("--revision", default=None, help="branch, tag or commit (default main)")
    reader = parser.add_argument_group("train-reader")
    reader.add_argument("--out", default=None, help="where the reader's weights and card go "
                        "(default models/reader/weights)")
    reader.add_argument("--epochs", type=int, default=3)
    reader.add_argument("--lr", type=float, default=1e-4)
    reader.add_argument("--seed", type=int, default=13)
    reader.add_argument("--cased", action="store_true",
                        help="train on SberQuAD with its capitals restored and read text as "
                             "written (models/reader/truecase.py)")
    reader.add_argument("--init", default=None, metavar="FOLDER",
                        help="start from the reader in FOLDER (e.g. models/reader/weights) "
                             "instead of the bare e5 base")
    reader.add_argument("--nerel", action="store_true",
                        help="also train on questions made from NEREL's relations (news; "
                             "models/training/nerel_questions.py), scored on held-out texts")
    reader.add_argument("--average", action="append", default=None, metavar="FOLDER",
                        help="average-readers: a trained reader's folder (twice or more)")
    reader.add_argument("--extra", action="append", default=None, metavar="FILE",
                        help="train-reader: also train on these SberQuAD-format rows "
                             "(repeatable; e.g. export-feedback's file)")
    reader.add_argument("--max-steps", type=int, default=None,
                        help="train-reader: stop after N optimizer steps (a quick run)")
    reader.add_argument("--negatives", type=float, default=0.0, metavar="SHARE",
                        help="train-reader: also train on questions the same text does not "
                             "answer (SHARE of the rows with their answer's sentence cut out; "
                             "with --nerel, questions on relations a text leaves open)")
    reader.add_argument("--typed", type=float, default=0.0, metavar="SHARE",
                        help="train-reader: type SHARE of the questions as users type them "
                             "(lowercase, no question mark, some typos)")
    reader.add_argument("--votes", action="store_true",
                        help="calibrate-reader: choose the reader's no-answer floor again from "
                             "the readers' votes in the database (chats that allow learning)")
    reader.add_argument("--min-votes", type=int, default=None,
                        help="calibrate-reader --votes: voted answers needed to move the floor")
    reader.add_argument("--limit", type=int, default=None, help="train on the first N rows only")
    reader.add_argument("--dev-limit", type=int, default=None, help="score the first N dev rows")
    reader.add_argument("--saved", action="store_true",
                        help="calibrate-reader: choose the floors again from the figures the last "
                             "run saved (calibration.json), asking no questions")
    reader.add_argument("--length-floors", action="store_true",
                        help="calibrate-reader: choose the no-answer floors of short questions "
                             "from retrieval alone on the SberQuAD train and dev rows (~20 min)")
    reader.add_argument("--windows", nargs="+", default=None,
                        help="calibrate-reader: WINDOWS:SENTENCES[:WEIGHT] choices to compare, "
                             "e.g. 2:0 4:4:20 (default: models/training/calibration.py "
                             "WINDOW_CHOICES)")


def download(model_id: str, root: Path, revision: str | None) -> Path:
    """Store `model_id` under `root/<safe name>`; raises ModelUnavailable with the reason."""
    from huggingface_hub import HfApi, snapshot_download
    from huggingface_hub import errors as hub_errors

    from models.core.errors import ModelUnavailable
    from models.hf.loading import hub_reachable, safe_name, unreachable_message

    reachable, why = hub_reachable()
    if not reachable:
        raise ModelUnavailable(unreachable_message(None, model_id, str(root), why))
    target = root / safe_name(model_id)
    try:
        files = HfApi().list_repo_files(model_id, revision=revision)
        skipped = list(SKIPPED)
        if any(f.endswith(".safetensors") for f in files):
            skipped += ["*.bin", "*.pt"]
        snapshot_download(model_id, revision=revision, local_dir=str(target),
                          ignore_patterns=skipped)
    except hub_errors.RepositoryNotFoundError:
        raise ModelUnavailable(f"The hub has no model {model_id!r} (or it is private).") from None
    except hub_errors.RevisionNotFoundError:
        raise ModelUnavailable(f"Model {model_id!r} has no revision {revision!r}.") from None
    except (hub_errors.HfHubHTTPError, OSError) as exc:
        raise ModelUnavailable(
            f"Could not download {model_id!r}: {str(exc).splitlines()[0]}") from None
    return target


def train_reader(args: argparse.Namespace, settings: Settings) -> int:
    """Fine-tune the reader; DEVICE=cuda (or auto with a GPU present) trains on the GPU."""
    from models.core.errors import ModelUnavailable
    from models.hf.loading import pick_device
    from models.reader.loading import WEIGHTS_DIR
    from models.training.card import write_card
    from models.training.trainer import TrainConfig, train

    data = SHARED_TRAIN / "sberquad_subset"
    train_file, dev_file = data / "sberquad_subset.train.jsonl", data / "sberquad_subset.dev.jsonl"
    if not train_file.is_file() or not dev_file.is_file():
        print(f"error: no SberQuAD rows in {data} (see ../shared/train/README.md)", file=sys.stderr)
        return EXIT_FAILED
    nerel_file = SHARED_TRAIN / "nerel_train" / "nerel_v1.1_train.jsonl"
    if args.nerel and not nerel_file.is_file():
        print(f"error: no NEREL texts at {nerel_file}", file=sys.stderr)
        return EXIT_FAILED
    extra = [Path(path) for path in args.extra or []]
    for path in extra:
        if (problem := _extra_problem(path)) is not None:
            print(f"error: --extra {path}: {problem}", file=sys.stderr)
            return EXIT_FAILED
    if args.max_steps is not None and args.max_steps < 1:
        print("error: --max-steps must be a positive number", file=sys.stderr)
        return EXIT_FAILED
    try:
        device = pick_device(settings.device)
    except ModelUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    config = TrainConfig(str(train_file), str(dev_file), args.out or str(WEIGHTS_DIR),
                         epochs=args.epochs, learning_rate=args.lr, seed=args.seed,
                         device=device, threads=settings.nlp_threads,
                         limit=args.limit, dev_limit=args.dev_limit, cased=args.cased,
                         init_dir=args.init, nerel_file=str(nerel_file) if args.nerel else None,
                         extra_files=tuple(str(path) for path in extra),
                         max_steps=args.max_steps, negative_share=args.negatives,
                         typed_share=args.typed)
    summary = train(config)
    card = write_card(Path(config.out_dir), summary)
    best = summary["best"]
    print(f"best epoch {best['epoch']}: dev F1 {best['f1']:.4f} EM {best['exact_match']:.4f}; "
          f"{summary['steps']} steps, {summary['feedback_rows']} feedback rows; "
          f"{summary['seconds'] / 60:.1f} min; weights and card in {card.parent}")
    return EXIT_OK


def _extra_problem(path: Path) -> str | None:
    """Why `path` is not SberQuAD-format rows train-reader can read, or None."""
    if not path.is_file():
        return "no such file"
    try:
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                row = json.loads(line)
                answers = row.get("answers") if isinstance(row, dict) else None
                if (not isinstance(answers, list) or not isinstance(row.get("context"), str)
                        or not isinstance(row.get("question"), str)):
                    return f"line {number} is not a row {{context, question, answers: [...]}}"
                for answer in answers:
                    start, text = answer.get("answer_start"), answer.get("text")
                    if not isinstance(start, int) or row["context"][start:start + len(
                            text or "")] != text:
                        return f"line {number}: an answer is not at its answer_start"
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, AttributeError,
            TypeError) as exc:
        return f"cannot be read ({type(exc).__name__}: {exc})"
    return None


def export_feedback(args: argparse.Namespace, settings: Settings) -> int:
    """Readers' corrections (chats that allow learning from them) as SberQuAD rows."""
    import asyncio

    from bot.evaluation.feedback import export_rows

    if not args.out:
        print("error: give the file to write: --out FILE", file=sys.stderr)
        return EXIT_FAILED
    corrections = asyncio.run(_from_database(
        settings, lambda repo: repo.corrections(consenting_only=True)))
    rows = export_rows(corrections)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows),
                   encoding="utf-8")
    unanswerable = sum(not row["answers"] for row in rows)
    print(f"{len(rows)} feedback rows ({unanswerable} not answered by the article) from "
          f"{len(corrections)} corrections in {out}")
    return EXIT_OK


async def _from_database(settings: Settings, read):  # noqa: ANN001, ANN202
    """`read(FeedbackRepo)` on the configured database (its schema brought up to date)."""
    from bot.storage.db import create_schema, create_sessionmaker
    from bot.storage.feedback import FeedbackRepo

    db = settings.create_db_engine()
    try:
        await create_schema(db)
        async with create_sessionmaker(db)() as session:
            return await read(FeedbackRepo(session))
    finally:
        await db.dispose()


def calibrate_from_votes(args: argparse.Namespace, settings: Settings) -> int:
    """The reader's margin floor chosen again from the votes (models/training/calibration.py)."""
    import asyncio

    from bot.evaluation.feedback import vote_outcomes
    from models.reader.loading import WEIGHTS_DIR
    from models.training.calibration import MIN_VOTES, rechoose_from_votes

    folder = Path(args.out or WEIGHTS_DIR)
    votes = asyncio.run(_from_database(settings,
                                       lambda repo: repo.votes(consenting_only=True)))
    section = rechoose_from_votes(folder, vote_outcomes(votes),
                                  args.min_votes if args.min_votes is not None else MIN_VOTES)
    print(json.dumps(section, indent=1, ensure_ascii=False))
    return EXIT_OK


def calibrate_reader(args: argparse.Namespace, settings: Settings) -> int:
    """Choose the reader's windows and no-answer threshold on SberQuAD dev (never on eval)."""
    from models.core.config import EngineConfig
    from models.engines.embedded import EmbeddedEngine
    from models.reader.loading import WEIGHTS_DIR
    from models.training.calibration import calibrate

    folder = Path(args.out or WEIGHTS_DIR)
    if args.votes:
        return calibrate_from_votes(args, settings)
    if args.saved:
        from models.training.calibration import rechoose

        return _print_report(rechoose(folder))
    dev_file = SHARED_TRAIN / "sberquad_subset" / "sberquad_subset.dev.jsonl"
    train_file = dev_file.with_name("sberquad_subset.train.jsonl")
    if not dev_file.is_file() or (args.length_floors and not train_file.is_file()):
        print(f"error: no SberQuAD rows at {dev_file.parent}", file=sys.stderr)
        return EXIT_FAILED
    engine = EmbeddedEngine.load(EngineConfig(device=settings.device, threads=settings.nlp_threads,
                                              reader_dir=str(folder)))
    if args.length_floors:
        from models.training.calibration import calibrate_length_floors

        section = calibrate_length_floors(engine, [train_file, dev_file], folder,
                                          limit=args.dev_limit)
        print(json.dumps(section, indent=1, ensure_ascii=False))
        return EXIT_OK
    from models.training.calibration import WINDOW_CHOICES

    report = calibrate(engine, dev_file, folder, limit=args.dev_limit,
                       window_choices=tuple(_window_choice(w) for w in args.windows)
                       if args.windows else WINDOW_CHOICES)
    return _print_report(report)


def average_readers(args: argparse.Namespace) -> int:
    """Write the mean of trained readers' weights (models/training/averaging.py) to --out."""
    from models.core.errors import ModelUnavailable
    from models.training.averaging import write_average

    folders = [Path(folder) for folder in args.average or []]
    if len(folders) < 2 or not args.out:
        print("error: give two or more --average FOLDER and an --out folder", file=sys.stderr)
        return EXIT_FAILED
    try:
        written = write_average(folders, Path(args.out))
    except ModelUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(f"the mean of {len(folders)} readers in {written}")
    return EXIT_OK


def nerel_dev(args: argparse.Namespace) -> int:
    """News questions about whole texts that no reader trained on (the NEREL texts held out
    by `nerel_questions.is_dev`): where retrieval changes are measured before XQuAD."""
    from natasha import MorphVocab

    from models.training.nerel_questions import whole_text_rows

    nerel_file = SHARED_TRAIN / "nerel_train" / "nerel_v1.1_train.jsonl"
    if not nerel_file.is_file():
        print(f"error: no NEREL texts at {nerel_file}", file=sys.stderr)
        return EXIT_FAILED
    rows = whole_text_rows(str(nerel_file), MorphVocab(), args.seed)
    out = Path(args.out or "data/nerel_dev_whole.jsonl")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows),
                   encoding="utf-8")
    print(f"{len(rows)} questions about {len({r['context'] for r in rows})} texts in {out}")
    return EXIT_OK


def _window_choice(text: str) -> tuple[int, int, float]:
    """«4:4:20» → (4, 4, 20.0); the weight may be left out (0)."""
    parts = text.split(":")
    return int(parts[0]), int(parts[1]), float(parts[2]) if len(parts) > 2 else 0.0


def _print_report(report: dict) -> int:
    """The calibration report, less its per-question figures (those stay in calibration.json)."""
    shown = {k: v for k, v in report.items() if k != "per_question"}
    print(json.dumps(shown, indent=1, ensure_ascii=False))
    return EXIT_OK


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.action == "train-reader":
        return train_reader(args, settings)
    if args.action == "calibrate-reader":
        return calibrate_reader(args, settings)
    if args.action == "average-readers":
        return average_readers(args)
    if args.action == "nerel-dev":
        return nerel_dev(args)
    if args.action == "export-feedback":
        return export_feedback(args, settings)
    from models.core.errors import ModelUnavailable
    from models.hf.loading import resolve_source

    for noisy in ("httpx", "httpx2"):  # one INFO line per file request otherwise
        logging.getLogger(noisy).setLevel(logging.WARNING)

    root = Path(args.dir) if args.dir else Path(settings.model_dir)
    names = args.model or [settings.summary_model, settings.qa_model]
    status = EXIT_OK
    for name in dict.fromkeys(names):  # each once, in order
        try:
            source, local = resolve_source(name, str(root))
            if args.action == "where":
                print(f"{name}\t{'folder ' + source if local else 'hub (or its cache)'}")
            elif local:
                print(f"{name}: already a local folder ({source})")
            else:
                print(f"{name}: downloaded to {download(name, root, args.revision)}")
        except ModelUnavailable as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = EXIT_FAILED
    if args.action == "download" and status == EXIT_OK and not args.dir:
        print(f"The engine finds them in MODEL_DIR={root}; set NLP_ENGINE=transformers to use it.")
    elif args.action == "download" and status == EXIT_OK:
        print(f"Set MODEL_DIR={root} (and NLP_ENGINE=transformers) to use them.")
    return status
