"""Prose is kept and page furniture dropped, with offsets into the original text."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.text.cleaning import clean_text, has_prose, is_furniture

SUPPORT = Path(__file__).resolve().parents[1] / "support" / "articles"


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


def test_wiki_markup_is_blanked_in_place_and_shown_as_its_words() -> None:
    """Offsets hold (each mark becomes spaces); a reader sees the words the markup marks."""
    from models.text.cleaning import blank_markup, without_markup

    text = ("''Amazon Web Services'' и '''Google''' ([[Осло|столица Норвегии]], [[Норвегия]])"
            "{{lang|en|{{nobr|Oslo}}}} [[Файл:Oslo.jpg|мини|Осло]].")
    blanked = blank_markup(text)
    assert len(blanked) == len(text)
    assert blanked.index("Amazon") == text.index("Amazon")
    assert without_markup(text) == (
        "Amazon Web Services и Google (столица Норвегии, Норвегия).")


def test_headings_wiki_leftovers_and_sources_are_not_prose() -> None:
    text = (
        "В Огайо казнён убийца двух человек\n"
        "Заключённый Клэренс Картер был казнён во вторник за убийство сокамерника.\n"
        "мини|слева|Камера для проведения смертельной инъекции\n"
        "== Краткая справка ==\n"
        "Картер был приговорён к смерти в 2007 году, но казнь тогда отложили.\n"
        "== Источники ==\n"
        "[http://example.org/news Заключённого казнили в Огайо] — Example News, 19 апреля\n"
        "Категория:США\n"
    )
    kept = [line.text.strip() for line in clean_text(text).lines]
    assert kept == [
        "Заключённый Клэренс Картер был казнён во вторник за убийство сокамерника.",
        "Картер был приговорён к смерти в 2007 году, но казнь тогда отложили.",
    ]


def test_a_photo_caption_between_headline_and_lead_is_not_prose() -> None:
    """Wikinews puts a photo's caption under the headline («Абий Ахмед Али»); a text whose
    paragraphs end as sentences end has no unpunctuated short line of prose."""
    text = (SUPPORT / "wikinews_509888.txt").read_text(encoding="utf-8")
    clean = clean_text(text)
    assert clean.title is not None and clean.title.text.startswith("Нобелевскую премию мира")
    assert not any(line.text == "Абий Ахмед Али" for line in clean.lines)
    assert clean.lines[0].text.startswith("Нобелевскую премию мира в 2019 году")
    clean = clean_text((SUPPORT / "wikinews_100084.txt").read_text(encoding="utf-8"))
    assert not any("Монитор программиста" in line.text for line in clean.lines)
    assert clean.lines[0].text.startswith("В среду, 30 марта 2016 года")


def test_a_post_that_never_ends_its_paragraphs_with_a_period_keeps_them() -> None:
    """A Telegram post often leaves its lines without a final period: none is a caption."""
    text = (
        "В Москве выпал первый снег\n"
        "Синоптики обещают потепление к выходным\n"
        "В Подмосковье ожидается гололёд, водителей просят быть осторожнее\n"
        "Коммунальные службы вывели на улицы всю технику.\n"
    )
    kept = [line.text for line in clean_text(text).lines]
    assert "Синоптики обещают потепление к выходным" in kept
    assert len(kept) == 3
