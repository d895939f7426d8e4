"""Closed sets of Russian words that several modules recognise.

Kept in one place so that cleaning, QA retrieval and span rules, the summary faithfulness
guard and the digest agree on what a month is (and QA on how an age is written).
"""

from __future__ import annotations

import re

# pymorphy (OpenCorpora) grammemes of a proper name: first name, surname, patronymic, place,
# organisation, trade mark («Баку», «Токаев», «Газпром»).
PROPER_NAME_GRAMMEMES = ("Name", "Surn", "Patr", "Geox", "Orgn", "Trad")

# Genitive forms in calendar order, as a date is written: «3 марта».
MONTHS_GENITIVE = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
                   "сентября", "октября", "ноября", "декабря")

MONTH_LEMMAS = frozenset({
    "январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь",
    "октябрь", "ноябрь", "декабрь",
})

# What a month looks like inside lowercased text (any case form): «мая» and «май» spelled out,
# since «ма» would also match «малый».
MONTH_STEMS = ("январ", "феврал", "март", "апрел", "мая", "май", "июн", "июл", "август",
               "сентябр", "октябр", "ноябр", "декабр")

# A month as a dateline writes it, full or abbreviated («3 марта», «3 мар.»), for regexes.
MONTH_PATTERN = (
    r"(?:январ[ья]|феврал[ья]|март[а]?|апрел[ья]|ма[йя]|июн[ья]|июл[ья]|август[а]?|"
    r"сентябр[ья]|октябр[ья]|ноябр[ья]|декабр[ья]|янв|фев|мар|апр|июн|июл|авг|сен|сент|окт|"
    r"ноя|дек)\.?"
)

# «57-летний»: how news states an age; retrieval and the span rules read it as «сколько лет»
YEARS_OLD = re.compile(r"^\d+-летн")
