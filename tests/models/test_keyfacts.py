"""Key names are shown in the nominative, also when natasha's normaliser gives up on a name."""

from models.base import Article


def test_seed_names_are_nominative(embedded_engine, seed_text: str) -> None:
    names = embedded_engine.summarize(Article(seed_text)).names
    assert "Олжас Бектенов" in names  # the text has "Олжасом Бектеновым", "О.Бектенов(а)"
    assert "Али Асадов" in names
    assert not any(name.endswith(("ым", "ом")) for name in names)


def test_female_surname_takes_its_shortest_written_form(embedded_engine) -> None:
    text = (
        "В Казани прошла встреча с писательницей Марией Петровой. "
        "Петрова рассказала читателям о своей новой книге и ответила на вопросы. "
        "Книгу Петровой уже перевели на три языка, сообщили организаторы встречи."
    )
    names = embedded_engine.summarize(Article(text)).names
    assert "Мария Петрова" in names


def test_an_adjective_opening_the_sentence_is_not_part_of_the_name(embedded_engine) -> None:
    """slovnet reads «Шестидесятивосьмилетняя Дилма Руссефф» as one name; the age is not a name.
    Adjectival surnames (Достоевский) have a surname reading and stay."""
    text = (
        "Шестидесятивосьмилетняя Дилма Руссефф покинула пост президента Бразилии. "
        "Руссефф заявила журналистам, что её отстранение от власти — переворот. "
        "Писатель Фёдор Достоевский жил в этом доме в XIX веке, напомнили экскурсоводы."
    )
    names = embedded_engine.summarize(Article(text)).names
    assert "Дилма Руссефф" in names
    assert not any("Шестидесятивосьмилетн" in name for name in names)
    assert any(name.endswith("Достоевский") for name in names)


def test_a_person_called_by_first_name_later_is_shown_once(embedded_engine) -> None:
    text = (
        "Фигурист Денис Тен погиб в Алма-Ате после нападения грабителей. "
        "Денис был бронзовым призёром Олимпийских игр в Сочи, напомнили в федерации. "
        "Тренеры вспоминают, что Денис тренировался по шесть часов в день."
    )
    names = embedded_engine.summarize(Article(text)).names
    assert "Денис Тен" in names and "Денис" not in names, names


def test_a_time_of_day_stays_whole_in_the_key_figures(embedded_engine) -> None:
    text = (
        "Митинг начнётся в 15:30 на центральной площади города, сообщили организаторы. "
        "Ожидается, что на митинг придут около 2 тысяч человек. "
        "Полиция перекроет движение на трёх улицах с 14:00 до 18:00."
    )
    numbers = embedded_engine.summarize(Article(text)).numbers
    assert "15:30" in numbers and "30" not in numbers and "15" not in numbers, numbers
