"""The answer a когда- or сколько-question wants, found and made whole in its sentence.

The reader was trained on SberQuAD, whose annotators often cut a date to its year, and it
reads one window at a time: for «кагда была коронация» it could answer «в Вестминстерском
аббатстве», for «скока ему лет» a club's name, for «когда дума его приняла» «26 ноября» where
the sentence says «26 ноября 2010 года». So the spans that may answer these questions are the
ones that touch a time expression (a date, a month, a weekday, «вчера», «в 10:35») or a
number; the winning span is then widened to the whole expression: the full date as written,
the number with its multiplier and unit («девять миллионов шведских крон», «3 кг»). A sentence
with none of them cannot answer: that is «этого нет», not the nearest noun.
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Callable

from models.qa.antecedent import age_of_asked, asked_names
from models.qa.cues import number_words
from models.qa.span_shape import QUOTES
from models.text.analysis import AnalyzedArticle, Sentence, Token

_DIGIT = re.compile(r"\d")

Span = tuple[int, int]

_MONTHS = (r"январ\w*|феврал\w*|март\w*|апрел\w*|ма[йяе]|июн\w*|июл\w*|август\w*|сентябр\w*"
           r"|октябр\w*|ноябр\w*|декабр\w*")
_WEEKDAYS = r"понедельник\w*|вторник\w*|сред[уаеы]|четверг\w*|пятниц\w*|суббот\w*|воскресень\w*"
_PART = r"(?:(?:в\s+)?(?:начале|конце|середине|первой\s+половине|второй\s+половине)\s+)?"
_YEAR = r"(?:\d{4}(?:\s*(?:-?го|-м)?\s*(?:год[ауе]?м?|гг?\.?))?|\d{2}\s*(?:год[ауе]?м?|гг?\.))"
# how many of a time unit: «через пять лет», «три года назад», «через несколько дней»
_COUNT = (r"(?:\d+|одн\w+|дв[ае]|тр[иое]\w*|четыр\w+|пят\w*|шест\w*|сем\w*|восем\w*|девят\w*"
          r"|десят\w*|нескольк\w+|пар\w+|полтор\w+)")
_TIME_UNIT = r"(?:секунд\w*|минут\w*|час\w*|дн\w+|день|сут\w+|недел\w+|месяц\w*|год\w*|лет)"
# time expressions the date extractor of natasha does not give: whole dates with a weekday,
# months alone, years alone, seasons, relative days, clock times, centuries and decades
_TIME = re.compile(
    r"(?<!\w)(?:"
    rf"(?:(?:{_WEEKDAYS}),?\s+)?\d{{1,2}}(?:\s*[-–—]\s*\d{{1,2}})?\s+(?:{_MONTHS})(?:\s+{_YEAR})?"
    rf"|{_PART}(?:{_MONTHS})(?:\s+{_YEAR})?"
    rf"|(?:{_WEEKDAYS})"
    r"|(?:весн|лет|осен|зим)(?:ой|ом|ою)(?:\s+\d{4}(?:\s+года)?)?"
    rf"|(?:через|спустя|в\s+течение)\s+{_COUNT}?\s*{_TIME_UNIT}"
    rf"|(?:{_COUNT}\s+)?{_TIME_UNIT}\s+назад"
    r"|(?:на|в)\s+(?:прошлой|этой|следующей|будущей|позапрошлой)\s+неделе"
    r"|в\s+(?:прошлом|этом|следующем|будущем|позапрошлом)\s+(?:году|месяце|сезоне)"
    r"|в\s+ближайш\w+\s+(?:\w+\s+)?(?:дн\w+|недел\w*|месяц\w*|год\w*|лет|время)"
    r"|(?:позавчера|вчера|сегодня|завтра|послезавтра|накануне|ночью|утром|вечером|днём|днем)"
    r"|\d{1,2}[:.]\d{2}(?:\s+по\s+(?:московскому|местному)\s+времени)?"
    r"|(?:[IVXLC]+|\d{1,2})(?:-?м|-?го)?\s+(?:век[еау]?|столети[еия])(?:\s+до\s+н\.\s*э\.)?"
    r"|(?:19|20)?\d0-(?:х|е)(?:\s+годах|\s+годы|\s+гг\.)?"
    rf"|{_PART}(?:1\d|20)\d{{2}}(?:\s*[-–—]\s*(?:1\d|20)\d{{2}})?"
    r"(?:\s*(?:-?го|-м)?\s*(?:год[ауе]?м?|годах|гг?\.))?"
    r")(?!\w)",
    re.IGNORECASE)
# words that give an amount without a figure: «много раз», «сотни каналов», «дважды»
QUANTITY_WORDS = frozenset({"много", "немного", "мало", "несколько", "сотня", "тысяча",
                            "десяток", "дважды", "трижды", "четырежды", "множество",
                            "большинство", "половина", "треть", "четверть", "миллион"})
# words that scale a number: «девять миллионов», «3,5 млрд»
MULTIPLIERS = frozenset({"тысяча", "тыс", "миллион", "млн", "миллиард", "млрд", "триллион",
                         "трлн", "сотня", "десяток", "половина", "процент", "%"})
# words before a number that belong to it: «более 26», «около тысячи», «не менее 15»
APPROXIMATORS = frozenset({"более", "менее", "около", "свыше", "почти", "порядка", "примерно",
                           "от", "приблизительно", "до", "не", "каждый"})
ABBREVIATED = frozenset({"тыс", "млн", "млрд", "трлн"})  # «20 тыс. деревьев»: the dot is theirs
MAX_UNIT_GAP = 2  # adjectives allowed between a number and its unit noun («шведских крон»)
# the numerals that make an age adjective in words: «восьмидесятилетний», «семидесятипятилетняя»
_AGE_NUMERALS = (r"одно|двух|трёх|трех|четырёх|четырех|пяти|шести|семи|восьми|девяти|десяти"
                 r"|одиннадцати|двенадцати|тринадцати|четырнадцати|пятнадцати|шестнадцати"
                 r"|семнадцати|восемнадцати|девятнадцати|двадцати|тридцати|сорока|пятидесяти"
                 r"|шестидесяти|семидесяти|восьмидесяти|девяноста|сто|ста")
# an age as news write it: «90-летняя», «81 год», «в возрасте 76 лет», «восьмидесятилетний»
_AGE = re.compile(r"(?<!\w)(?:(?:в\s+возрасте\s+)?\d{1,3}"
                  r"(?:\s+(?:тысяч|миллион\w*|млн|млрд|миллиард\w*))?"
                  r"(?:\s*-\s*|\s+)(?:летн\w*|год\w*|лет)"
                  rf"|(?:{_AGE_NUMERALS}){{1,3}}летн\w*)(?!\w)",
                  re.IGNORECASE)
AGE_WORDS = frozenset({"возраст", "стукнуть", "исполниться"})

_cache: weakref.WeakKeyDictionary[AnalyzedArticle, dict[int, list[Span]]] = (
    weakref.WeakKeyDictionary())
_lock = threading.Lock()


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, stop in sorted(spans):
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], stop))
        else:
            merged.append((start, stop))
    return merged


def time_expressions(doc: AnalyzedArticle, sentence: Sentence, dates: Callable | None = None
                     ) -> list[Span]:
    """The time expressions of `sentence` as article offsets, overlapping ones merged:
    natasha's DatesExtractor («2 июня 1953 года») and the patterns above («в конце января»,
    «в среду», «вчера», «в 10:35»). Computed once per sentence and kept beside the analysis."""
    with _lock:
        known = _cache.setdefault(doc, {}).get(sentence.index)
    if known is not None:
        return known
    spans = [(sentence.start + m.start(), sentence.start + m.end())
             for m in _TIME.finditer(sentence.text)]
    if dates is not None:
        spans += [(sentence.start + m.start, sentence.start + m.stop)
                  for m in dates(sentence.text)]
    text = doc.article.text
    spans = [(a, b) for a, b in _merge(spans) if text[a:b].strip()]
    with _lock:
        _cache[doc][sentence.index] = spans
    return spans


def can_be_no_one(doc: AnalyzedArticle, start: int, stop: int, dates: Callable | None = None
                  ) -> bool:
    """Whether text[start:stop] can answer no кто-question: an amount («10 апсаров», «4
    человека», «несколько»), a date, or a title in quotes («Новичок», «Кровный брат»). A noun
    («мужчину», «учёные») may be who is asked about."""
    if holds_number(doc, start, stop) or whole_time(doc, start, stop, dates):
        return True
    return doc.article.text[max(0, start - 1):start + 1].strip()[:1] in QUOTES


def overlapping(spans: list[Span], start: int, stop: int) -> list[Span]:
    return [(a, b) for a, b in spans if a < stop and start < b]


def whole_time(doc: AnalyzedArticle, start: int, stop: int, dates: Callable | None = None
               ) -> Span | None:
    """The time expressions a span touches, as one span from the first to the last (the
    span's other words dropped: «2 июня 1953 года в Вестминстерском аббатстве» -> the date);
    None when it touches none."""
    sentence = doc.sentence_at(start)
    if sentence is None:
        return None
    touched = overlapping(time_expressions(doc, sentence, dates), start, stop)
    if not touched:
        return None
    return touched[0][0], touched[-1][1]


def _is_number(token: Token) -> bool:
    """A figure or a cardinal numeral; an ordinal word («восьмого») is no amount, but a
    figure is one whatever its suffix («5-цилиндровый», «104-й»)."""
    if token.lemma in QUANTITY_WORDS:
        return True
    return bool(number_words([token])) and (token.pos != "ADJ" or _DIGIT.search(token.text))


def _is_amount(tokens: list[Token], k: int) -> bool:
    """A number (`_is_number`), or a time unit said as one after a word that qualifies an
    amount: «около часа», «более года», «почти сутки» are durations with no figure."""
    return _is_number(tokens[k]) or (
        tokens[k].lemma in TIME_UNITS and k > 0 and tokens[k - 1].lemma in APPROXIMATORS
        and tokens[k - 1].lemma not in {"до", "от", "не", "каждый"})


YEAR_UNITS = frozenset({"год", "лет"})  # «в 2014 году» is a date, «три года» a duration
_CALENDAR_WORD = re.compile(rf"(?<!\w)(?:{_MONTHS}|{_WEEKDAYS})(?!\w)", re.IGNORECASE)


def is_duration(doc: AnalyzedArticle, start: int, stop: int) -> bool:
    """Whether text[start:stop] says how long («в течение шести месяцев», «девять дней, семь
    часов и 39 минут»), not when: a time unit and no month, weekday or year of a date. Such
    a time expression answers «скока длилась», «за скока доехал»."""
    sentence, tokens = _tokens(doc, start)
    if sentence is None:
        return False
    text = doc.article.text[start:stop]
    if _CALENDAR_WORD.search(text):
        return False
    units = {t.lemma for t in tokens if start < t.stop and t.start < stop} & TIME_UNITS
    return bool(units - YEAR_UNITS or units and not _DATE.search(text))


def _tokens(doc: AnalyzedArticle, start: int) -> tuple[Sentence | None, list[Token]]:
    sentence = doc.sentence_at(start)
    return sentence, list(sentence.tokens) if sentence else []


def holds_number(doc: AnalyzedArticle, start: int, stop: int) -> bool:
    """Whether text[start:stop] holds a figure or a cardinal numeral («26», «девять»,
    «51-летняя»); an ordinal («восьмого сезона») counts no amount."""
    _, tokens = _tokens(doc, start)
    return any(_is_amount(tokens, k) for k, t in enumerate(tokens)
               if start < t.stop and t.start < stop)


def counts(doc: AnalyzedArticle, start: int, stop: int) -> bool:
    """Whether text[start:stop] holds a number or is what the number just before it counts
    («женщины» in «Три женщины»: the reader often leaves the numeral out)."""
    if holds_number(doc, start, stop):
        return True
    _, tokens = _tokens(doc, start)
    before = [t for t in tokens if t.stop <= start]
    return bool(before) and _is_number(before[-1])


def whole_number(doc: AnalyzedArticle, start: int, stop: int) -> Span:
    """A number span made whole: the words before it that qualify it («более», «около»), its
    multiplier and its unit after it («миллионов шведских крон», «кг»), and, when the span is
    only the unit, the number before it. Offsets stay inside the sentence."""
    _, tokens = _tokens(doc, start)
    inside = [k for k, t in enumerate(tokens) if start < t.stop and t.start < stop]
    if inside and inside[0] > 0 and _is_number(tokens[inside[0] - 1]):
        inside.insert(0, inside[0] - 1)  # the unit alone: its number too
    numbers = [k for k in inside if _is_amount(tokens, k)]
    if not inside or not numbers:
        return start, stop
    k = numbers[0]
    while k > 0 and (tokens[k - 1].lemma in APPROXIMATORS or _is_number(tokens[k - 1])):
        k -= 1
    # the number group, not the words the span had before it («объём торговли составил около
    # 500 млн долларов» -> «около 500 млн долларов»); a preposition it had stays («на 60 дней»)
    first = k - 1 if k > inside[0] and tokens[k - 1].pos == "ADP" else k
    # the first number group: its figures, multipliers and a range («от 500 тыс. до 1 млн»),
    # not a second figure further on («пять часов до казни, … в 6 часов»)
    k = numbers[0]

    def continues(at: int) -> bool:
        following = tokens[at + 1]
        after = tokens[at + 2] if at + 2 < len(tokens) else None
        return (following.lemma in MULTIPLIERS or _is_number(following)
                or following.text == "." and tokens[at].text.lower() in ABBREVIATED
                and after is not None
                or following.text in {",", ".", ":", "до", "-", "–", "или"} and after is not None
                and _is_number(after))

    while k + 1 < len(tokens) and continues(k):
        k += 1
    last = k
    for gap in range(1, MAX_UNIT_GAP + 2):  # its unit: the first noun after the number
        if k + gap >= len(tokens):
            break
        following = tokens[k + gap]
        if following.pos in {"NOUN", "PROPN"} or following.text in {"%", "$", "€"}:
            last = k + gap
            after = tokens[last + 1] if last + 1 < len(tokens) else None
            if (after is not None and after.pos == "NOUN" and following.pos == "NOUN"
                    and following.text.isalpha() and after.text.isalpha()):
                last += 1  # «фунтов стерлингов», «часов музыки»
            break
        if following.pos not in {"ADJ", "NUM"} and following.lemma not in MULTIPLIERS:
            break
    return tokens[first].start, tokens[last].stop


def asks_age(question, is_known=None) -> bool:
    """«скока ей лет», «сколько лет мэйсону», «какой возраст»: a сколько-question about years
    with no verb or one that names whose (a dative: «ей», «мэйсону») or says «возраст» /
    «стукнуло», not a duration («сколько лет он сидел»)."""
    lemmas = {w.lemma for w in question.words}
    if lemmas & AGE_WORDS:
        return True
    if question.wh != "сколько" or lemmas & (MONEY_WORDS | GIVING_WORDS):
        return False  # «скока лет ему светило» asks a court's term (models/qa/terms.py)
    if question.wh_index > 0 and question.words[question.wh_index - 1].lemma in {"на", "за"}:
        return False  # «на скока лет», «за сколько лет»: a length of time
    verbs = [w for w in question.words if w.pos == "VERB" and w.lemma != "быть"
             and (is_known is None or is_known(w.text.lower()))]  # «мэйсону» is no verb
    whose = any(w.feats.get("Case") == "Dat" for w in question.words
                if w.pos in {"PRON", "PROPN", "NOUN"})
    after_wh = question.words[question.wh_index + 1:question.wh_index + 3]
    if not any(w.lemma == "год" for w in after_wh):
        # «скока ему было», «а скока ей»: nothing counted, no verb but «быть», someone's
        return not verbs and whose and not counted_noun(question) and not any(
            w.pos in {"NOUN", "PROPN", "NUM", "ADJ"} for w in after_wh)
    return not verbs or whose  # «какой процент … в 1901 году» is no age


def with_years(question) -> str:
    """«скока ему было» as «сколько лет ему было»: the age question in the words the reader
    learnt it in."""
    words = [w.text for w in question.words]
    words.insert(question.wh_index + 1, "лет")
    return " ".join(words)


def whole_age(doc: AnalyzedArticle, start: int, stop: int) -> Span | None:
    """The age expression a span touches («90-летняя», «71 год»), None when it touches none."""
    sentence = doc.sentence_at(start)
    if sentence is None:
        return None
    for match in _AGE.finditer(sentence.text):
        a, b = sentence.start + match.start(), sentence.start + match.end()
        if a < stop and start < b:
            return a, b
    return None


MONEY_WORDS = frozenset({"платить", "заплатить", "выплатить", "стоить", "стоимость", "цена",
                         "зарплата", "заработать", "зарабатывать", "продать", "купить",
                         "штраф", "выплата", "компенсация", "доход", "прибыль", "деньга", "деньги",
                         "бюджет", "гонорар", "премия", "оценить", "обойтись", "залог",
                         "взятка", "ущерб", "сумма", "потратить", "тратить", "вложить",
                         "вкладывать", "инвестировать", "инвестиция", "пожертвовать",
                         "пожертвование", "выручка", "убыток", "долг", "налог", "пенсия",
                         "пособие", "оклад", "выкуп"})
_CURRENCY = re.compile(r"руб|долл|евро|\$|€|£|франк|крон|юан|иен|фунт|гривн|гривен|тенге|манат"
                       r"|лари|песо|рупи|злот|шекел|лир", re.IGNORECASE)
# verbs of what a court gives or a prosecutor asks: «сколько лет ему светило» is a term, no age
GIVING_WORDS = frozenset({"дать", "давать", "получить", "светить", "грозить", "просить",
                          "запросить", "требовать", "потребовать", "приговорить", "присудить",
                          "отсидеть", "назначить"})
DURATION_WORDS = frozenset({"длиться", "продлиться", "продолжаться", "продолжиться", "долго",
                            "продолжительность", "длительность"})
TIME_UNITS = frozenset({"секунда", "минута", "час", "день", "сутки", "неделя", "месяц", "год",
                        "век", "лет"})
PEOPLE = "человек"
# «сколько X»: X counts people when it is one of these, and any animate noun answers it
PEOPLE_NOUNS = frozenset({"человек", "люди", "житель", "участник", "пострадавший", "погибший"})
_ANIMATE = re.compile(r"\banim\b")


def counted_noun(question) -> str:
    """The noun a сколько-question counts («скока деревьев вырубят» -> дерево), "" when none."""
    if question.wh_index < 0 or question.wh not in {"сколько", "насколько"}:
        return ""  # «каков объём торговли» asks for an amount, not a count of «объёмов»
    for word in question.words[question.wh_index + 1:question.wh_index + 3]:
        if word.pos in {"NOUN", "PROPN"}:
            if not _counted_case(word, question):
                return ""  # «скока операторы должны хранить видео»: the subject, not counted
            return "" if word.lemma in TIME_UNITS | {"раз"} else word.lemma
    return ""


def _counted_case(word, question) -> bool:
    """Whether a noun after «сколько» is what it counts: the genitive («сколько операторов»,
    «скока бабла»), a case the tagger did not give, or any case in a question with no verb
    («скока залог»: how much the bail is). «скока операторы должны хранить видео» counts no
    operators: they are the subject of its verb."""
    if word.feats.get("Case", "Gen") in {"Gen", "Par"}:
        return True
    return not any(w.pos in {"VERB", "AUX"} or w.feats.get("Variant") == "Short"
                   for w in question.words)


# How a time unit shows in a span, a noun or an adjective made of a number and it («60-дневную»,
# «пятилетний» after the digits are dropped): the stems that tell one unit from another.
UNIT_STEMS = {
    "секунда": ("секунд",), "минута": ("минут",), "час": ("час",), "день": ("дн", "день", "сут"),
    "сутки": ("сут",), "неделя": ("недел",), "месяц": ("месяц", "месяч"),
    "год": ("год", "лет", "летн"), "лет": ("год", "лет", "летн"), "век": ("век",),
}


def counted_unit(question) -> str:
    """The time unit a сколько-question counts («скока дней…» -> день), "" when none."""
    if question.wh_index < 0 or question.wh not in {"сколько", "насколько"}:
        return ""
    for word in question.words[question.wh_index + 1:question.wh_index + 3]:
        if word.pos in {"NOUN", "PROPN"}:
            return word.lemma if word.lemma in UNIT_STEMS and _counted_case(word, question) else ""
    return ""


def _animate(morph, word: str) -> bool:
    return any(_ANIMATE.search(str(p.tag)) for p in morph.parse(word)[:2])


def _same_noun(a: str, b: str) -> bool:
    return a == b or a[:5] == b[:5]


def fits_count(doc: AnalyzedArticle, start: int, stop: int, question, morph) -> bool:
    """Whether a number span answers what the question counts: money for «скока ему будут
    платить», a time for «скока длился разговор», the same kind of thing as the counted noun
    for «сколько серий» (`_noun_class`). A question that names none of these takes any
    number."""
    text = doc.article.text[start:stop]
    lemmas = {w.lemma for w in question.words}
    if lemmas & MONEY_WORDS:
        return bool(_CURRENCY.search(text))
    _, tokens = _tokens(doc, start)
    inside = [t for t in tokens if start < t.stop and t.start < stop]
    if lemmas & DURATION_WORDS:
        return any(t.lemma in TIME_UNITS for t in inside)
    unit = counted_unit(question)
    if unit:  # «скока дней дали» is not answered by «пять часов», but by «60-дневную отсрочку»
        said = [name for t in inside for name, stems in UNIT_STEMS.items()
                if t.text.lower().replace("-", "").lstrip("0123456789").startswith(stems)]
        return not said or unit in said
    noun = counted_noun(question)
    if not noun:
        return True
    units = [t for t in inside if t.pos in {"NOUN", "PROPN"} or t.text in SYMBOLS]
    if not units:
        return True  # «погибли 8» — the number alone, its noun elsewhere in the sentence
    wanted = _noun_class(noun, morph)
    return any(_noun_class(SYMBOLS.get(t.text, t.lemma), morph) == wanted for t in units)


SYMBOLS = {"%": "процент", "$": "доллар", "€": "евро", "£": "фунт", "₽": "рубль"}


def _noun_class(lemma: str, morph) -> str:
    """What a counted noun measures, coarsely: a time, money, a share, people, or things.
    «сколько серий» is not answered by «55 лет», nor «сколько человек» by «1:2»; any thing
    answers a question about things («сколько стран» — «девяти государств»)."""
    if lemma in TIME_UNITS:
        return "time"
    if _CURRENCY.match(lemma):
        return "money"
    if lemma in {"процент", "доля"}:
        return "share"
    if lemma in PEOPLE_NOUNS or _animate(morph, lemma):
        return "people"
    return "thing"


def age_of_named(doc: AnalyzedArticle, start: int, stop: int, question) -> bool:
    """Whether an age belongs to someone, and to the one the question names if it names
    anyone (models/qa/antecedent.py tells whose an age is): «23-летним стажем» is no one's
    age; «14 лет» of Рэпп does not answer «скока лет щас спейси», nor «54-летний шпион ФСБ»
    beside «Юлии Скрипаль» «скока лет юлии»."""
    sentence = doc.sentence_at(start)
    if sentence is None:
        return False
    after = [t for t in sentence.tokens if t.start >= stop][:2]
    if after and (after[0].pos == "NOUN" and after[0].lemma in TIME_UNITS | {"стаж", "срок"}
                  or after[0].lemma == "назад"):
        return False  # «с 23-летним стажем», «20-летний срок», «16 лет назад»
    asked = asked_names(doc, question)
    return not asked or age_of_asked(doc, start, stop, asked)


# a calendar date in a sentence: a day and its month («23 мая»), a month and its year, a year
# said as one («в 2014 году», «2010 г.»); a bare four-figure number («1883 организации») is none
_DATE = re.compile(
    rf"(?<!\w)(?:\d{{1,2}}(?:\s*[-–—]\s*\d{{1,2}})?\s+(?:{_MONTHS})(?:\s+\d{{4}})?"
    rf"|(?:{_MONTHS})\s+\d{{4}}"
    r"|(?:1\d|20)\d{2}(?:\s*[-–—]\s*(?:1\d|20)\d{2})?\s*(?:-?го|-м)?\s*(?:год[ауе]?м?|годах|гг?\.))"
    r"(?!\w)",
    re.IGNORECASE)
# what a сколько-question may ask that a date tells: «сколько лет назад», «сколько времени»
AGO_WORDS = frozenset({"назад", "время"})


def dated(doc: AnalyzedArticle, start: int, stop: int, question) -> bool:
    """Whether the number of text[start:stop] is the day or the year of a calendar date
    («23 мая 2014 года», «в 2014 году»): a date counts nothing, so it answers no сколько-
    question but «сколько лет назад» / «сколько времени»."""
    if {w.lemma for w in question.words} & AGO_WORDS:
        return False
    sentence, tokens = _tokens(doc, start)
    if sentence is None:
        return False
    numbers = [t for t in tokens if start < t.stop and t.start < stop and _is_number(t)]
    if not numbers:
        return False
    first = numbers[0]
    return any(sentence.start + m.start() <= first.start and first.stop <= sentence.start
               + m.end() for m in _DATE.finditer(sentence.text))


_SCORE = re.compile(r"^\d{1,3}\s*:\s*\d{1,3}$")


def is_score(text: str) -> bool:
    """«1:0», «2:1»: a match score or a clock time, never an amount."""
    return bool(_SCORE.match(text.strip()))


def asks_duration(question) -> bool:
    """«скока длилась», «сколько дней он голодал»: how long; a duration is wanted («сколько
    лет» may be an age as well: not told here)."""
    return bool({w.lemma for w in question.words} & DURATION_WORDS) or (
        counted_unit(question) not in {"", "год", "лет"})


def asks_money(question) -> bool:
    """«скока ему будут платить», «сколько стоит»: a sum of money is wanted."""
    return bool({w.lemma for w in question.words} & MONEY_WORDS)
