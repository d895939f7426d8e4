"""The answer path around the reader, on real news text through the real engine (#26): lists,
dates and numbers whole, reasons, whole and balanced phrases in the form asked, follow-ups,
typos and slang, and «этого нет» for what the text does not say. Inputs are quoted here; each
test checks what the user reads, not a string written into the code."""

from __future__ import annotations

import pytest

from models.core.types import Article, Turn

NOBEL = Article(
    "Нобелевскую премию мира получили конголезский врач и правозащитник Денис Муквеге и "
    "иракская правозащитница Надия Мурад.\n\n"
    "О решении Норвежского нобелевского комитета объявили 5 октября 2018 года в Осло. "
    "Денису Муквеге и Надии Мурад премию присудили за их усилия по прекращению "
    "использования сексуального насилия в качестве оружия войны. Размер премии составляет "
    "девять миллионов шведских крон. В прошлом году премию получила Международная кампания "
    "за запрещение ядерного оружия.\n\n"
    "Церемония вручения пройдёт в Осло 10 декабря."
)
LAW = Article(
    "Госдума приняла закон об ужесточении наказания за терроризм.\n\n"
    "Закон был принят Госдумой 26 ноября 2010 года и одобрен Советом Федерации 15 декабря. "
    "Депутаты объяснили поправки тем, что число преступлений экстремистской направленности "
    "выросло. Штраф за публичное оправдание терроризма составит от 500 тыс. до 1 млн рублей. "
    "По данным полиции, в прошлом году было задержано 1200 человек."
)
FOREST = Article(
    "Защитники Химкинского леса проведут акцию протеста в Москве.\n\n"
    "Активисты выступают против строительства трассы Москва — Санкт-Петербург, так как "
    "трасса пройдёт через лесопарковую зону. По заверениям общественников, строительство "
    "связано с вырубкой 20 тыс. деревьев. Акция пройдёт у здания мэрии в субботу."
)
FILM = Article(
    "Режиссёр Павел Чухрай представил новый фильм на фестивале в Сочи.\n\n"
    "Переломным в карьере актёра Владимира Машкова стал фильм «Вор» Павла Чухрая, который "
    "номинировался на премию «Оскар» в 1998 году. Новую картину режиссёр снимал два года."
)

EXECUTION = Article(
    "В Техасе отложили казнь Кимберли Маккарти.\n\n"
    "Суд штата Техас предоставил осуждённой 60-дневную отсрочку, чтобы её адвокаты успели "
    "подать апелляцию. Последняя смертная казнь женщины в США была проведена в штате Вирджиния "
    "в сентябре 2010 года. Маккарти узнала об отсрочке за пять часов до казни."
)

QUEEN = Article(
    "Елизавета II стала самым долгоправящим монархом Великобритании.\n\n"
    "Она превзошла рекорд своей прапрабабушки королевы Виктории, которая правила 63 года и "
    "семь месяцев. Снайперская винтовка сержанта Николая Никитина выставлена в музее рядом с "
    "револьвером командира расчёта Михаила Козомазова."
)

DOCTOR = Article(
    "Вышел тизер восьмого сезона «Доктора Кто».\n\n"
    "Би-би-си 23 мая 2014 года представил любителям фантастического сериала «Доктор Кто» "
    "новый тизер, предваряющий премьеру восьмого сезона, которая запланирована на август."
)


def ask(engine, article: Article, question: str, previous: Turn | None = None):
    return engine.answer(article, question, previous=previous)


def test_a_list_question_gets_the_whole_list(embedded_engine, seed_text) -> None:
    seed = Article(seed_text)
    for question in ("Что подписали?", "Какие документы были подписаны?"):
        answer = ask(embedded_engine, seed, question)
        for item in ("медицинского страхования", "научных изданий",
                     "волоконно-оптических линий"):
            assert item in answer.text, (question, answer.text)
    winners = ask(embedded_engine, NOBEL, "кто получил нобелевку мира").shown
    assert "Муквеге" in winners and "Мурад" in winners, winners


def test_a_date_is_the_whole_date_and_a_number_keeps_its_unit(embedded_engine) -> None:
    assert ask(embedded_engine, LAW, "когда дума его приняла").text == "26 ноября 2010 года"
    assert ask(embedded_engine, NOBEL, "когда объявили").text == "5 октября 2018 года"
    prize = ask(embedded_engine, NOBEL, "скока составляет премия").text
    assert prize == "девять миллионов шведских крон", prize
    trees = ask(embedded_engine, FOREST, "скока деревьев вырубят").text
    assert trees.startswith("20 тыс."), trees


def test_a_reason_question_gets_the_reason(embedded_engine) -> None:
    """A reason clause without its subordinator («так как трасса пройдёт …»); a reason phrase
    with the preposition that makes it one («за их усилия …»: «их усилия» alone is no answer
    to «за что»)."""
    why = ask(embedded_engine, FOREST, "почему они против трассы").text
    assert why.startswith("трасса пройдёт через лесопарковую зону"), why
    for_what = ask(embedded_engine, NOBEL, "за что дали премию").text
    assert for_what.startswith("за их усилия") and "сексуального насилия" in for_what, for_what


TRIAL = Article(
    "В Техасе отложили казнь Кимберли Маккарти.\n\n"
    "Судья перенёс казнь на 3 апреля. Маккарти узнала об отсрочке за пять часов до казни. "
    "Смертные казни женщин в США довольно редки. Последняя была проведена в штате Вирджиния "
    "в сентябре 2010 года. Кимберли Маккарти была признана виновной в убийстве и ограблении "
    "своей 71-летней соседки почти 16 лет назад."
)
VERDICT = Article(
    "Верховный суд отменил приговор блогеру.\n\n"
    "В среду, 16 ноября 2016 года, Верховный суд России отменил приговор Алексею Навальному "
    "по делу «Кировлеса». Дело передано на новое рассмотрение в районный суд Кирова. "
    "Поводом для этого стало вступившее в июне решение Европейского суда по правам человека."
)
MATCH = Article(
    "В Словакии прервали матч «Спартака».\n\n"
    "Судья остановил игру на четвёртой минуте, после того как фанаты начали жечь пиротехнику. "
    "По данным блогеров, эта акция болельщиков была запланирована и вызвана недавним "
    "убийством болельщика «Спартака» Егора Свиридова, в память о котором фанаты развернули "
    "на трибуне плакаты. Игру продолжили через двадцать минут."
)


def test_a_reason_is_found_where_news_states_it(embedded_engine) -> None:
    # what she was found guilty of answers «за что», far from the sentences about the execution;
    # «за пять часов до казни» is how long before, never why
    charge = ask(embedded_engine, TRIAL, "за что её казнят").text
    assert "убийстве" in charge and "ограблении" in charge, charge
    assert "часов" not in charge and "назад" not in charge, charge
    # «Поводом для этого стало …» gives the reason for what the sentence before says
    ruling = ask(embedded_engine, VERDICT, "почему вдруг отменили").text
    assert "решение Европейского суда" in ruling, ruling
    # «вызвана …» is the cause; «после того как …» only tells when, and the relative clause
    # after the cause is not part of it
    cause = ask(embedded_engine, MATCH, "зачем они это устроили").text
    assert "убийством болельщика" in cause and "плакаты" not in cause, cause


def test_answers_are_whole_balanced_and_in_the_form_asked(embedded_engine) -> None:
    film = ask(embedded_engine, FILM, "какой фильм стал переломным").text
    assert film.count("«") == film.count("»") and "Вор" in film, film
    laureate = ask(embedded_engine, NOBEL, "кому присудили премию")
    assert "Муквеге" in laureate.text
    who = ask(embedded_engine, NOBEL, "кто получил премию")
    assert "Денис Муквеге" in who.shown, who  # nominative, though the text says «Денису»
    assert who.text == NOBEL.text[who.start:who.stop]  # the article's own words kept
    place = ask(embedded_engine, FOREST, "где будет акция").text
    assert place.startswith("у здания мэрии"), place


def test_a_follow_up_is_read_with_the_previous_question(embedded_engine) -> None:
    first = ask(embedded_engine, NOBEL, "где объявили о премии")
    assert "Осло" in first.text
    turn = Turn("где объявили о премии", first.text, first.sentence)
    when = ask(embedded_engine, NOBEL, "а когда это было", previous=turn)
    assert when.text == "5 октября 2018 года", when


@pytest.mark.parametrize(("typed", "expected"), [
    ("скоко деревьев вырубят", "20 тыс. деревьев"),
    ("кагда дума его приняла", "26 ноября 2010 года"),
])
def test_typos_and_slang_are_read_as_meant(embedded_engine, typed: str, expected: str) -> None:
    article = FOREST if "дерев" in typed else LAW
    assert ask(embedded_engine, article, typed).text == expected


@pytest.mark.parametrize(("article", "question"), [
    (NOBEL, "скока лет муквеге"),  # no age in the text, though it has numbers
    (LAW, "за сколько продали здание думы"),  # money asked, only a fine and counts given
    (FILM, "когда умер чухрай"),  # no death in the text, though it has a year
])
def test_what_the_text_does_not_say_gets_no_answer(embedded_engine, article, question) -> None:
    answer = ask(embedded_engine, article, question)
    assert not answer.found, answer.text


def test_a_count_of_days_is_not_answered_in_hours(embedded_engine) -> None:
    """«скока дней дали» counts days: «пять часов» (before the execution) is another unit."""
    assert ask(embedded_engine, EXECUTION, "скока дней дали").text == "60-дневную отсрочку"
    assert ask(embedded_engine, EXECUTION,
               "за сколько часов до казни она узнала").text.endswith("пять часов")


def test_whose_gets_the_owner_with_the_noun_that_titles_him(embedded_engine) -> None:
    """«чей…» asks for an owner, a person: «королевы Виктории», not «63 года» nor «Виктории»."""
    assert ask(embedded_engine, QUEEN, "чей рекорд она побила").text == "королевы Виктории"
    assert ask(embedded_engine, QUEEN, "чья винтовка в музее").text.startswith("сержанта")


LENIN = Article(
    "Снесён последний памятник Ленину.\n\n"
    "Как сообщают СМИ, в городе Новгород-Северский Черниговской области Украины в ночь на 24 "
    "октября 2016 года демонтирован последний на территории Украины памятник вождю "
    "пролетариата Владимиру Ленину. Памятник отправлен на хранение."
)
ATTACK = Article(
    "Исламское государство (ИГ) назвало исполнителя теракта в Нью-Йорке «солдатом халифата».\n\n"
    "31 октября 2017 года 29-летний иммигрант из Узбекистана Сайфулло Саипов на автомобиле "
    "выехал на велодорожку и начал давить людей. Погибли восемь человек."
)
FBI = Article(
    "Газета The Washington Post назвала кандидатов в сменщики Роберта Мюллера на пост "
    "директора ФБР.\n\n"
    "Как рассказали изданию осведомленные источники, наибольшие шансы стать новым главой ФБР "
    "имеет Майкл Мэйсон (Michael Mason), ветеран бюро и нынешний начальник службы "
    "безопасности компании Verizon Communications. Майкл Мэйсон, агент с 23-летним стажем, в "
    "прошлом возглавлял офис ФБР в Вашингтоне. В 2007 году он оставил службу и занялся "
    "вопросами безопасности в телекоммуникационной компании. Кандидатуру Мэйсона поддерживают "
    "сами сотрудники бюро. Таким образом, назначение Мэйсона "
    "директором ФБР будет означать, что бюро избавилось от пережитков периода сегрегации."
)

SNOWDEN = Article(
    "Байден попросил Эквадор отказать Сноудену в убежище.\n\n"
    "Власти Эквадора заявили, что не могут рассмотреть вопрос о предоставлении убежища Сноудену "
    "до тех пор, пока он не окажется на территории страны. Предполагается, что Эдвард Сноуден "
    "по-прежнему находится в транзитной зоне московского аэропорта Шереметьево, куда он "
    "прилетел из Гонконга."
)


def test_where_is_a_place_said_with_its_preposition(embedded_engine) -> None:
    """«где щас сноуден»: a phrase that says where, not «Эквадора» in «Власти Эквадора»."""
    place = ask(embedded_engine, SNOWDEN, "где щас сноуден").text
    assert place.startswith("в транзитной зоне") and "Шереметьево" in place, place


def test_where_is_the_most_specific_place_not_the_country(embedded_engine) -> None:
    """A place nested in a region and a country is answered from the smallest one: not
    «Украины», which the sentence also says of the monument («последний на территории
    Украины»)."""
    place = ask(embedded_engine, LENIN, "где снесли последнего ленина").text
    assert place.startswith("в городе Новгород-Северский"), place


def test_where_from_asks_a_persons_origin(embedded_engine) -> None:
    """«он откуда вообще» asks where he comes from («иммигрант из Узбекистана»), not where the
    attack was; «откуда родом» too."""
    assert ask(embedded_engine, ATTACK, "он откуда вообще").text == "из Узбекистана"
    assert ask(embedded_engine, ATTACK, "откуда саипов родом").text == "из Узбекистана"


def test_where_someone_works_is_an_organisation_said_of_him_now(embedded_engine) -> None:
    """«где он сейчас работает» after «кто станет главой ФБР»: the company the text says he
    heads now («нынешний начальник … компании Verizon Communications»), not the ФБР he may
    head."""
    first = ask(embedded_engine, FBI, "кто скорее всего станет главой фбр")
    turn = Turn("кто скорее всего станет главой фбр", first.text, first.sentence)
    work = ask(embedded_engine, FBI, "где он сейчас работает", previous=turn).text
    assert "Verizon Communications" in work and "ФБР" not in work, work


def test_a_date_counts_nothing(embedded_engine) -> None:
    """The text dates the teaser and says the season is the eighth, not how many episodes
    it has: «23 мая» is no answer to «сколько серий»; a count in a dated text still is one."""
    assert not ask(embedded_engine, DOCTOR, "сколько серий в новом сезоне").found
    assert "1200" in ask(embedded_engine, LAW, "скока человек задержали").shown


SHOOTING = Article(
    "Судя по видео, в момент ликвидации нападавший обстреливал ФСБ скрываясь за колоннами "
    "здания напротив.\n\n"
    "Стрельба началась около 18:00 по Москве и продлилась около часа.\n\n"
    "Подробности происшествия противоречивы и не раскрываются."
)
STORAGE = Article(
    "Коррективы обязывают операторов связи с 1 июля 2018 года в течение трех лет хранить "
    "данные о фактах приема, передачи, доставки и обработки голосовой информации и текстовых "
    "сообщений, изображений, звуков и видео. Изображения, звуки и видеоинформацию операторы "
    "должны хранить в течение шести месяцев. Всю информацию операторы обязаны предоставлять "
    "по требованию спецслужб."
)
BAIL = Article(
    "Магистратский суд лондонского района Вестминстер принял решение об освобождении под "
    "залог Джулиана Ассанжа до следующего заседания. Однако судья Говард Риддли выдвинул ряд "
    "жёстких условий.\n"
    "Сумма, которую за него должны внести поручители, определена в размере 240 тыс. фунтов "
    "стерлингов (почти 380 тыс. долларов).\n\n"
    "Швеция добивается выдачи 39-летнего австралийца, подозревая его в изнасиловании."
)


def test_how_long_is_a_duration_even_without_a_figure(embedded_engine) -> None:
    """«около часа» has no figure and «в течение шести месяцев» reads as a time expression;
    both say how long, which is what «скока длилась» asks. The subject after «скока»
    («операторы должны хранить») is not what is counted."""
    assert embedded_engine.answer(SHOOTING, "скока длилась стрельба").text == "около часа"
    kept = embedded_engine.answer(STORAGE, "скока операторы должны хранить видео")
    assert "шести месяцев" in kept.text and "трех лет" not in kept.text


def test_how_much_the_bail_is_is_a_sum_of_money(embedded_engine) -> None:
    """«скока залог»: the sum, not the 39-year-old; a noun after «скока» in a question with
    no verb is what is asked about, and bail is money."""
    bail = embedded_engine.answer(BAIL, "скока залог").text
    assert bail in ("240 тыс. фунтов стерлингов", "почти 380 тыс. долларов"), bail


ARARAT = Article(
    "Московский футбольный клуб «Арарат» закрывается\n"
    "Московский футбольный клуб «Арарат» в ближайшее время снимется с розыгрыша ПФЛ России и "
    "прекратит свое существование. Об этом заявил главный тренер команды Александр "
    "Григорян.\n\n"
    "В интервью «Спорт Экспрессу» Григорян отметил:\n"
    "Нам объявили, что «Арарат» закрывается."
)


def test_a_person_named_by_surname_is_given_the_whole_name_the_article_has(embedded_engine
                                                                           ) -> None:
    """The interview names him «Григорян»; who he is, the article says a paragraph before."""
    answer = embedded_engine.answer(ARARAT, "кто дал интервью спорт экспрессу")
    assert answer.text == "Григорян" and answer.shown == "Александр Григорян"


GANDOLFINI = Article(
    "Джеймс Гандольфини, звезда «Клана Сопрана» скончался в Риме\n"
    "19 июня 2013 года американский актёр Джеймс Гандольфини, получивший наибольшую "
    "известность за роль босса мафии Тони Сопрано в популярном сериале «Клан Сопрано» (The "
    "Sopranos) телекомпании НВО, скончался в Риме, где проводил свой отпуск.\n\n"
    "Как сообщила представитель НВО Мара Микалиан, вероятной причиной смерти 51-летнего "
    "артиста стал сердечный приступ."
)
ZHARKOV = Article(
    "Умер Алексей Жарков\n"
    "5 июня 2016 года в Москве на 69-м году жизни скончался актёр театра и кино, народный "
    "артист России Алексей Жарков.\n\n"
    "Причиной смерти стала остановка сердца, вызванная продолжительной болезнью.\n\n"
    "Похороны артиста пройдут 7 июня на Новом Городском кладбище в подмосковном "
    "Наро-Фоминске."
)


def test_a_question_about_what_the_article_never_mentions_gets_no_answer(embedded_engine
                                                                         ) -> None:
    """«когда похороны» of a death notice that says nothing of a funeral: not the date he
    died; where the article tells the funeral, its date."""
    assert not embedded_engine.answer(GANDOLFINI, "когда похороны").found
    assert not embedded_engine.answer(GANDOLFINI, "кто его адвокат").found
    assert embedded_engine.answer(ZHARKOV, "когда похороны").text == "7 июня"


AWARDS = Article(
    "Бывший начальник космодрома осуждён.\n\n"
    "За время службы был награждён орденом \"За военные заслуги\" и четырьмя медалями. Суд "
    "приговорил его к семи годам лишения свободы."
)


def test_a_quoted_title_keeps_the_noun_that_says_what_it_is(embedded_engine) -> None:
    """«чем его наградили»: «орденом "За военные заслуги"», not the bare title, which could be
    a film's."""
    answer = ask(embedded_engine, AWARDS, "чем его наградили").text
    assert answer.startswith('орденом "За военные заслуги"'), answer
