"""Phone standardiser beyond the corpus: per-row regions, distinct parsing, fast path = slow path.

The fast path (``_phone_fast``) replays phonenumbers' parsing and validation over arrays; it is
only allowed to accept numbers phonenumbers accepts, with the same E.164. The agreement tests
generate numbers around phonenumbers' own example numbers (valid ones, one digit changed, one
digit more or less) in every written form, for the regions the tool is for and a few with
awkward metadata (shared country codes, carrier prefixes, transform rules).
"""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import phonenumbers
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmmigrate.transform.standardise import _phone_fast as fast
from crmmigrate.transform.standardise import phone

REGIONS = ["TW", "HK", "CN", "MO", "US", "GB", "SG", "MY", "JP", "CA", "AU", "AR", "MX", "IT",
           "DE", "RU", "KZ", "GG", "IM", "BR", "IN", "KR"]  # fmt: skip
TYPES = [phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE,
         phonenumbers.PhoneNumberType.TOLL_FREE, phonenumbers.PhoneNumberType.VOIP]  # fmt: skip


def _run(values: list[object], **options: object) -> pd.DataFrame:
    result = phone.standardise(pd.Series(values, dtype=object), **options)  # type: ignore[arg-type]
    return pd.DataFrame(
        {
            "value": result.values,
            "status": result.status,
            "rule": result.rule,
            "reason": result.reason,
            "extension": result.extras["extension"],
            "second": result.extras["second"],
        }
    )


def _generated(seed: int, n: int) -> tuple[list[str], list[str]]:
    """Digits around example numbers: valid, changed, borderline lengths, in every form."""
    rng = random.Random(seed)
    examples = [(r, phonenumbers.example_number_for_type(r, t)) for r in REGIONS for t in TYPES]
    examples = [(r, e) for r, e in examples if e is not None]
    values, regions = [], []
    for _ in range(n):
        region, example = rng.choice(examples)
        nsn = phonenumbers.national_significant_number(example)
        change = rng.random()
        if change < 0.2:
            nsn = nsn[:-1]
        elif change < 0.4:
            nsn += str(rng.randrange(10))
        elif change < 0.6:
            i = rng.randrange(len(nsn))
            nsn = nsn[:i] + str(rng.randrange(10)) + nsn[i + 1 :]
        cc = str(example.country_code)
        form = rng.choice(["+{c}{n}", "00{c}{n}", "{c}{n}", "0{n}", "{n}", "+{c}0{n}", "1{n}"])
        values.append(form.format(c=cc, n=nsn))
        regions.append(region if rng.random() < 0.8 else rng.choice([*REGIONS, "ZZ"]))
    return values, regions


def test_fast_digits_accept_only_what_phonenumbers_accepts() -> None:
    """Every number the fast path decides is valid for phonenumbers with the same E.164."""
    values, regions = _generated(seed=1, n=4000)
    plain = [not v.startswith("00") for v in values]  # '00' is read as '+' first: see below
    values = [v for v, p in zip(values, plain, strict=True) if p]
    regions = [r for r, p in zip(regions, plain, strict=True) if p]
    names = sorted(set(regions))
    region_idx = np.array([names.index(r) for r in regions])
    body = pa.array([v.lstrip("+") for v in values])
    plus = np.array([v.startswith("+") for v in values])
    got = fast.decide_digits(body, plus, region_idx, names)
    agreed = valid = 0
    for i, (value, region) in enumerate(zip(values, regions, strict=True)):
        try:
            number = phonenumbers.parse(value, None if region == "ZZ" else region)
            ok = phonenumbers.is_valid_number(number)
        except phonenumbers.NumberParseException:
            ok = False
        if region == "ZZ":
            continue  # the fast path's obvious-country-code reading is checked end to end
        valid += ok
        if got.done[i]:
            assert ok, f"fast path accepted an invalid number (case {i})"
            assert got.e164[i] == phonenumbers.format_number(number, 0), f"case {i}"
            agreed += 1
    assert valid > 1000
    assert agreed >= 0.9 * valid  # the fast path decides nearly everything valid


@pytest.mark.parametrize("seed", [2, 3])
def test_fast_path_equals_phonenumbers_alone(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole column, fast path on and off: same values, statuses, rules, reasons, extras."""
    values, regions = _generated(seed=seed, n=2500)
    rng = random.Random(seed)
    decorations = ["{}", "{}", "Tel: {}", "{} #12", "{} ext. 7", "{} / 0912-345-678", "{}分機3"]
    values = [rng.choice(decorations).format(v) for v in values]
    for output in ("E164", "NATIONAL"):
        fast_result = _run(values, region=pd.Series(regions), output=output)
        monkeypatch.setattr(phone, "FAST_PATH", False)
        slow_result = _run(values, region=pd.Series(regions), output=output)
        monkeypatch.setattr(phone, "FAST_PATH", True)
        pd.testing.assert_frame_equal(fast_result, slow_result)


def test_region_per_row() -> None:
    values = ["0912345678", "9123 4567", "13800138000", "0912345678", "020 7946 0018", "9123 4567"]
    regions = pd.Series(["TW", "hk", "CN", None, "UK", "XX"])
    out = _run(values, region=regions)
    assert out["value"].tolist() == [
        "+886912345678", "+85291234567", "+8613800138000", "0912345678", "+442079460018",
        "9123 4567",
    ]  # fmt: skip
    assert out["reason"].tolist()[3:] == ["unknown-region", None, "unknown-region"]


def test_region_series_is_aligned_by_index() -> None:
    series = pd.Series(["9123 4567", "0912345678"], index=[10, 20], dtype=object)
    regions = pd.Series(["TW", "HK"], index=[20, 10])
    result = phone.standardise(series, region=regions)
    assert result.values.tolist() == ["+85291234567", "+886912345678"]
    assert result.values.index.tolist() == [10, 20]


def test_each_distinct_pair_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    slow: list[int] = []
    decide, slow_batch = fast.decide, phone._slow_batch

    def counting_decide(texts, *args):  # type: ignore[no-untyped-def]
        seen.append(len(texts))
        return decide(texts, *args)

    def counting_slow(items, *args):  # type: ignore[no-untyped-def]
        slow.append(len(items))
        return slow_batch(items, *args)

    monkeypatch.setattr(fast, "decide", counting_decide)
    monkeypatch.setattr(phone, "_slow_batch", counting_slow)
    values = ["0912345678", "9123 4567", "N/A", None] * 250
    regions = pd.Series(["TW", "HK"] * 500)
    result = phone.standardise(pd.Series(values, dtype=object), region=regions)
    # (0912345678, TW), (9123 4567, HK), (N/A, TW): None is not parsed at all
    assert seen == [3]
    assert slow == [1]
    assert result.counts() == {"ok": 0, "fixed": 500, "invalid": 250, "empty": 250}


def test_rules() -> None:
    out = _run(
        ["912345678", "0912345678", "13800138000", "02-2345-6789 #1", "02-2345-6789 / 0912345678",
         "+886912345678"],
        region=pd.Series(["TW", "TW", "CN", "TW", "TW", "TW"]),
    )  # fmt: skip
    assert out["rule"].tolist() == [
        "phone.leading-zero-restored", "phone.e164", "phone.e164", "phone.extension-split",
        "phone.split-second", None,
    ]  # fmt: skip
    assert _run(["0912345678"], output="NATIONAL")["rule"].tolist() == ["phone.national"]


def test_excel_numbers_and_invalid_objects_kept() -> None:
    out = _run([912345678, 912345678.0, 123])
    assert out["value"].tolist() == ["+886912345678", "+886912345678", 123]
    assert out["status"].tolist() == ["fixed", "fixed", "invalid"]


def test_string_dtype_and_extras_always_present() -> None:
    series = pd.Series(["0912345678", None, ""], dtype="str")
    result = phone.standardise(series)
    assert set(result.extras) == {"extension", "second"}
    assert result.status.tolist() == ["fixed", "empty", "empty"]


def test_unknown_output_names_no_value() -> None:
    with pytest.raises(ValueError, match="output format") as info:
        phone.standardise(pd.Series(["0912345678"]), output="E.123")  # type: ignore[arg-type]
    assert "0912345678" not in str(info.value)


def test_process_pool_and_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forced small thresholds: the pool and thread paths give what one process gives."""
    values, regions = _generated(seed=4, n=600)
    values += ["N/A", "0912-345-678 / 無", "+999 1", "02-2345-6789 x9"]
    regions += ["TW"] * 4
    single = _run(values, region=pd.Series(regions), output="INTERNATIONAL")
    monkeypatch.setenv("CRMMIGRATE_WORKERS", "2")
    monkeypatch.setattr(phone, "POOL_THRESHOLD", 10)
    monkeypatch.setattr(phone, "THREAD_THRESHOLD", 10)
    pooled = _run(values, region=pd.Series(regions), output="INTERNATIONAL")
    pd.testing.assert_frame_equal(single, pooled)


def test_workers_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRMMIGRATE_WORKERS", "1")
    assert phone._workers() == 1
    monkeypatch.setenv("CRMMIGRATE_WORKERS", "many")
    assert phone._workers() == phone.DEFAULT_WORKERS


_PIECES = st.sampled_from(
    ["0912", "345", "678", "02", "2345", "6789", "+886", "00", "852", "9123", "4567", "86", "138",
     "0013", "8000", "(", ")", "-", " ", ".", "#", "ext. ", "x", "分機", "轉", ",", " / ", "、",
     "Tel: ", "手機 ", "０９", "＋", "N/A", "無", "1", "0", "\n"]
)  # fmt: skip
_CELLS = st.one_of(st.lists(_PIECES, max_size=10).map("".join), st.text(max_size=20))


@settings(max_examples=300, deadline=None)
@given(cell=_CELLS, region=st.sampled_from(["TW", "HK", "CN", "US", "GB", "ZZ"]))
def test_idempotent_and_invalid_unchanged(cell: str, region: str) -> None:
    first = _run([cell], region=region).iloc[0]
    if first["status"] == "invalid":
        assert first["value"] == cell
    again = _run([first["value"]], region=region).iloc[0]
    assert again["value"] == first["value"]
    assert again["status"] in ("ok", "invalid", "empty")
