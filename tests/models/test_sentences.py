"""Sentence splitting: razdel's cuts inside brackets are joined back, real sentence ends kept."""

from __future__ import annotations

from natasha import Segmenter

from models.text.sentences import join_bracket_cuts, sentence_spans

SEGMENTER = Segmenter()


def _texts(line: str) -> list[str]:
    return [line[start:stop] for start, stop in sentence_spans(line, SEGMENTER)]


def test_a_cut_after_an_abbreviation_in_brackets_is_joined() -> None:
    line = "Иван Петров (род. 12 мая 1950 г.) — учёный. Он окончил МГУ."
    assert [s.text for s in SEGMENTER.sentenize(line)][0] == "Иван Петров (род."  # razdel's cut
    assert _texts(line) == ["Иван Петров (род. 12 мая 1950 г.) — учёный.", "Он окончил МГУ."]


def test_a_cut_at_a_semicolon_in_a_list_of_names_is_joined() -> None:
    line = ("Епископ Теодориус (Теодорус, Тавадрос; Theodoros II; в миру — Ваджих) из мухафаза "
            "Бухейра. Его избрали в ноябре.")
    assert _texts(line) == [
        "Епископ Теодориус (Теодорус, Тавадрос; Theodoros II; в миру — Ваджих) из мухафаза "
        "Бухейра.",
        "Его избрали в ноябре.",
    ]


def test_sentences_without_brackets_are_left_as_razdel_cut_them() -> None:
    line = "Он приехал в Москву; там его встретили друзья. Потом все ушли."
    assert _texts(line) == ["Он приехал в Москву; там его встретили друзья.", "Потом все ушли."]


def test_a_bracket_that_never_closes_does_not_swallow_the_text() -> None:
    text = "А (б. В. Г. Д. Е. Ж."
    spans = [(0, 5), (6, 8), (9, 11), (12, 14), (15, 17), (18, 20)]
    assert join_bracket_cuts(text, spans) == spans
