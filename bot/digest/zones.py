"""Time zones as users see them: the one mapping from an IANA id to the Russian city name
shown for it, the other spellings people type, and the label «Иркутск, UTC+8».

Stored values stay IANA ids (ZoneInfo needs them); everything a user reads goes through
`zone_label`, everything a user types through `bot.digest.schedule.parse_zone`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# IANA id -> the city shown for it (and accepted when typed, in any letter case).
ZONE_NAMES = {
    "Europe/Kaliningrad": "Калининград",
    "Europe/Moscow": "Москва",
    "Europe/Samara": "Самара",
    "Asia/Yekaterinburg": "Екатеринбург",
    "Asia/Omsk": "Омск",
    "Asia/Novosibirsk": "Новосибирск",
    "Asia/Krasnoyarsk": "Красноярск",
    "Asia/Irkutsk": "Иркутск",
    "Asia/Yakutsk": "Якутск",
    "Asia/Vladivostok": "Владивосток",
    "Asia/Magadan": "Магадан",
    "Asia/Kamchatka": "Петропавловск-Камчатский",
    "Asia/Almaty": "Алматы",
    "Asia/Tashkent": "Ташкент",
    "Asia/Bishkek": "Бишкек",
    "Europe/Minsk": "Минск",
    "Europe/Kyiv": "Киев",
    "Asia/Baku": "Баку",
    "Asia/Tbilisi": "Тбилиси",
    "Asia/Yerevan": "Ереван",
}

# Other names people type for those zones (lower case).
ZONE_ALIASES = {
    "санкт-петербург": "Europe/Moscow", "петербург": "Europe/Moscow", "спб": "Europe/Moscow",
    "питер": "Europe/Moscow", "мск": "Europe/Moscow", "камчатка": "Asia/Kamchatka",
    "астана": "Asia/Almaty", "Europe/Kiev".casefold(): "Europe/Kyiv",
}

# What a typed city name (casefolded) means: the shown names and the aliases.
CITY_ZONES = {name.casefold(): zone for zone, name in ZONE_NAMES.items()} | ZONE_ALIASES


def zone_name(zone: str) -> str:
    """The city shown for `zone`: the Russian name, else the IANA id as it is."""
    return ZONE_NAMES.get(zone, zone)


def utc_offset(zone: str, at: datetime | None = None) -> str:
    """«UTC+8», «UTC+5:30», «UTC-4», «UTC» for `zone` at `at` (default: now); "" if unknown."""
    try:
        info = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return ""
    offset = (at or datetime.now(UTC)).astimezone(info).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_label(zone: str, at: datetime | None = None) -> str:
    """«Иркутск, UTC+8»: the city and its offset at `at` (summer and winter differ)."""
    offset = utc_offset(zone, at)
    return f"{zone_name(zone)}, {offset}" if offset else zone_name(zone)
