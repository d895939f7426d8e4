"""Capitals restored on SberQuAD's lowercase rows, so a reader can learn from cased text."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.reader.truecase import Truecaser, needs_truecase

SBERQUAD = Path(__file__).resolve().parents[3] / "shared" / "train" / "sberquad_subset"


@pytest.fixture(scope="module")
def truecase() -> Truecaser:
    from natasha import MorphVocab

    return Truecaser(MorphVocab())


def test_names_places_acronyms_and_sentence_starts_get_their_capitals(truecase) -> None:
    text = ("в 1990 г. он приехал в москву. там его встретил путин в. в. и сказал: «привет». "
            "днк и сми. в xix веке до н. э. египетский врач! около 480 гб[77]. общий объём")
    assert truecase(text) == (
        "В 1990 г. он приехал в Москву. Там его встретил Путин в. в. и сказал: «привет». "
        "ДНК и СМИ. В XIX веке до н. э. египетский врач! Около 480 гб[77]. Общий объём")


def test_only_case_changes_so_answer_offsets_stay_valid(truecase) -> None:
    text = "встреча прошла в баку, сообщает мвд азербайджана. ß и ǆ остаются"
    cased = truecase(text)
    assert len(cased) == len(text) and cased.lower() == text.lower()
    assert cased[text.index("баку"):][:4] == "Баку" and "МВД" in cased


def test_written_capitals_are_kept_and_a_lowercase_question_is_spotted(truecase) -> None:
    assert truecase("Встреча в ООН, не в оон") == "Встреча в ООН, не в ООН"
    assert needs_truecase("кто такой путин?") and not needs_truecase("Кто такой Путин?")
    assert not needs_truecase("2024?")


def test_truecased_rows_keep_each_answer_at_its_offset() -> None:
    from models.training.trainer import truecased_rows

    row = {"context": "саммит прошёл в баку. его открыл алиев.", "question": "где прошёл саммит?",
           "answers": [{"text": "в баку", "answer_start": 14}]}
    [cased] = truecased_rows([row])
    assert cased["question"] == "Где прошёл саммит?"
    assert cased["answers"][0]["text"] == "в Баку"
    assert cased["context"][14:20] == "в Баку" and cased["context"].endswith("Алиев.")


def test_a_cased_reader_trains_from_the_shipped_one_and_loads_cased(tmp_path) -> None:
    """`train-reader --cased --init models/reader/weights`: the shipped reader's weights are the
    start, the rows are truecased, and a folder whose reader.json says `cased` loads with the
    cased tokenizer (no lowering)."""
    import json

    from safetensors.torch import load_file

    from models.reader.loading import WEIGHTS_DIR, LoweringTokenizer, load_reader
    from models.training.card import write_card
    from models.training.trainer import TrainConfig, train

    config = TrainConfig(str(SBERQUAD / "sberquad_subset.train.jsonl"),
                         str(SBERQUAD / "sberquad_subset.dev.jsonl"), str(tmp_path),
                         epochs=1, batch_size=2, limit=2, dev_limit=2, seed=3, cased=True,
                         init_dir=str(WEIGHTS_DIR), learning_rate=1e-5, negative_share=1.0,
                         typed_share=1.0)
    summary = train(config)
    # the first row asked again of its paragraph without the answer's sentence
    assert summary["unanswerable_rows"] >= 1
    assert summary["train_windows"] > summary["train_positive_windows"]
    card = write_card(tmp_path, summary).read_text(encoding="utf-8")
    assert "capitals restored" in card and str(WEIGHTS_DIR) in card
    assert "answer's sentence cut out" in card and "typed as users type them" in card
    assert ("`python -m bot models train-reader --epochs 1 --lr 1e-05 --seed 3 --cased "
            f"--init {WEIGHTS_DIR} --negatives 1 --typed 1`") in card  # the command that trains it again
    shipped = load_file(str(WEIGHTS_DIR / "reader.safetensors"))
    trained = load_file(str(tmp_path / "reader.safetensors"))
    head = "qa_outputs.weight"
    # started from the shipped head (a fresh one is random: far from it), moved a little
    assert float((trained[head].float() - shipped[head].float()).abs().max()) < 0.01
    assert not bool((trained[head] == shipped[head]).all())
    (tmp_path / "reader.json").write_text(json.dumps({"cased": True}), encoding="utf-8")
    assert not isinstance(load_reader(tmp_path).tokenizer, LoweringTokenizer)
    (tmp_path / "reader.json").write_text(json.dumps({"cased": False}), encoding="utf-8")
    assert isinstance(load_reader(tmp_path).tokenizer, LoweringTokenizer)
