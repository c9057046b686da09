"""The date grammar for the less common forms, read one distinct value at a time.

``date.py`` reads the common numeric shapes (``2023-05-03``, ``03/05/2023``, ``112.5.3``,
``20230503``) for a whole column at once; everything else comes here: Chinese ``年月日`` dates
(Arabic or Chinese numerals, ROC / 民國 and Japanese era years), ``民國112/5/3``, ``R5.5.3``,
English and Chinese month names, Excel serial numbers, and the time / weekday / zone tail that
may follow any date.

No general-purpose date library is used: dateutil, for one, reads ``112/05/03`` as the year 112
and, with ``fuzzy=True``, drops a Chinese year and silently returns the current one. A value
this grammar does not know is ``unreadable-date``, never a guess.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from crmmigrate.transform.standardise._cjk_numbers import NUMERAL_CHARS, cjk_int

ROC_OFFSET = 1911  # 民國1年 = 1912
MAX_SERIAL_DATE = dt.date(2099, 12, 31)  # Excel serials beyond this are taken for other numbers

_ENGLISH_MONTHS = (
    "jan(?:uary)?", "feb(?:ruary)?", "mar(?:ch)?", "apr(?:il)?", "may", "june?", "july?",
    "aug(?:ust)?", "sep(?:t(?:ember)?)?", "oct(?:ober)?", "nov(?:ember)?", "dec(?:ember)?",
)  # fmt: skip
_MONTH_BY_PREFIX = {name[:3]: i for i, name in enumerate(_ENGLISH_MONTHS, start=1)}
_MONTH = (
    rf"(?P<mon>(?:{'|'.join(_ENGLISH_MONTHS)})(?![a-z])\.?"
    rf"|(?:\d{{1,2}}|[{NUMERAL_CHARS}]{{1,3}})\s*月)"
)
_WEEKDAY_EN = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_WEEKDAY_CJK = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_WEEKDAY_NAME = r"(?:mon|tue|wed|thu|fri|sat|sun)(?:day|s|sday|nesday|rsday|rs|r|urday)?\b\.?"
JAPANESE_ERAS = {"令和": 2019, "平成": 1989, "昭和": 1926, "大正": 1912, "明治": 1868}
_ERA_LETTERS = {"R": 2019, "H": 1989, "S": 1926, "T": 1912, "M": 1868}
_ROC_PREFIX = r"(?:中華民國|中华民国|民國|民国)"
_NUM = rf"[\d{NUMERAL_CHARS}]+"
# Everything after the date must start with a space, T, comma or bracket (or be empty).
_REST = r"(?P<rest>(?:[\sT,(].*)?)"

_CJK_DATE = re.compile(
    rf"^(?P<era>{_ROC_PREFIX}|西元|公元|西曆|西历|{'|'.join(JAPANESE_ERAS)})?\s*(?P<before>前)?\s*"
    rf"(?P<y>{_NUM})\s*年\s*(?P<m>{_NUM})\s*月\s*(?P<d>{_NUM})\s*"
    r"(?:[日號号](?P<rest>.*)|(?P<bare>(?:[\sT,(].*)?))$",
    re.I,
)
_ROC_NUMERIC = re.compile(
    rf"^{_ROC_PREFIX}\s*(?P<y>\d{{1,3}})\s*(?P<s>[/.\-])(?P<m>\d{{1,2}})(?P=s)(?P<d>\d{{1,2}}){_REST}$"
)
_ERA_NUMERIC = re.compile(
    rf"^(?P<era>[RHSTM])\.?\s?(?P<y>\d{{1,3}})(?P<s>[/.\-])(?P<m>\d{{1,2}})(?P=s)(?P<d>\d{{1,2}}){_REST}$",
    re.I,
)
_LEAD = rf"^(?:(?P<wd>{_WEEKDAY_NAME})[,\s]*)?"
_ORD = r"(?:st|nd|rd|th)?"
_MONTH_NAME_FORMS = (
    re.compile(  # 3 May 2023, 3rd of May, 2023, 03-MAY-23, 03-5月-2023
        rf"{_LEAD}(?:the\s+)?(?P<d>\d{{1,2}}){_ORD}(?:\s+of)?[\s\-/.,]*{_MONTH}[\s\-/.,]*"
        rf"(?P<y>\d{{4}}|\d{{2}})\b{_REST}$",
        re.I,
    ),
    re.compile(  # May 3, 2023; Wed May 03 2023 14:22:10 GMT+0800
        rf"{_LEAD}{_MONTH}[\s\-/.,]*(?P<d>\d{{1,2}}){_ORD}(?:\s*,\s*|[\s\-/.]+)"
        rf"(?P<y>\d{{4}}|\d{{2}})\b{_REST}$",
        re.I,
    ),
    re.compile(  # 2023 May 3, 2023-May-03
        rf"{_LEAD}(?P<y>\d{{4}})[\s\-/.,]*{_MONTH}[\s\-/.,]*(?P<d>\d{{1,2}}){_ORD}\b{_REST}$",
        re.I,
    ),
)
_SERIAL = re.compile(r"^(?P<days>\d{5})(?:\.(?P<frac>\d+))?$")

_TAIL_WEEKDAY = re.compile(
    r"^[\s,]*\(?\s*(?:(?:星期|禮拜|礼拜|週|周)(?P<c1>[一二三四五六日天])"
    rf"|(?P<c2>[一二三四五六日])(?=\s*\))|(?P<en>{_WEEKDAY_NAME}))\s*\)?",
    re.I,
)
_AMPM = r"上午|下午|早上|中午|晚上|凌晨|am|pm|a\.m\.|p\.m\."
_CLOCK = re.compile(
    rf"^[\s,]*(?:t|at\s)?\s*(?P<ap1>{_AMPM})?\s*(?P<H>\d{{1,2}})"
    r"(?::(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<F>\d+))?)?"
    r"|\s*[時时點点]\s*(?:(?P<M2>\d{1,2})\s*分\s*(?:(?P<S2>\d{1,2})\s*秒)?)?)"
    rf"\s*(?P<ap2>{_AMPM})?",
    re.I,
)
_CLOCK_BASIC = re.compile(r"^t(?P<H>\d{2})(?P<M>\d{2})(?P<S>\d{2})?(?:[.,](?P<F>\d+))?", re.I)
_ZONE = re.compile(
    r"^\s*(?:(?P<z>z)|(?:(?:utc|gmt)\s*)?(?P<sign>[+-])(?P<th>\d{1,2})(?::?(?P<tm>\d{2}))?"
    r"|(?P<name>utc|gmt|hkt|jst|kst|sgt))(?:\s*\([^()]*\))?\s*$",
    re.I,
)
_ZONE_NAMES = {"utc": "+00:00", "gmt": "+00:00", "hkt": "+08:00", "sgt": "+08:00"}
_ZONE_NAMES |= {"jst": "+09:00", "kst": "+09:00"}


@dataclass(slots=True)
class Reading:
    """What one value says: a year and two parts (month, day, or an order left to the column)."""

    year: int = 0
    first: int = 0  # the month, or the first number of a day/month pair when ``pair``
    second: int = 0  # the day, or the second number of a day/month pair
    form: str = ""  # the rule suffix: ymd, roc, compact, chinese, month-name, japanese-era, ...
    pair: bool = False  # day/month order decided by the column
    clock: str | None = None  # HH:MM:SS[.f][±HH:MM], when a time followed the date
    weekday: int | None = None  # the weekday written next to the date, Monday = 0
    reason: str | None = None


def unreadable() -> Reading:
    return Reading(reason="unreadable-date")


def parse_tail(text: str, reading: Reading) -> Reading:
    """Fill ``reading``'s weekday and clock from what followed the date (or mark it unreadable)."""
    rest = text
    if m := _TAIL_WEEKDAY.match(rest):
        key = m["c1"] or m["c2"]
        reading.weekday = _WEEKDAY_CJK[key] if key else _WEEKDAY_EN[m["en"][:3].lower()]
        rest = rest[m.end() :]
    if not rest.strip():
        return reading
    m = _CLOCK_BASIC.match(rest) or _CLOCK.match(rest)
    if m is None:
        return unreadable()
    groups = m.groupdict()
    ampm = (groups.get("ap1") or groups.get("ap2") or "").lower().replace(".", "")
    minute = groups.get("M") or groups.get("M2") or "0"
    second = groups.get("S") or groups.get("S2") or "0"
    hour = _hour(int(m["H"]), ampm)
    if hour is None or not (0 <= hour <= 23 and int(minute) <= 59 and int(second) <= 59):
        reading.reason = "impossible-time"
        return reading
    zone = ""
    rest = rest[m.end() :]
    if rest.strip():
        z = _ZONE.match(rest)
        if z is None:
            return unreadable()
        zone = _zone(z)
        if not zone:
            reading.reason = "impossible-time"
            return reading
    fraction = (m["F"] or "")[:6]
    fraction = f".{fraction}" if fraction.strip("0") else ""
    reading.clock = f"{hour:02d}:{int(minute):02d}:{int(second):02d}{fraction}{zone}"
    return reading


def _hour(hour: int, ampm: str) -> int | None:
    if not ampm:
        return hour
    if hour > 12:  # 下午 15:00: the 24-hour clock wins if it was also written
        return hour if ampm in ("pm", "下午", "晚上", "中午") else None
    if ampm in ("am", "上午", "早上", "凌晨"):
        return 0 if hour == 12 else hour
    if ampm == "中午":
        return hour if hour >= 11 else hour + 12
    return hour if hour == 12 else hour + 12


def _zone(m: re.Match[str]) -> str:
    if m["z"]:
        return "+00:00"
    if m["name"]:
        return _ZONE_NAMES[m["name"].lower()]
    hours, minutes = int(m["th"]), int(m["tm"] or 0)
    if hours > 14 or minutes > 59:
        return ""
    return f"{m['sign']}{hours:02d}:{minutes:02d}"


def excel_serial_to_date(serial: int, epoch: int = 1900) -> dt.date | None:
    """The calendar date of an Excel serial day number, or None where there is none.

    The 1900 system counts 1900-01-01 as day 1 and, copying a Lotus 1-2-3 bug, has a day 60
    for the non-existent 1900-02-29; days after it are one too high. The 1904 system (old Mac
    Excel) counts 1904-01-01 as day 0.
    """
    if epoch == 1904:
        return dt.date(1904, 1, 1) + dt.timedelta(days=serial) if serial >= 0 else None
    if serial < 1 or serial == 60:
        return None
    base = dt.date(1899, 12, 31) if serial < 60 else dt.date(1899, 12, 30)
    return base + dt.timedelta(days=serial)


def parse_serial(text: str, epoch: int) -> Reading | None:
    """An Excel serial (``45049``, ``45049.75``), or None when ``text`` is not one."""
    m = _SERIAL.match(text)
    if m is None:
        return None
    day = excel_serial_to_date(int(m["days"]), epoch)
    if day is None or day > MAX_SERIAL_DATE:
        return unreadable()
    reading = Reading(day.year, day.month, day.day, "excel-serial")
    if m["frac"]:
        seconds = round(float(f"0.{m['frac']}") * 86400)
        if seconds >= 86400:  # .99999999 rounds up to the next midnight
            return parse_serial(str(int(m["days"]) + 1), epoch)
        if seconds:
            clock = dt.time(seconds // 3600, seconds // 60 % 60, seconds % 60)
            reading.clock = clock.isoformat()
    return reading


def parse_other(text: str, *, country: str) -> Reading:
    """Read a value that is not one of the common numeric shapes."""
    if m := _CJK_DATE.match(text):
        return _cjk(m, country=country)
    if m := _ROC_NUMERIC.match(text):
        year = int(m["y"])
        reading = Reading(year + ROC_OFFSET, int(m["m"]), int(m["d"]), "roc")
        if year == 0:
            reading.reason = "impossible-date"
        return parse_tail(m["rest"], reading)
    if m := _ERA_NUMERIC.match(text):
        year = int(m["y"])
        start = _ERA_LETTERS[m["era"].upper()]
        reading = Reading(start + year - 1, int(m["m"]), int(m["d"]), "japanese-era")
        if year == 0:
            reading.reason = "impossible-date"
        return parse_tail(m["rest"], reading)
    for pattern in _MONTH_NAME_FORMS:
        if m := pattern.match(text):
            return _month_name(m)
    return unreadable()


def _cjk(m: re.Match[str], *, country: str) -> Reading:
    """``2023年5月3日``, ``民國112年5月3日``, ``二〇二三年五月三日``, ``令和元年5月1日``."""
    year, month, day = cjk_int(m["y"]), cjk_int(m["m"]), cjk_int(m["d"])
    if year is None or month is None or day is None:
        return unreadable()
    era = m["era"] or ""
    reading = Reading(year, month, day, "chinese")
    if era in JAPANESE_ERAS:
        reading.year, reading.form = JAPANESE_ERAS[era] + year - 1, "japanese-era"
    elif era[-2:] in ("民國", "民国") or (
        not era and year < 1000 and (year >= 100 or country == "TW")
    ):
        # 民國112年 / 112年 / 75年 (in Taiwan): the ROC calendar. 民國前1年 is 1911.
        reading.form = "roc"
        reading.year = ROC_OFFSET + 1 - year if m["before"] else year + ROC_OFFSET
    elif year < 100:
        reading.reason = "ambiguous-year"
    if year == 0 or (m["before"] and reading.form != "roc"):
        reading.reason = "impossible-date" if year == 0 else "unreadable-date"
    return parse_tail(m["rest"] or m["bare"] or "", reading)


def _month_name(m: re.Match[str]) -> Reading:
    mon = m["mon"].lower().rstrip(".")
    if mon.endswith("月"):
        month = cjk_int(mon[:-1].strip())
        if month is None:
            return unreadable()
    else:
        month = _MONTH_BY_PREFIX[mon[:3]]
    reading = Reading(int(m["y"]), month, int(m["d"]), "month-name")
    if len(m["y"]) == 2:
        reading.reason = "ambiguous-year"
    if m["wd"]:
        reading.weekday = _WEEKDAY_EN[m["wd"][:3].lower()]
    return parse_tail(m["rest"], reading)
