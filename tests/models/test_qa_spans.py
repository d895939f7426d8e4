"""Span rules of the embedded QA on hand-made sentences, with the real natasha models."""

from __future__ import annotations

import numpy as np

from models.core.types import Article
from models.qa.question import parse_question
from models.qa.rules.answer import best_span_in
from models.qa.rules.roles import COMPLEMENT, PRED, question_role


def _span(engine, text: str, question: str) -> str:
    """The span chosen in the article's first sentence, whatever its retrieval score."""
    doc = engine.analyze(Article(text))
    parsed = parse_question(question, engine.toolkit)
    chosen = best_span_in(doc, parsed, [0], np.ones(len(doc.sentences)), engine.toolkit)
    assert chosen is not None
    return text[chosen.start:chosen.stop]


def _role(engine, text: str):
    question = parse_question(text, engine.toolkit)
    return question_role(question.words, question.wh_index)


def test_question_role_reads_the_wh_phrase_place(embedded_engine) -> None:
    role = _role(embedded_engine, "Какая партия пользуется наибольшей поддержкой?")
    assert role is not None and role.kind == "subj" and role.governor == "пользоваться"
    role = _role(embedded_engine, "Каков объём взаимной торговли?")
    assert role is not None and role.kind == PRED


def test_answer_is_the_subject_of_the_repeated_verb(embedded_engine) -> None:
    text = ("Традиционно лейбористы пользуются самой сильной поддержкой среди рабочего "
            "класса пригородов Мельбурна и в городах Балларат, Бендиго и Джилонг.")
    # Балларат is a name and nearer, but лейбористы is what «пользуются» has as its subject
    assert _span(embedded_engine, text, "Какая партия пользуется поддержкой в Бендиго?") == (
        "лейбористы")


def test_a_number_is_never_cut_inside_its_thousands_groups(embedded_engine) -> None:
    text = ("Бассейн Амазонки занимает 7 000 000 квадратных километров, из которых "
            "5 500 000 квадратных километров покрыты дождевыми лесами.")
    assert _span(embedded_engine, text, "Сколько квадратных километров занимает бассейн?"
                 ).startswith("7 000 000")


def test_a_name_question_takes_what_the_naming_verb_says(embedded_engine) -> None:
    # «Японии» and «Европе» are proper names too, but «называются» names карэсансуй
    text = "В Японии такие сады называются карэсансуй, и в Европе их строят всё чаще."
    assert _span(embedded_engine, text, "Как называются такие сады в Японии?") == "карэсансуй"


def test_a_bare_noun_answer_keeps_its_adjectives_and_genitive(embedded_engine) -> None:
    text = "Кислород ядовит для анаэробных бактерий, поэтому их выращивают без доступа воздуха."
    assert _span(embedded_engine, text, "Для кого ядовит кислород?") == (
        "анаэробных бактерий")


def test_a_title_in_quotes_after_the_asked_noun_is_the_answer(embedded_engine) -> None:
    text = "Осенью поэт написал песню «Белые ночи над рекой», и её исполнил хор."
    assert _span(embedded_engine, text, "Какую песню написал поэт осенью?") == (
        "Белые ночи над рекой")


def test_a_parenthetical_phrase_is_never_the_answer(embedded_engine) -> None:
    text = "Скорость реакции, как правило, зависит от температуры раствора."
    assert _span(embedded_engine, text, "От чего зависит скорость реакции?") != "правило"


def test_what_place_a_thing_takes_is_a_rank(embedded_engine) -> None:
    question = parse_question("Какое место в мире занимает страна по добыче угля?",
                              embedded_engine.toolkit)
    assert question.expect == "number"
    text = "По добыче угля страна занимает третье место в мире, уступая Китаю и Индии."
    assert _span(embedded_engine, text, question.text).startswith("третье")


def test_a_paraphrased_question_still_wants_the_subject(embedded_engine) -> None:
    from models.qa.rules.parse import parse_sentences
    from models.qa.rules.roles import same_role

    role = _role(embedded_engine, "Что вызывает коррозию металла?")
    doc = embedded_engine.analyze(Article("Влажный воздух провоцирует коррозию металла."))
    words = parse_sentences(doc, [0], embedded_engine.toolkit)[0].words
    subject = next(i for i, w in enumerate(words) if w.text == "воздух")
    assert role is not None and same_role(words, subject, role)


def test_what_kind_of_x_is_about_x(embedded_engine) -> None:
    question = parse_question("Какой вид нагревательного элемента используют в чайниках?",
                              embedded_engine.toolkit)
    assert question.focus == "элемент"


def test_a_share_question_is_answered_by_a_percentage(embedded_engine) -> None:
    text = "Из 711 988 жителей города 2,8% были протестантами, остальные были католиками."
    assert _span(embedded_engine, text, "Какой процент жителей были протестантами?") == "2,8%"


def test_the_subject_a_copula_equates_with_x_answers_which_x(embedded_engine) -> None:
    text = "Самым точным прибором для измерения давления является ртутный барометр."
    answer = _span(embedded_engine, text, "Какой прибор используется для измерения давления?")
    assert "барометр" in answer and "точным" not in answer


def test_a_name_is_not_cut_at_an_initial(embedded_engine) -> None:
    text = "На английский язык гимн перевёл Джон К. Мессенджер в 1843 году."
    answer = _span(embedded_engine, text, "Кто перевёл гимн на английский язык?")
    assert "Мессенджер" in answer


def test_what_happens_to_x_is_what_x_does(embedded_engine) -> None:
    text = "За последние десять лет средний возраст учителей заметно снизился, а зарплаты выросли."
    answer = _span(embedded_engine, text, "Что произошло со средним возрастом учителей?")
    assert "снизился" in answer and "зарплаты" not in answer


def test_a_link_verb_question_takes_its_instrumental_complement(embedded_engine) -> None:
    role = _role(embedded_engine, "Чем не являются эти моллюски?")
    assert role is not None and role.kind == COMPLEMENT and role.governor == "являться"
    # «потомков» is nearer the question's other words; «являются» says what they are not
    text = ("Данные последних лет показывают, что гребневики не являются монофилетическими, "
            "то есть не включают всех потомков одного предка.")
    assert _span(embedded_engine, text, "Чем не являются гребневики?") == "монофилетическими"


def test_which_x_answered_by_x_with_its_modifier_does_not_restate_the_question(
        embedded_engine) -> None:
    """"Какой суд" is answered by «Европейский суд»: restating X is what such an answer does,
    so the X word counts neither as a repeat of the question nor as a matched head."""
    from models.qa.rules.parse import parse_sentences
    from models.qa.rules.spans import candidate_features
    from models.qa.rules.weights import FEATURES

    text = ("Напротив, Европейский суд постановил, что договор не препятствует национализации, "
            "и иск мог быть предъявлен только Комиссией.")
    doc = embedded_engine.analyze(Article(text))
    question = parse_question("Какой суд постановил, что договор не препятствует "
                              "национализации?", embedded_engine.toolkit)
    parsed = parse_sentences(doc, [0], embedded_engine.toolkit)[0]
    ranges, rows = candidate_features(parsed, doc.entities_in(parsed.sentence), question)
    words = [w.text for w in parsed.words]
    row = rows[ranges.index((words.index("Европейский"), words.index("суд")))]
    assert row[FEATURES.index("names_focus")] == 1.0
    assert row[FEATURES.index("repeats_question")] == 0.0
    assert row[FEATURES.index("head_is_match")] == 0.0
