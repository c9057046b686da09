"""Business and personal IDs: Taiwan 統一編號 and national ID, China USCC, Hong Kong BRN.

Every ID comes out canonical: NFKC, upper case, no spaces, dashes or dots, a leading label such
as ``統編:`` or ``BRN`` removed, an Excel ``.0`` dropped (rules ``ubn.format``, ``tw-id.format``,
``uscc.format``, ``brn.format``). An ID whose
check digit fails is ``invalid`` with ``bad-check-digit``, kept as it was; ``wrong-length`` and
``bad-format`` for the rest.

- **tw_ubn** (統一編號): 8 digits, the 2023 rule: weights 1,2,1,2,1,2,4,1, the digits of each
  product summed; valid when the sum is divisible by 5, or, when the 7th digit is 7, the sum + 1
  is (python-stdnum 2.2 still divides by 10 and rejects valid new numbers). Leading zeros are
  kept. A 6- or 7-digit value is a number a spreadsheet stored as a number: the zeros are
  restored (rule ``ubn.zero-restored``) only when the padded number passes the check digit, and
  ``restore_zeros=False`` turns that off; otherwise ``wrong-length``.
- **tw_national_id** (身分證/居留證): a letter and 9 digits; the second character is 1/2 for
  citizens, 8/9 for the resident certificates issued since 2021, A-D for the old ones (its
  letter value's last digit enters the sum).
- **cn_uscc** (統一社會信用代碼, GB 32100-2015): 18 characters from the 31-character alphabet
  without I, O, Z, S, V; characters 3-8 are the administrative division (digits); the last is
  the check character. The 15-digit registration numbers it replaced are ``wrong-length``.
- **hk_brn** (Business Registration number): 8 digits; no public check digit, so format only. A
  branch suffix (``12345678-001``) or a certificate number (``12345678-000-08-24-6``) is cut back
  to the 8-digit BRN (rule ``brn.suffix-removed``) and its 3-digit branch kept in
  ``extras["branch"]``.
- **tax_id** (any of them): told apart by shape: 8 digits → 統一編號 (Hong Kong BRN when
  ``country`` is HK; 6-7 digits too when it is TW), 18 characters → USCC, letter + 9 digits →
  Taiwan national ID, a BRN written with its dashed suffix → BRN. ``country`` is one code for
  the column or a Series of codes per row. An unknown shape is kept as written (trimmed), ``ok``,
  flagged ``unknown-id-format``. ``extras["id_type"]`` names the kind found.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import numpy as np
import pandas as pd

from crmmigrate.transform.standardise._vector import Columns
from crmmigrate.transform.standardise.base import (
    EMPTY,
    Outcome,
    Standardised,
    apply_unique,
    fixed,
    invalid,
)

_LABEL = re.compile(
    r"^(?:統一編號|统一编号|統編|统编|統一社會信用代碼|统一社会信用代码|信用代碼|信用代码|"
    r"稅號|税号|商業登記號碼?|商业登记号码?|商業登記|身分證字?號?|身份證號碼?|身份证号码?|"
    r"UBN|USCC|BRN|BR\s*NO|VAT(?:\s*NO)?|TAX\s*ID)\s*[:：#.]?\s*",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"[\s\-‐‑–—_.·/]+")
_EXCEL_FLOAT = re.compile(r"^(\d+)\.0+$")

_UBN_WEIGHTS = (1, 2, 1, 2, 1, 2, 4, 1)
_ID_LETTERS = "ABCDEFGHJKLMNPQRSTUVXYWZIO"  # A=10 … Z=33, I=34, O=35, in value order
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_BRN = re.compile(r"(\d{8})(?:(\d{3})(?:\d{4}[0-9A-Z])?)?")  # BRN, branch, MM YY check


def _compact(value: str) -> str:
    """NFKC, upper case, label and separators removed, Excel's ``.0`` dropped."""
    text = unicodedata.normalize("NFKC", value).strip()
    text = _LABEL.sub("", text)
    excel = _EXCEL_FLOAT.match(text)
    if excel:
        text = excel.group(1)
    return _SEPARATORS.sub("", text).upper()


# -- check digits ------------------------------------------------------------------------------
def tw_ubn_valid(number: str) -> bool:
    """Whether 8 digits pass the 統一編號 check (the 2023 divisible-by-5 rule)."""
    if len(number) != 8 or not number.isdigit():
        return False
    total = sum(sum(divmod(int(d) * w, 10)) for d, w in zip(number, _UBN_WEIGHTS, strict=True))
    return total % 5 == 0 or (number[6] == "7" and (total + 1) % 5 == 0)


def tw_national_id_valid(text: str) -> bool:
    """Whether a letter + 9 characters pass the Taiwan ID / resident certificate check."""
    if not re.fullmatch(r"[A-Z][1289A-D]\d{8}", text):
        return False
    area = _ID_LETTERS.index(text[0]) + 10
    second = text[1]
    first_digit = (_ID_LETTERS.index(second) + 10) % 10 if second.isalpha() else int(second)
    digits = [first_digit, *(int(c) for c in text[2:])]
    total = area // 10 + (area % 10) * 9
    total += sum(d * w for d, w in zip(digits[:8], range(8, 0, -1), strict=True)) + digits[8]
    return total % 10 == 0


def cn_uscc_check_char(body: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters of a USCC."""
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(body, _USCC_WEIGHTS, strict=False))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


# -- one value of each kind ----------------------------------------------------------------------
def tw_ubn_value(value: str, *, restore_zeros: bool = True) -> Outcome:
    number = _compact(value)
    if not number.isdigit():
        return invalid(value, "bad-format")
    if len(number) in (6, 7) and restore_zeros and tw_ubn_valid(number.zfill(8)):
        return fixed(value, number.zfill(8), "ubn.zero-restored")
    if len(number) != 8:
        return invalid(value, "wrong-length")
    if not tw_ubn_valid(number):
        return invalid(value, "bad-check-digit")
    return fixed(value, number, "ubn.format")


def tw_national_id_value(value: str) -> Outcome:
    text = _compact(value)
    if len(text) != 10:
        return invalid(value, "wrong-length")
    if not re.fullmatch(r"[A-Z][1289A-D]\d{8}", text):
        return invalid(value, "bad-format")
    if not tw_national_id_valid(text):
        return invalid(value, "bad-check-digit")
    return fixed(value, text, "tw-id.format")


def cn_uscc_value(value: str) -> Outcome:
    text = _compact(value)
    if len(text) != 18:
        return invalid(value, "wrong-length")
    if any(c not in _USCC_ALPHABET for c in text) or not text[2:8].isdigit():
        return invalid(value, "bad-format")
    if cn_uscc_check_char(text[:17]) != text[17]:
        return invalid(value, "bad-check-digit")
    return fixed(value, text, "uscc.format")


def hk_brn_value(value: str) -> Outcome:
    text = _compact(value)
    found = _BRN.fullmatch(text)
    if found is None:
        return invalid(value, "wrong-length" if text.isdigit() else "bad-format")
    brn, branch = found.group(1), found.group(2)
    if branch is None:
        return fixed(value, brn, "brn.format")
    return fixed(value, brn, "brn.suffix-removed", extras={"branch": branch})


# -- columns -----------------------------------------------------------------------------------
def standardise_tw_ubn(series: pd.Series, *, restore_zeros: bool = True) -> Standardised:
    """Standardise a column of Taiwan 統一編號."""
    return apply_unique(series, lambda v: tw_ubn_value(_text(v), restore_zeros=restore_zeros))


def standardise_tw_national_id(series: pd.Series) -> Standardised:
    """Standardise a column of Taiwan national IDs and resident certificate numbers."""
    return apply_unique(series, lambda v: tw_national_id_value(_text(v)))


def standardise_cn_uscc(series: pd.Series) -> Standardised:
    """Standardise a column of China unified social credit codes."""
    return apply_unique(series, lambda v: cn_uscc_value(_text(v)))


def standardise_hk_brn(series: pd.Series) -> Standardised:
    """Standardise a column of Hong Kong business registration numbers."""
    return apply_unique(series, lambda v: hk_brn_value(_text(v)))


def tax_id_value(value: str, country: str | None = None) -> Outcome:
    """Tell the kind of one ID by its shape (and country) and standardise it as that kind."""
    if not value.strip():
        return EMPTY
    compact = _compact(value)
    kind, parse = _kind_of(value, compact, (country or "").upper())
    if parse is None:
        return _unknown(value)
    out = parse(value)
    extras = {**(out.extras or {}), "id_type": kind}
    return Outcome(out.value, out.status, out.rule, out.reason, extras, out.flag)


def _kind_of(value: str, compact: str, country: str) -> tuple[str, Callable[[str], Outcome] | None]:
    brn = _BRN.fullmatch(compact)
    if brn and (country == "HK" or (brn.group(2) and "-" in value)):
        return "hk_brn", hk_brn_value
    if compact.isdigit() and (len(compact) == 8 or (len(compact) in (6, 7) and country == "TW")):
        return "tw_ubn", tw_ubn_value
    if len(compact) == 18 and compact.isalnum() and compact.isascii():
        return "cn_uscc", cn_uscc_value
    if re.fullmatch(r"[A-Z][1289A-D]\d{8}", compact):
        return "tw_national_id", tw_national_id_value
    return "", None


def _unknown(value: str) -> Outcome:
    kept = value.strip()
    out = fixed(value, kept, "tax-id.trim")
    return Outcome(out.value, out.status, out.rule, None, None, "unknown-id-format")


def standardise_tax_id(
    series: pd.Series, *, country: str | pd.Series | None = None
) -> Standardised:
    """Standardise a column of business/personal IDs of mixed kinds (see the module docstring)."""
    if not isinstance(country, pd.Series):
        return apply_unique(series, lambda v: tax_id_value(_text(v), country))
    pairs = pd.MultiIndex.from_arrays([series.astype(object), country.reindex(series.index)])
    codes, uniques = pd.factorize(pairs)
    cols = Columns(len(uniques))
    for i, (value, row_country) in enumerate(uniques):
        blank = value is None or (isinstance(value, float) and np.isnan(value))
        cc = row_country if isinstance(row_country, str) else None
        cols.put(i, EMPTY if blank else tax_id_value(_text(value), cc))
    return cols.build(series.index, np.where(series.isna().to_numpy(), -1, codes))


def _text(value: object) -> str:
    return value if isinstance(value, str) else str(value)
