"""Chinese numerals for dates and amounts: ``二〇二三``, ``一百一十二``, ``廿一``, ``3萬5千``.

Two ways of writing a number are read:

* digit by digit, as years are usually written: ``二〇二三`` / ``二零二三`` → 2023;
* positional, with the units 十 百 千 (small) and 萬 億 (large): ``一百一十二`` → 112,
  ``三十一`` → 31, ``廿一`` → 21, ``3萬5000`` → 35000, ``1億2000萬`` → 120000000.

The colloquial shortening where a trailing digit counts in the next lower unit is understood:
``三萬五`` is 35000 and ``一百二`` 120 (but ``三萬零五`` is 30005). Financial forms (壹貳參 …,
拾佰仟) are read like their everyday forms.
"""

from __future__ import annotations

import re
from decimal import Decimal

DIGITS: dict[str, int] = {
    **{str(i): i for i in range(10)},
    **dict(zip("〇○零一二三四五六七八九", (0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9), strict=True)),
    **dict(zip("壹貳贰參叁肆伍陸陆柒捌玖", (1, 2, 2, 3, 3, 4, 5, 6, 6, 7, 8, 9), strict=True)),
    "兩": 2,
    "两": 2,
    "元": 1,  # 元年: the first year of an era
}
SMALL_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
TENS: dict[str, int] = {"廿": 20, "卅": 30, "卌": 40}
LARGE_UNITS: dict[str, int] = {"萬": 10_000, "万": 10_000, "億": 100_000_000, "亿": 100_000_000}

NUMERAL_CHARS = "".join(sorted(set(DIGITS) | set(SMALL_UNITS) | set(TENS)))
_ZEROS = frozenset("〇○零")
_TOKEN = re.compile(r"\d+(?:\.\d+)?|.", re.S)


def cjk_int(text: str) -> int | None:
    """A whole number written in Chinese numerals and/or ASCII digits, or None."""
    if not text:
        return None
    if text.isascii():
        return int(text) if text.isdigit() else None
    if all(ch in DIGITS and ch != "元" for ch in text):  # digit by digit: 二〇二三
        return int("".join(str(DIGITS[ch]) for ch in text))
    if text == "元":
        return 1
    got = cjk_amount(text)
    if got is None or got != got.to_integral_value():
        return None
    return int(got)


def cjk_amount(text: str) -> Decimal | None:
    """A non-negative amount such as ``3萬5千``, ``1.2萬`` or ``1億2000萬``, or None."""
    total = Decimal(0)  # what the finished large sections (億, 萬) add up to
    section = Decimal(0)  # the current section below the next large unit
    current: Decimal | None = None  # the last number read, not yet given a unit
    current_is_digit = False  # a single digit (colloquial 三萬五 = 35000)
    last_unit = 0  # the last unit applied, for the colloquial trailing digit
    zero_seen = False
    for token in _TOKEN.findall(text):
        if token[0].isdigit() and token.isascii():
            if current is not None:
                return None
            current, current_is_digit = Decimal(token), len(token) == 1
        elif token in DIGITS and token != "元":
            if current is not None:
                return None
            value = DIGITS[token]
            if token in _ZEROS:
                zero_seen = True
                continue
            current, current_is_digit = Decimal(value), True
        elif token in TENS:
            if current is not None:
                return None
            section += TENS[token]
            last_unit = 1  # 廿一: the digit after 廿 is units
        elif token in SMALL_UNITS:
            unit = SMALL_UNITS[token]
            section += (Decimal(1) if current is None else current) * unit
            current, last_unit, zero_seen = None, unit, False
        elif token in LARGE_UNITS:
            unit = LARGE_UNITS[token]
            if current is not None:
                section += current
            if section == 0 and total == 0:
                return None
            if unit > 10_000 or total == 0:
                total = (total + section) * unit
            else:  # 萬 after 億: 1億2000萬
                total += section * unit
            section, current, last_unit, zero_seen = Decimal(0), None, unit, False
        else:
            return None
    if current is not None:
        if current_is_digit and last_unit > 1 and not zero_seen:
            current *= last_unit // 10  # 三萬五 = 35000, 一百二 = 120
        section += current
    result = total + section
    return result if text and (result or "0" in text or any(c in _ZEROS for c in text)) else None
