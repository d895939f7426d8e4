"""Prose is kept and page furniture dropped, with offsets into the original text."""

from __future__ import annotations

import pytest

from models.text.cleaning import clean_text, has_prose, is_furniture


def test_seed_keeps_headline_and_drops_rubric_date_time_counter_and_tail(seed_text: str) -> None:
    clean = clean_text(seed_text)
    assert clean.title is not None
    assert clean.title.text == "Премьер-министр Али Асадов встретился с казахстанским коллегой"
    kept = [line.text for line in clean.lines]
    for furniture in ("Политика", "03 Март 2025", "15:29", "131", "Новости", clean.title.text):
        assert furniture not in kept
    assert kept[0].startswith("3 марта премьер-министр")
    assert kept[-1].startswith("По итогам переговоров")


def test_spans_point_into_the_original_text(seed_text: str) -> None:
    clean = clean_text(seed_text)
    for span in (clean.title, *clean.lines):
        assert seed_text[span.start:span.stop] == span.text


@pytest.mark.parametrize("line", [
    "Политика", "03 Март 2025", "15:29", "131", "👁 1,2 тыс.", "12.03.2025, 10:15", "Новости",
    "Читайте также: Как выбрать ноутбук", "Подписывайтесь на наш канал", "https://t.me/news",
    "вчера в 18:40", "Фото: пресс-служба",
])
def test_furniture_lines_are_recognised(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize("line", [
    "Объем взаимной торговли составил около 500 млн долларов.",
    "В среду прошли переговоры.",
    "Он сказал: «Мы готовы».",
    "• Москва — 5 человек",
    "— Кто там?",
])
def test_prose_lines_are_kept(line: str) -> None:
    assert not is_furniture(line)


def test_everything_after_a_read_also_tail_is_dropped() -> None:
    text = (
        "Власти объявили о новом проекте\n\n"
        "Городские власти объявили о строительстве моста через реку.\n"
        "Работы начнутся весной и продлятся два года.\n"
        "Читайте также:\n"
        "Мэр рассказал о планах на лето и о новых парках в городе.\n"
    )
    kept = [line.text for line in clean_text(text).lines]
    assert kept == [
        "Городские власти объявили о строительстве моста через реку.",
        "Работы начнутся весной и продлятся два года.",
    ]


def test_prose_after_a_read_also_block_in_the_middle_is_kept() -> None:
    """Pasted web pages carry «Читайте также» blocks between paragraphs: the links go, the
    article's next paragraphs stay."""
    text = (
        "Власти объявили о новом проекте\n\n"
        "Городские власти объявили о строительстве моста через реку.\n"
        "Читайте также: Мэр рассказал о планах на лето\n"
        "В парках города появятся новые скамейки\n"
        "Мост длиной 800 метров соединит два района, которые сейчас связывает только паром; "
        "по словам мэрии, работы начнутся весной, продлятся два года и обойдутся бюджету "
        "в 12 миллиардов рублей.\n"
        "Подписывайтесь на наш канал\n"
        "Главные новости дня\n"
    )
    kept = [line.text for line in clean_text(text).lines]
    assert kept[0] == "Городские власти объявили о строительстве моста через реку."
    assert kept[1].startswith("Мост длиной 800 метров")
    assert len(kept) == 2


def test_a_single_paragraph_post_has_no_headline() -> None:
    text = "Городские власти объявили о строительстве моста через реку, работы начнутся весной."
    clean = clean_text(text)
    assert clean.title is None
    assert [line.text for line in clean.lines] == [text]


@pytest.mark.parametrize("text,expected", [
    ("", False), ("😀🔥👍", False), ("https://example.com/a 👉 t.me/chan", False),
    ("Привет 😀", True),
])
def test_has_prose(text: str, expected: bool) -> None:
    assert has_prose(text) is expected


@pytest.mark.parametrize("caption", [
    "Денис Муквеге. Фото: Reuters",
    "Надия Мурад в Осло © AP",
    "Министр Иван Петров / ТАСС",
    "На фото: лауреаты премии во время церемонии в Осло",
])
def test_photo_captions_and_bylines_are_not_prose(caption: str) -> None:
    text = ("Нобелевскую премию мира получили Денис Муквеге и Надия Мурад.\n\n"
            f"{caption}\n\n"
            "О решении комитета объявили 5 октября в Осло.")
    kept = [line.text for line in clean_text(text).lines]
    assert caption not in kept
    assert len(kept) == 2


def test_a_sentence_mentioning_a_photo_stays() -> None:
    text = ("Полиция опубликовала фото подозреваемого.\n\n"
            "Его ищут по всей области, сообщает пресс-служба ведомства.")
    assert len(clean_text(text).lines) == 2
