"""Span reshaping rules (`models.qa.span_shape`) on real news sentences, parsed by natasha."""

from __future__ import annotations

import pytest

from models.core.types import Article
from models.qa.rules.parse import ParsedSentence, parse_sentences
from models.qa.span_shape import balanced, reason_clause, whole_coordination, whole_phrase
from models.text.analysis import analyze
from models.text.toolkit import NlpToolkit, load_toolkit

SEED_SENTENCE = (
    "По итогам переговоров были подписаны документы о сотрудничестве в сфере обязательного "
    "медицинского страхования, формировании перечня научных изданий и утверждении договора о "
    "строительстве волоконно-оптических линий связи по дну Каспийского моря.")
COMPOSERS = "В программе концерта прозвучат произведения Моцарта, Брамса, Бетховена и Скрябина."


@pytest.fixture(scope="module")
def toolkit() -> NlpToolkit:
    """natasha's models; the same cached toolkit the embedded engine runs on."""
    return load_toolkit()


def _parsed(text: str, toolkit: NlpToolkit, sentence: str | None = None
            ) -> tuple[str, ParsedSentence]:
    """The article text and the parse of its sentence starting `sentence` (the first one)."""
    doc = analyze(Article(text), toolkit)
    index = 0 if sentence is None else next(
        s.index for s in doc.sentences if s.text.startswith(sentence))
    return doc.article.text, parse_sentences(doc, [index], toolkit)[index]


def _at(text: str, piece: str) -> tuple[int, int]:
    start = text.index(piece)
    return start, start + len(piece)


def _coordination(toolkit: NlpToolkit, sentence: str, piece: str) -> str:
    text, parsed = _parsed(sentence, toolkit)
    start, stop = whole_coordination(parsed, *_at(text, piece))
    return text[start:stop]


def _reason(toolkit: NlpToolkit, sentence: str, piece: str | None = None) -> str | None:
    text, parsed = _parsed(sentence, toolkit)
    start, stop = _at(text, piece) if piece else (0, 1)
    found = reason_clause(parsed, start, stop)
    return None if found is None else text[found[0]:found[1]]


def _phrase(toolkit: NlpToolkit, sentence: str, piece: str) -> str:
    text, parsed = _parsed(sentence, toolkit)
    start, stop = whole_phrase(parsed, *_at(text, piece))
    return text[start:stop]


def _balanced(sentence: str, piece: str) -> str:
    start, stop = balanced(sentence, *_at(sentence, piece), 0, len(sentence))
    return sentence[start:stop]


def test_one_item_of_the_seed_list_answers_with_the_whole_list(toolkit, seed_text) -> None:
    text, parsed = _parsed(seed_text, toolkit, "По итогам переговоров")
    assert parsed.sentence.text == SEED_SENTENCE
    start, stop = whole_coordination(parsed, *_at(text, (
        "документы о сотрудничестве в сфере обязательного медицинского страхования")))
    assert text[start:stop] == SEED_SENTENCE[SEED_SENTENCE.index("документы"):-1]


def test_a_later_item_reaches_back_to_the_first_without_its_preposition(toolkit) -> None:
    assert _coordination(toolkit, SEED_SENTENCE, "формировании перечня научных изданий") == (
        "сотрудничестве в сфере обязательного медицинского страхования, формировании перечня "
        "научных изданий и утверждении договора о строительстве волоконно-оптических линий "
        "связи по дну Каспийского моря")


def test_one_name_of_a_list_gives_all_the_names(toolkit) -> None:
    assert _coordination(toolkit, COMPOSERS, "Моцарта") == "Моцарта, Брамса, Бетховена и Скрябина"
    assert _coordination(toolkit, COMPOSERS, "Скрябина") == (
        "Моцарта, Брамса, Бетховена и Скрябина")


def test_coordinated_clauses_are_not_swallowed(toolkit) -> None:
    sentence = "Делегация приехала в Москву и встретилась с министром иностранных дел."
    assert _coordination(toolkit, sentence, "приехала в Москву") == "приехала в Москву"
    assert _coordination(toolkit, sentence, "министром иностранных дел") == (
        "министром иностранных дел")


def test_words_natasha_hangs_on_a_conjunct_from_past_the_verb_stay_out(toolkit) -> None:
    sentence = ("Отмечено, что взаимные визиты и встречи на высшем уровне задают тон "
                "эффективному взаимодействию двух стран по всему спектру отношений.")
    assert _coordination(toolkit, sentence, "взаимные визиты") == "взаимные визиты и встречи"


def test_a_conjunct_in_another_case_is_a_misparse_not_a_list(toolkit) -> None:
    # natasha hangs «учителем» (Ins) on «Москве» (Loc) as its conjunct
    sentence = "Он работал врачом в Москве и учителем в Казани."
    assert _coordination(toolkit, sentence, "Москве") == "Москве"


def test_a_reason_after_za_to_chto_is_the_clause(toolkit) -> None:
    sentence = ("Судья обязал кинозвезду пройти обязательный курс лечения у психотерапевта за "
                "то, что он ударил свою бывшую подругу.")
    assert _reason(toolkit, sentence) == "он ударил свою бывшую подругу"


def test_a_reason_after_tak_kak_drops_the_marker(toolkit) -> None:
    sentence = ("Перестановки в министерстве обороны были ожидаемы, так как министр ранее "
                "заявлял о своей отставке.")
    assert _reason(toolkit, sentence) == "министр ранее заявлял о своей отставке"


@pytest.mark.parametrize(("sentence", "reason"), [
    ("Футболиста оштрафовали за оскорбление судьи, сообщает пресс-служба клуба.",
     "оскорбление судьи"),
    ("Матч перенесли из-за того, что стадион не успели подготовить к сезону.",
     "стадион не успели подготовить к сезону"),
    ("В связи с началом нового года компания изменила тарифы.", "началом нового года"),
    ("Власти закрыли границу, чтобы остановить распространение вируса.",
     "остановить распространение вируса"),
    ("Жители вышли на улицы в знак протеста против повышения тарифов.",
     "протеста против повышения тарифов"),
    ("Концерт отменили по причине болезни солиста, сообщили организаторы.",
     "болезни солиста"),
    ("Закон вступил в силу после того, как его подписал президент.",
     "его подписал президент"),
    ("Он не пришёл на заседание, поскольку был болен, и суд перенёс слушания.", "был болен"),
    ("По его словам, он начал планировать атаку около года назад под воздействием "
     "просмотренных видео ИГ.", "просмотренных видео ИГ"),
    ("Он признал, что действовал под давлением следователей.", "следователей"),
])
def test_each_reason_marker_gives_its_phrase_or_clause(toolkit, sentence, reason) -> None:
    assert _reason(toolkit, sentence) == reason


@pytest.mark.parametrize(("sentence", "reason"), [
    (("Акции компании подешевели на 10%, потому что инвесторы опасаются санкций, и торги "
      "были приостановлены."), "инвесторы опасаются санкций"),
    ("Благодаря тому, что врачи быстро прибыли на место, пострадавшего удалось спасти.",
     "врачи быстро прибыли на место"),
])
def test_a_reason_clause_stops_where_the_next_clause_begins(toolkit, sentence, reason) -> None:
    # natasha hangs the following clause on the reason's verb in both
    assert _reason(toolkit, sentence) == reason


@pytest.mark.parametrize("sentence", [
    "Маккарти узнала об отсрочке за пять часов до казни.",
    "За полгода до этого Григорьева обвинила Гибсона в причинении побоев.",
    "Из-за этого рейсы задержали.",
])
def test_how_long_before_or_a_pronoun_is_no_reason(toolkit, sentence) -> None:
    # «за + a time span + до» tells when; «из-за этого» leaves the reason in another sentence
    assert _reason(toolkit, sentence) is None


def test_a_reason_phrase_keeps_its_relative_clause(toolkit) -> None:
    sentence = ("Из-за забастовки железнодорожников, которая продолжается вторую неделю, "
                "отменены сотни поездов.")
    assert _reason(toolkit, sentence) == (
        "забастовки железнодорожников, которая продолжается вторую неделю")


def test_of_two_reasons_the_one_the_span_points_at_wins(toolkit) -> None:
    sentence = ("Из-за сильного снегопада рейсы задержали, а часть отменили, потому что "
                "аэропорт не успел расчистить полосы.")
    assert _reason(toolkit, sentence, "Из-за сильного") == "сильного снегопада"
    assert _reason(toolkit, sentence, "расчистить") == "аэропорт не успел расчистить полосы"


@pytest.mark.parametrize("sentence", [
    "Самолёт вылетел за пять часов до начала шторма.",
    "Депутаты проголосовали за законопроект о налогах.",
    "Министр встретился с послом Японии в Москве.",
])
def test_time_support_and_plain_sentences_give_no_reason(toolkit, sentence) -> None:
    assert _reason(toolkit, sentence) is None


def test_a_half_quoted_span_takes_its_opening_quote() -> None:
    sentence = "В магазинах появилась «новая» водка под названием «Столичная особая»."
    assert _balanced(sentence, "новая» водка") == "«новая» водка"
    assert _balanced(sentence, "«Столичная") == "«Столичная особая»"


def test_a_bracket_is_closed_or_its_stray_mark_dropped() -> None:
    sentence = "Стоимость проекта (более миллиона долларов США) покроет бюджет города."
    assert _balanced(sentence, "(более миллиона долларов США") == (
        "(более миллиона долларов США)")
    far = ("Стоимость проекта (более миллиона долларов США, которые город выделит из бюджета "
           "на ближайшие три года по федеральной программе развития региона) покроет бюджет.")
    assert _balanced(far, "(более миллиона долларов США") == "более миллиона долларов США"
    unclosed = "Стоимость проекта составит (более миллиона долларов США."
    assert _balanced(unclosed, "миллиона долларов США.")[-1] != ")"
    assert _balanced(unclosed, "(более миллиона") == "более миллиона"


def test_balanced_spans_are_left_alone() -> None:
    sentence = "В магазинах появилась «новая» водка под названием «Столичная особая»."
    assert _balanced(sentence, "«новая» водка") == "«новая» водка"
    assert _balanced(sentence, "водка под названием") == "водка под названием"


def test_a_span_runs_on_to_the_noun_its_last_word_leans_on(toolkit) -> None:
    sentence = "В связи с началом нового года компания изменила тарифы."
    assert _phrase(toolkit, sentence, "связи с началом нового") == (
        "связи с началом нового года")
    sentence = "В ответ на санкции Москва ограничила импорт продуктов из Евросоюза."
    assert _phrase(toolkit, sentence, "импорт продуктов из") == "импорт продуктов из Евросоюза"


def test_a_dangling_and_runs_on_to_the_whole_next_name(toolkit) -> None:
    sentence = ("Стороны отметили заслуги президентов Ильхама Алиева и Касым-Жомарта Токаева в "
                "развитии отношений.")
    assert _phrase(toolkit, sentence, "Ильхама Алиева и") == (
        "Ильхама Алиева и Касым-Жомарта Токаева")


def test_a_dangling_conjunction_or_comma_is_dropped_at_the_start(toolkit) -> None:
    sentence = "Он не пришёл на заседание, поскольку был болен, и суд перенёс слушания."
    assert _phrase(toolkit, sentence, ", и суд перенёс слушания") == "суд перенёс слушания"
    # «и» before a verb opens a clause: half of it would be no answer, so the «и» goes
    sentence = "Делегация приехала в Москву и встретилась с министром иностранных дел."
    assert _phrase(toolkit, sentence, "приехала в Москву и") == "приехала в Москву"


def test_a_whole_phrase_is_left_alone(toolkit) -> None:
    sentence = "Эксперты объясняют рост цен тем, что урожай оказался низким."
    assert _phrase(toolkit, sentence, "урожай оказался низким") == "урожай оказался низким"
    sentence = "В связи с началом нового года компания изменила тарифы."
    assert _phrase(toolkit, sentence, "компания изменила тарифы") == "компания изменила тарифы"


# --- the whole thing a что-question asks for (models/qa/complement.py) ----------------------

FANS = ("Главный судья остановил игру на четвёртой минуте, после того как фанаты начали жечь "
        "пиротехнику и пытались выбежать на поле.")
BIDEN = ("Байден просил отказать Сноудену в предоставлении убежища, которое Сноуден, "
         "предположительно, хочет получить.")
FOREST = ("Защитников Химкинского леса возмущает, что, несмотря на решение президента "
          "приостановить работы, ФГУ «Дороги» продолжает готовиться к прокладке дороги по "
          "прежнему маршруту.")
VICTIM = ("Она была госпитализирована 30 июня вместе с другим пострадавшим, Чарльзом Роули, "
          "который находится в критическом состоянии.")
ECHR = ("Главным нарушением, по мнению ЕСПЧ, стало раздельное рассмотрение дела Навального и "
        "Офицерова с делом экс-главы КОГУП «Кировлес» Вячеслава Опалёва, который заключил "
        "сделку со следствием и был осуждён первым.")


def _whole(toolkit: NlpToolkit, sentence: str, question: str, piece: str) -> str | None:
    from models.qa.complement import whole_answer
    from models.qa.question import parse_question

    text, parsed = _parsed(sentence, toolkit)
    found = whole_answer(parse_question(question, toolkit), parsed, *_at(text, piece))
    return None if found is None else text[found[0]:found[1]]


@pytest.mark.parametrize("sentence, question, piece, whole", [
    # the question's verb takes an infinitive: the answer is all of it
    (BIDEN, "о чем байден просил", "убежища", "отказать Сноудену в предоставлении убежища"),
    # «возмущает, что …»: the clause, without its «что,», the words natasha hung outside kept
    (FOREST, "что их возмущает", "что, несмотря на решение президента приостановить работы",
     "несмотря на решение президента приостановить работы, ФГУ «Дороги» продолжает "
     "готовиться к прокладке дороги по прежнему маршруту"),
    # what the fans did: their predicate and the verb joined to it, not its object
    (FANS, "что фанаты творили", "пиротехнику",
     "начали жечь пиротехнику и пытались выбежать на поле"),
    # «что с X»: what the sentence says of X, not his name
    (VICTIM, "что со вторым пострадавшим", "Чарльзом Роули",
     "находится в критическом состоянии"),
    # «в чём X»: the whole phrase the sentence equates with X, not its relative clause
    (ECHR, "в чём главное нарушение по мнению еспч",
     "раздельное рассмотрение дела Навального и Офицерова",
     "раздельное рассмотрение дела Навального и Офицерова с делом экс-главы КОГУП «Кировлес» "
     "Вячеслава Опалёва"),
])
def test_a_chto_question_gets_the_whole_thing_it_asks_for(toolkit, sentence, question, piece,
                                                         whole) -> None:
    assert _whole(toolkit, sentence, question, piece) == whole


def test_a_question_word_after_another_preposition_keeps_the_span(toolkit) -> None:
    # «от чего может зависеть» asks for what «зависеть» governs, not for the infinitive
    sentence = "Эластичность бедности по росту может зависеть от существующего уровня неравенства."
    assert _whole(toolkit, sentence, "От чего может зависеть эластичность бедности по росту?",
                  "существующего уровня неравенства") is None


def test_what_someone_did_stops_before_a_clause_with_its_own_subject(toolkit) -> None:
    sentence = ("Фармацевты имеют право продавать лекарства населению, но они не имеют права "
                "брать деньги у врачей.")
    whole = _whole(toolkit, sentence, "что делают фармацевты", "лекарства")
    assert whole == "имеют право продавать лекарства населению", whole


MATCH = ("Матч между «Спартаком» и ЦСКА был остановлен из-за беспорядков на трибунах. " + FANS
         + " Игра возобновилась через двадцать минут. Клубы могут быть оштрафованы.")
SNOWDEN = ("Вице-президент США Джозеф Байден позвонил президенту Эквадора Рафаэлю Корреа. "
           + BIDEN + " Корреа в ответ заявил, что судьба Сноудена находится в российских руках.")


def test_the_engine_answers_a_chto_question_with_the_whole_predicate(embedded_engine) -> None:
    for question in ("а чё фанаты творили", "что сделали фанаты"):
        answer = embedded_engine.answer(Article(MATCH), question)
        assert answer.text == "начали жечь пиротехнику и пытались выбежать на поле", (
            question, answer.text)
    asked = embedded_engine.answer(Article(SNOWDEN), "о чем байден просил")
    assert asked.text == "отказать Сноудену в предоставлении убежища", asked.text
