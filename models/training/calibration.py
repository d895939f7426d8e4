"""Choosing how the reader is used, on SberQuAD dev rows only (never on ../shared/eval).

Users ask about whole articles, not single paragraphs, so the dev paragraphs are joined into
pseudo-articles of `PARAGRAPHS_PER_ARTICLE` (in file order) and each dev question is asked
twice through the real engine (retrieval, then the reader): against its own pseudo-article
(answerable) and against the next one (not answerable: a question about another article).
From that: how many windows the reader reads (`top_windows`: F1 against time) and when to say
"not in the article": the reader's margin (best span score minus the no-answer score) and the
retrieval score of the best sentence each get a floor; the pair of floors that rejects the most
wrong-article questions while turning away at most `MAX_REJECTED` of the answerable ones wins.
(The reader alone is overconfident on a wrong article: it saw few windows without the answer in
training, SberQuAD paragraphs being short.)

Short questions match their sentence less than long ones (one content word: the median best
score of an answerable question is 0.90, of seven or more 1.24), so one floor turned away 40% of
the answerable one-word questions. `length_floors` measures retrieval alone (no reader: the
floors read only the retrieval score) on the train and dev rows, which retrieval never learned
from, and gives each number of content words a floor of its own where that is lower.
"""

from __future__ import annotations

import json
import logging
import math
import time
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np

from models.core.types import Article
from models.metrics import holds_gold, percentile, token_f1
from models.reader.loading import SETTINGS_FILE, ReaderSettings
from models.training.trainer import read_rows

logger = logging.getLogger(__name__)

PARAGRAPHS_PER_ARTICLE = 6
MAX_REJECTED = 0.02  # answerable questions the threshold may turn away (the target is 3%)
# The reader's own no-answer score is used only when it rejects this many more wrong-article
# questions than retrieval alone: it saw few windows without the answer in training, and on a
# right article it sometimes scores "no answer" above a right span («Что подписали?» on the seed).
MARGIN_GAIN = 0.02
# (top_windows, answer_sentences, retrieval_weight): the windows around the best sentences with
# a span anywhere in them, or one window for each of the n best sentences with the span inside one
# of those; with a weight, each sentence's best span scores its logits plus the weight times the
# sentence's retrieval score
WINDOW_CHOICES = ((2, 0, 0.0), (3, 0, 0.0), (4, 4, 0.0), (2, 0, 10.0), (2, 0, 20.0),
                  (2, 0, 40.0), (3, 0, 20.0))
REPORT_FILE = "calibration.json"
SHORT_QUESTION_WORDS = 7  # content words: groups 1..6 and "7 or more" get floors of their own
F1_TOLERANCE = 0.005  # among choices this near the best F1, those this near the best evidence
EVIDENCE_TOLERANCE = 0.004  # (two dev questions) win; then the fewest windows, smallest weight


def pseudo_articles(rows: list[dict]) -> tuple[list[str], list[int]]:
    """Dev paragraphs joined into articles; returns the articles and each row's article."""
    paragraphs = list(dict.fromkeys(row["context"] for row in rows))
    group = {p: i // PARAGRAPHS_PER_ARTICLE for i, p in enumerate(paragraphs)}
    articles = ["\n\n".join(paragraphs[k:k + PARAGRAPHS_PER_ARTICLE])
                for k in range(0, len(paragraphs), PARAGRAPHS_PER_ARTICLE)]
    return articles, [group[row["context"]] for row in rows]


def _share_below(values: np.ndarray, floor: float | np.ndarray) -> float:
    """The share of `values` under `floor` (one floor, or one per value); 0 for none."""
    return float((values < floor).mean()) if len(values) else 0.0


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def _rounded(value: float) -> float:
    return round(value, 3) if math.isfinite(value) else -1e9


def _margin(score: float) -> float:
    """The reader's Answer.score is sigmoid(margin): invert it."""
    score = min(max(score, 1e-12), 1 - 1e-12)
    return math.log(score / (1 - score))


def _ask_all(engine, articles: list[str], rows: list[dict], which: list[int]) -> dict:
    """Each row's question asked of article `which[i]`: retrieval ranks its sentences once, the
    reader reads the windows around the best (no floor: every question is measured)."""
    from models.qa.retrieval import rank_evidence

    reader = engine.reader()
    margins, retrieval, f1s, evidence, seconds = [], [], [], [], []
    for row, k in zip(rows, which):
        doc = engine.analyze(Article(articles[k]))
        started = time.perf_counter()
        ranked = rank_evidence(doc, row["question"], engine.toolkit)
        answer = reader.answer(doc, row["question"], ranked)
        seconds.append(time.perf_counter() - started)
        margins.append(_margin(answer.score))
        retrieval.append(ranked[0][1] if ranked else -1.0)
        f1s.append(token_f1(answer.text, [a["text"] for a in row["answers"]]))
        paragraph = articles[k].find(row["context"])  # -1: asked of another article
        evidence.append(answer.found and paragraph >= 0 and holds_gold(
            articles[k], answer.sentence, answer.start, row["answers"], offset=paragraph))
    return {"margins": np.array(margins), "retrieval": np.array(retrieval), "f1": np.array(f1s),
            "evidence": np.array(evidence, dtype=float),
            "seconds": seconds}


def choose_floors(positives: dict, negatives: dict, max_rejected: float = MAX_REJECTED
                  ) -> tuple[float, float, float, float]:
    """(margin floor, retrieval floor, answerable rejected, wrong-article rejected): the pair of
    floors, each a low quantile of the answerable questions' values, that rejects the most
    wrong-article questions with at most `max_rejected` of the answerable ones rejected; the
    retrieval floor alone unless the margin floor adds `MARGIN_GAIN` to that."""
    best = alone = (-math.inf, -math.inf, 0.0, 0.0)  # alone: the retrieval floor only
    steps = np.linspace(0.0, max_rejected, 21)
    for q_margin in steps:
        for q_retrieval in steps:
            margin_floor = (float(np.quantile(positives["margins"], q_margin))
                            if q_margin else -math.inf)
            retrieval_floor = (float(np.quantile(positives["retrieval"], q_retrieval))
                               if q_retrieval else -math.inf)

            def rejected(run: dict) -> float:
                return float(((run["margins"] <= margin_floor)
                              | (run["retrieval"] < retrieval_floor)).mean())

            lost, caught = rejected(positives), rejected(negatives)
            if lost <= max_rejected and caught > best[3]:
                best = (margin_floor, retrieval_floor, lost, caught)
            if q_margin == 0 and lost <= max_rejected and caught > alone[3]:
                alone = (margin_floor, retrieval_floor, lost, caught)
    return best if best[3] - alone[3] >= MARGIN_GAIN else alone


def _decide(report: dict, settings: ReaderSettings, positives: dict, negatives: dict,
            out_dir: Path) -> dict:
    """Choose the floors, add them and their effect to `report`, write reader.json and
    calibration.json."""
    margin_floor, retrieval_floor, lost, caught = choose_floors(positives, negatives)
    settings = replace(settings, null_threshold=_rounded(margin_floor),
                       retrieval_floor=_rounded(retrieval_floor))
    answered = (positives["margins"] > margin_floor) & (positives["retrieval"] >= retrieval_floor)
    report.update({"chosen": asdict(settings), "answerable_rejected": lost,
                   "wrong_article_rejected": caught,
                   "f1_with_floors": float((positives["f1"] * answered).mean())})
    _write_json(out_dir / SETTINGS_FILE, asdict(settings))
    previous = out_dir / REPORT_FILE
    if "length_floors" not in report and previous.is_file():  # measured apart: kept
        kept = json.loads(previous.read_text(encoding="utf-8")).get("length_floors")
        if kept is not None:
            report["length_floors"] = kept
    _write_json(previous, report)
    return report


def rechoose(out_dir: Path) -> dict:
    """Choose the floors again from the per-question figures `calibrate` saved (no questions
    asked), after a change to the rule; rewrites reader.json and calibration.json."""
    report = json.loads((out_dir / REPORT_FILE).read_text(encoding="utf-8"))
    saved = report["per_question"]
    positives = {k: np.array(v) for k, v in saved["answerable"].items()}
    negatives = {k: np.array(v) for k, v in saved["wrong_article"].items()}
    return _decide(report, ReaderSettings(**report["chosen"]), positives, negatives, out_dir)


def best_scores(engine, rows: list[dict]) -> dict[str, np.ndarray]:
    """Retrieval alone: the best sentence's score of each row's question in its own
    pseudo-article and in the next one, and the question's number of content words."""
    from models.qa.question import parse_question
    from models.qa.retrieval import rank_evidence

    articles, own = pseudo_articles(rows)
    engine.cache_size = max(engine.cache_size, len(articles) + 1)
    own_scores, other_scores, words = [], [], []
    for row, k in zip(rows, own):
        parsed = parse_question(row["question"], engine.toolkit)
        for article, scores in ((articles[k], own_scores),
                                (articles[(k + 1) % len(articles)], other_scores)):
            doc = engine.analyze(Article(article))
            ranked = rank_evidence(doc, row["question"], engine.toolkit, parsed)
            scores.append(ranked[0][1] if ranked else -1.0)
        words.append(len(parsed.content))
    return {"answerable": np.array(own_scores), "wrong_article": np.array(other_scores),
            "content_words": np.array(words)}


def choose_length_floors(figures: dict[str, np.ndarray], base: float,
                         max_rejected: float = MAX_REJECTED) -> tuple[tuple[float, ...], dict]:
    """A floor for questions of 1, 2, ... `SHORT_QUESTION_WORDS` content words (the last for
    that many or more): the `max_rejected` quantile of that group's answerable scores where it
    is below `base`, else `base` (long questions keep the floor chosen with the reader, which
    they were most of). Returns the floors and a table of their effect per group."""
    words = np.clip(np.maximum(figures["content_words"], 1), 1, SHORT_QUESTION_WORDS)
    floors, table = [], {}
    for n in range(1, SHORT_QUESTION_WORDS + 1):
        group = words == n
        own, other = figures["answerable"][group], figures["wrong_article"][group]
        floor = min(base, float(np.quantile(own, max_rejected))) if len(own) else base
        floors.append(_rounded(floor))
        table[f"{n}{'+' if n == SHORT_QUESTION_WORDS else ''}"] = {
            "questions": int(group.sum()), "floor": _rounded(floor),
            "answerable_rejected": _share_below(own, floor),
            "wrong_article_rejected": _share_below(other, floor),
            "answerable_rejected_by_one_floor": _share_below(own, base),
            "wrong_article_rejected_by_one_floor": _share_below(other, base)}
    while len(floors) > 1 and floors[-1] >= base:
        floors.pop()  # the groups that keep `base` need no entry of their own
    return tuple(floors), table


def calibrate_length_floors(engine, row_files: list[Path], out_dir: Path,
                            limit: int | None = None) -> dict:
    """Measure retrieval on `row_files`, choose the short-question floors, add them to
    reader.json and calibration.json (under "length_floors"); returns that section."""
    rows = [row for path in row_files for row in read_rows(str(path), limit)]
    started = time.perf_counter()
    figures = best_scores(engine, rows)
    settings = ReaderSettings.read(out_dir)
    floors, table = choose_length_floors(figures, settings.retrieval_floor)
    settings = replace(settings, short_question_floors=floors)
    chosen = np.array([settings.floor_for(int(n)) for n in figures["content_words"]])
    section = {"rows": len(rows), "files": [p.name for p in row_files],
               "seconds": round(time.perf_counter() - started, 1),
               "short_question_floors": list(floors), "by_content_words": table,
               "answerable_rejected": _share_below(figures["answerable"], chosen),
               "wrong_article_rejected": _share_below(figures["wrong_article"], chosen),
               "one_floor": {
                   "answerable_rejected": _share_below(figures["answerable"],
                                                       settings.retrieval_floor),
                   "wrong_article_rejected": _share_below(figures["wrong_article"],
                                                          settings.retrieval_floor)}}
    _write_json(out_dir / SETTINGS_FILE, asdict(settings))
    _add_to_report(out_dir, "length_floors", section)
    return section


def _label(choice: tuple[int, int, float]) -> str:
    windows, sentences, weight = choice
    label = f"{windows} windows, {sentences or 'any'} sentences"
    return label + (f", retrieval weight {weight:g}" if weight else "")


def choose_windows(runs: dict[tuple[int, int, float], dict]) -> tuple[int, int, float]:
    """Among the choices within `F1_TOLERANCE` of the best F1, those within
    `EVIDENCE_TOLERANCE` of the best share of evidence sentences that hold the answer (what
    the user reads is the answer and the sentence quoted with it); of those the fewest windows,
    then the smallest weight."""
    best_f1 = max(run["f1"].mean() for run in runs.values())
    near = [c for c, run in runs.items() if run["f1"].mean() >= best_f1 - F1_TOLERANCE]
    best_evidence = max(runs[c]["evidence"].mean() for c in near)
    sure = [c for c in near if runs[c]["evidence"].mean() >= best_evidence - EVIDENCE_TOLERANCE]
    return min(sure)  # (windows, sentences, weight): fewest windows first


def calibrate(engine, dev_file: Path, out_dir: Path, limit: int | None = None,
              window_choices: tuple[tuple[int, int, float], ...] = WINDOW_CHOICES) -> dict:
    """Measure, choose and write `reader.json` next to the weights; returns the report."""
    rows = read_rows(str(dev_file), limit)
    if engine.settings().cased:  # a cased reader reads the rows as it was trained on them
        from models.training.trainer import truecased_rows

        rows = truecased_rows(rows)
    articles, own = pseudo_articles(rows)
    engine.cache_size = max(engine.cache_size, len(articles) + 1)  # every one stays analysed
    for text in articles:
        engine.prepare(Article(text))
    reader = engine.reader()
    base = ReaderSettings.read(out_dir)
    report: dict = {"rows": len(rows), "pseudo_articles": len(articles), "windows": {}}
    runs = {}

    def use(choice: tuple[int, int, float]) -> None:
        reader.options = replace(reader.options, top_windows=choice[0],
                                 answer_sentences=choice[1], retrieval_weight=choice[2],
                                 null_threshold=-math.inf)

    for choice in window_choices:
        use(choice)
        runs[choice] = _ask_all(engine, articles, rows, own)
        report["windows"][_label(choice)] = {
            "f1": float(runs[choice]["f1"].mean()),
            "evidence": float(runs[choice]["evidence"].mean()),
            "latency_ms_p50": 1000 * percentile(runs[choice]["seconds"], 50),
            "latency_ms_p95": 1000 * percentile(runs[choice]["seconds"], 95)}
        logger.info("%s: %s", _label(choice), report["windows"][_label(choice)])
    chosen = choose_windows(runs)
    use(chosen)
    other = [(k + 1) % len(articles) for k in own]
    negatives = _ask_all(engine, articles, rows, other)
    report["per_question"] = {  # to study other rules without asking again
        "answerable": {k: runs[chosen][k].round(4).tolist()
                       for k in ("margins", "retrieval", "f1")},
        "wrong_article": {k: negatives[k].round(4).tolist() for k in ("margins", "retrieval")},
    }
    settings = replace(base, top_windows=chosen[0], answer_sentences=chosen[1],
                       retrieval_weight=chosen[2])
    return _decide(report, settings, runs[chosen], negatives, out_dir)


MIN_VOTES = 20  # voted answers the reader decided: fewer, and the floor stays as it is


def floor_from_votes(outcomes: dict[str, list[float]], current: float,
                     min_votes: int = MIN_VOTES) -> dict:
    """The reader's margin floor (`null_threshold`) the readers' votes choose.

    `outcomes` holds the reader's scores (sigmoid of the margin) of voted answers, by what the
    votes say (`bot.evaluation.feedback.vote_outcomes`): right answers and false refusals
    should have cleared the floor, false answers and right refusals should not have. The floor
    that gets the most of them right wins; among equals the one nearest `current`, so a few
    votes move it only as far as they must. With fewer than `min_votes` it stays."""
    answer = [_margin(s) for s in outcomes["right_answer"] + outcomes["false_refusal"]]
    refuse = [_margin(s) for s in outcomes["false_answer"] + outcomes["right_refusal"]]

    def wrong(floor: float) -> int:
        return sum(m <= floor for m in answer) + sum(m > floor for m in refuse)

    section = {"votes": len(answer) + len(refuse),
               **{name: len(scores) for name, scores in outcomes.items()},
               "previous": current, "wrong_before": wrong(current)}
    chosen = current
    if section["votes"] >= min_votes:
        margins = sorted(set(answer + refuse))
        candidates = [current] + [(a + b) / 2 for a, b in zip(margins, margins[1:])]
        candidates += [margins[0] - 0.01, margins[-1]] if margins else []
        chosen = min(candidates, key=lambda f: (wrong(f), abs(f - current)))
    section.update(null_threshold=_rounded(chosen), wrong_after=wrong(chosen),
                   changed=_rounded(chosen) != _rounded(current))
    if section["votes"] < min_votes:
        section["kept_because"] = f"fewer than {min_votes} voted answers the reader decided"
    return section


def rechoose_from_votes(out_dir: Path, outcomes: dict[str, list[float]],
                        min_votes: int = MIN_VOTES) -> dict:
    """Choose the margin floor from the votes; rewrites reader.json when it moves and adds
    the choice to calibration.json (under "votes")."""
    settings = ReaderSettings.read(out_dir)
    section = floor_from_votes(outcomes, settings.null_threshold, min_votes)
    if section["changed"]:
        _write_json(out_dir / SETTINGS_FILE,
                    asdict(replace(settings, null_threshold=section["null_threshold"])))
    _add_to_report(out_dir, "votes", section)
    return section


def _add_to_report(out_dir: Path, key: str, section: dict) -> None:
    """Put `section` under `key` in calibration.json, keeping what earlier runs wrote."""
    report_path = out_dir / REPORT_FILE
    report = (json.loads(report_path.read_text(encoding="utf-8"))
              if report_path.is_file() else {})
    report[key] = section
    _write_json(report_path, report)
