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
