"""Questions that name their person by a pronoun (#26): «кого он нашёл» is not answered by
him, «скока ей лет» by her neighbour's age; the pronoun is the person the previous answer
named, else the one the article is about. Real news text, quoted here, through the real
embedded engine; the answers are checked by what the user reads."""

from __future__ import annotations

import pytest

from models.core.types import Article, Turn
from models.qa.antecedent import asks_other_than_antecedent, kin_asked
from models.qa.question import parse_question

BUFFETT = Article(
    "У.Баффет нашел для своего холдинга второго менеджера по инвестициям.\n\n"
    "Американский миллиардер Уоррен Баффет, возглавляющий инвестиционный конгломерат Berkshire "
    "Hathaway, нашел для своего детища второго менеджера по инвестициям. Им станет 50-летний "
    "Тед Вешлер, управляющий партнер хедж-фонда Peninsula Capital Advisors. Сейчас У.Баффету "
    "81 год, но он продолжает распоряжаться большинством финансовых средств Berkshire."
)
SPARTAK = Article(
    "По данным блогеров, эта хулиганская акция красно-белых была запланирована и вызвана "
    "недавним убийством болельщика «Спартака» Егора Свиридова, в память о котором фанаты "
    "развернули на трибуне плакаты. Напомним, 6 декабря 2010 года на автобусной остановке на "
    "Кронштадтском бульваре завязалась драка, в ходе которой уроженец Кабардино-Балкарии "
    "Аслан Черкесов выстрелил в Егора Свиридова из травматического пистолета. В результате "
    "полученных ранений болельщик «Спартака» Егор Свиридов скончался на месте."
)
MCCARTHY = Article(
    "Казнь женщины из Техаса отложена на 60 дней.\n\n"
    "Адвокаты жительницы штата Техас Кимберли Маккарти добились отсрочки исполнения "
    "приговора. Кимберли Маккарти была признана виновной в убийстве и ограблении своей "
    "71-летней соседки почти 16 лет назад. Маккарти, которой сейчас 51 год, была признана "
    "виновной в преднамеренном убийстве в июле 1997 года в техасском городе Ланкастер своей "
    "соседки Дороти Бус."
)
MIURA = Article(
    "Новый рекорд: Эверест покорил японец.\n\n"
    "23 мая 2013 года восьмидесятилетний Юитиро Миура из Японии поднялся на гору Эверест, "
    "став самым старым человеком, совершившим восхождение на высочайшую вершину мира. Однако "
    "его рекорд может быть побит уже в ближайшее время: 81-летний гражданин Непала Мин Бахадур "
    "Шерхан планирует новое восхождение на следующей неделе. Миура, которого сопровождал его "
    "сын Гото, затратил на покорение вершины около восьми суток."
)

SKRIPAL = Article(
    "СМИ: Скрипалей отравил Гордон.\n\n"
    "В отравлении Сергея и Юлии Скрипаль подозревается 54-летний шпион ФСБ (КГБ) с позывным "
    "«Гордон» (Gordon), сообщает Daily Mirror со ссылкой на The Sunday People. Бывший "
    "сотрудник ГРУ Сергей и его дочь Юлия Скрипаль найдены с признаками отравления 4 марта "
    "2018 года в Солсбери."
)
SPACEY = Article(
    "Актёр Энтони Рэпп из сериала «Звёздный путь» обвинил своего коллегу по цеху в "
    "сексуальном домогательстве тридцать лет назад — в 1986 году, когда ему было 14 лет, "
    "Спейси пытался склонить его к сексу. Кевин Спейси принёс извинения."
)
GIBSON = Article(
    "Мел Гибсон и Оксана Григорьева пришли к соглашению.\n\n"
    "Звезда экрана и множества скандалов Мел Гибсон, судя по всему, договорился с бывшей "
    "подругой Оксаной Григорьевой об имущественном урегулировании и совместном воспитании "
    "общего ребенка. Вопрос о совместном воспитании дочери, по поводу которого Григорьева "
    "предъявила Гибсону иск с уголовными обвинениями, будет решен в закрытом заседании. В "
    "июне 2010 года адвокат Гибсона Стивен Колодни заявил, что его подзащитный предоставил "
    "своей бывшей подруге 4-комнатное жилье стоимостью несколько миллионов."
)


def ask(engine, article: Article, question: str, previous: Turn | None = None):
    return engine.answer(article, question, previous=previous)


def test_whom_he_found_is_not_he(embedded_engine) -> None:
    """«он» is Баффет, whom the article is about: he found Вешлер, and his title
    («американский миллиардер») is still he."""
    found = ask(embedded_engine, BUFFETT, "кого он нашёл")
    assert "Вешлер" in found.shown and "Баффет" not in found.shown, found
    assert "миллиардер" not in found.shown, found


def test_who_killed_him_after_an_answer_about_the_victim(embedded_engine) -> None:
    """After an answer naming Свиридов, «кто ево убил» asks for his killer, not for him."""
    turn = Turn("зачем они это устроили",
                "недавним убийством болельщика «Спартака» Егора Свиридова",
                SPARTAK.text.split(". ")[0])
    killer = ask(embedded_engine, SPARTAK, "кто ево убил", previous=turn)
    assert "Черкесов" in killer.shown and "Свиридов" not in killer.shown, killer


def test_her_age_is_hers_not_her_neighbours(embedded_engine) -> None:
    assert ask(embedded_engine, MCCARTHY, "скока ей лет").text == "51 год"


def test_an_age_in_words_is_an_age_and_his_is_preferred(embedded_engine) -> None:
    """«восьмидесятилетний» is an age; «81-летний» is his rival's, named beside it."""
    assert ask(embedded_engine, MIURA, "скока ему лет").text == "восьмидесятилетний"
    assert ask(embedded_engine, BUFFETT, "скока ему лет").text == "81 год"


def test_a_question_about_him_is_answered_by_him(embedded_engine) -> None:
    """«кто он такой» asks about Баффет himself: the rule leaves it alone, the answer says
    who he is, not who someone else is."""
    who = ask(embedded_engine, BUFFETT, "кто он такой")
    assert who.found and "Баффет" in who.sentence and "Вешлер" not in who.shown, who


@pytest.mark.parametrize(("question", "other"), [
    ("кого он нашёл", True),
    ("кто его убил", True),
    ("кто с ним ходил", True),
    ("кто он такой", False),
    ("кто она", False),
    ("как его зовут", False),
    ("кем он стал", False),
])
def test_which_questions_ask_for_someone_else(embedded_engine, question: str,
                                              other: bool) -> None:
    parsed = parse_question(question, embedded_engine.toolkit)
    assert asks_other_than_antecedent(parsed) is other


def test_an_age_asked_of_a_named_person_is_that_persons_or_none(embedded_engine) -> None:
    """«54-летний шпион ФСБ» stands beside «Юлии Скрипаль» but is his age, not hers; «14 лет»
    is Рэпп's, not Спейси's: the text gives neither woman's nor Спейси's age. Баффет's is
    his."""
    assert not ask(embedded_engine, SKRIPAL, "скока лет юлии").found
    assert not ask(embedded_engine, SPACEY, "скока лет щас спейси").found
    assert ask(embedded_engine, BUFFETT, "скока баффету лет").text == "81 год"


def test_a_relatives_name_is_not_the_main_persons(embedded_engine) -> None:
    """The Гибсон article speaks of his daughter but never names her: «как дочку зовут» is
    «этого нет», not «Мел Гибсон»; his lawyer it names, and Юлия is Скрипаль's daughter."""
    daughter = ask(embedded_engine, GIBSON, "как дочку зовут")
    assert not daughter.found, daughter
    lawyer = ask(embedded_engine, GIBSON, "как зовут его адвоката")
    assert "Колодни" in lawyer.shown and "Мел" not in lawyer.shown, lawyer
    assert "Юлия" in ask(embedded_engine, SKRIPAL, "как зовут его дочь").shown


@pytest.mark.parametrize(("question", "kin"), [
    ("как дочку зовут", "дочь"),
    ("как зовут его жену", "жена"),
    ("какое имя у дочери", "дочь"),
    ("как его зовут", ""),
    ("как её зовут", ""),
    ("как звали смертника", ""),
])
def test_which_questions_ask_a_relatives_name(embedded_engine, question: str, kin: str) -> None:
    assert kin_asked(parse_question(question, embedded_engine.toolkit)) == kin


WRITER = Article(
    "Умер писатель Андрей Белов.\n\n"
    "Писатель Андрей Белов умер в Твери на 80-м году жизни. Белов родился в деревне под "
    "Тверью в семье учителей. Его отец, Пётр Сергеевич, преподавал в сельской школе."
)


def test_a_relative_named_in_an_apposition_is_found(embedded_engine) -> None:
    """«Его отец, Пётр Сергеевич, …» names the father another way than «отец Пётр»: the
    answer is that name, still never the writer's own."""
    father = ask(embedded_engine, WRITER, "как звали его отца")
    assert father.found and "Пётр" in father.shown, father  # its «ё» kept
    assert "Белов" not in father.shown and "Андрей" not in father.shown, father


SOTOMAYOR = Article(
    "Обама назначит в Верховный суд латиноамериканку\n"
    "Президент США Барак Обама назначит в состав высшей судебной инстанции судью федерального "
    "апелляционного суда Соню Сотомайор (Sonia Sotomayor), сообщает Associated Press. В случае "
    "утверждения ее кандидатуры Сенатом, Сотомайор станет первым судьей латиноамериканского "
    "происхождения в истории Верховного суда США."
)


def test_whom_the_question_names_is_not_its_answer(embedded_engine) -> None:
    """«кого обама назначит»: not Obama, whom the reader takes as the sentence's subject."""
    answer = ask(embedded_engine, SOTOMAYOR, "кого обама назначит")
    assert answer.found and "Обама" not in answer.text
    assert "Сотомайор" in answer.text
