"""Rebuild the address data files under ``crmmigrate/data/address/`` from their sources.

Not imported at run time. Run it when a source is updated::

    python -m crmmigrate.transform.standardise._address_build \\
        --tw-zip tw_zip_3plus3_2102.csv --cn-jionlp jionlp-1.5.31-py2.py3-none-any.whl

* ``tw_zip33.csv.gz``: Chunghwa Post 3+3 postal codes (v2102.01) with every SCOOP (投遞範圍)
  parsed into typed rule columns, so the run-time lookup is a merge plus numpy comparisons.
* ``cn_divisions.csv.gz``: the province / prefecture / county levels of jionlp's
  ``china_location`` dictionary (towns and villages dropped).

See ``ATTRIBUTION.md`` beside the files for sources and licences.
"""

from __future__ import annotations

import argparse
import gzip
import io
import re
import zipfile
from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parents[2] / "data" / "address"

# Positions are encoded as number * 1000 + sub-number (之 number); 含附號 means "any sub-number".
SUB = 1000
TOP = 10**9

_PREFIX = re.compile(r"^(?:(?P<lane>\d+)(?:之(?P<lanes>\d+))?巷)?(?:(?P<alley>\d+)弄)?")
_FLOOR = re.compile(r"(?:地下(?P<b>\d+)樓|(?P<f>\d+)樓)(?:(?P<fop>以上|以下)|至(?P<fto>-?\d+)樓)?$")
_NUM = r"(?P<{0}>\d+)?(?:之(?P<{0}s>\d+))?(?P<{0}u>[號巷弄])?"
_BODY = re.compile(
    r"^(?P<par>[單雙連])?(?:(?P<all>全)|"
    + _NUM.format("a")
    + r"(?:(?P<op>及以上附號|含附號以下|以上|以下|附號)|至"
    + _NUM.format("b")
    + r"(?P<inc>含附號)?)?)$"
)


def parse_scoop(scoop: str) -> dict[str, int]:
    """One SCOOP text (``單  19號以下``, `` 12巷 3弄雙 20號至 48號 2樓以上``) as typed columns."""
    text = re.sub(r"[\s\u3000]+", "", scoop)
    out = {"lane": -1, "lane_sub": 0, "alley": -1, "parity": 0, "exact": 0}
    out |= {"lo": 0, "hi": TOP, "fl_lo": -TOP, "fl_hi": TOP}
    pre = _PREFIX.match(text)
    assert pre is not None
    if pre["lane"]:
        out["lane"], out["lane_sub"] = int(pre["lane"]), int(pre["lanes"] or 0)
    if pre["alley"]:
        out["alley"] = int(pre["alley"])
    rest = text[pre.end() :]
    floor = _FLOOR.search(rest)
    if floor:
        rest = rest[: floor.start()]
        low = -int(floor["b"]) if floor["b"] else int(floor["f"])
        if floor["fop"] == "以上":
            out["fl_lo"] = low
        elif floor["fop"] == "以下":
            out["fl_hi"] = low
        elif floor["fto"]:
            out["fl_lo"], out["fl_hi"] = low, int(floor["fto"])
        else:
            out["fl_lo"] = out["fl_hi"] = low
    if rest in ("", "全") or (pre.end() > 0 and rest == ""):
        return out
    body = _BODY.match(rest)
    if body is None:
        raise ValueError(f"unknown SCOOP {scoop!r}")
    out["parity"] = {"單": 1, "雙": 2}.get(body["par"] or "", 0)
    if body["all"]:
        return out
    a = int(body["a"]) * SUB + int(body["as"] or 0) if body["a"] else None
    op = body["op"]
    if body["b"] is not None or body["bs"] is not None:  # a range 至
        b_num = int(body["b"]) if body["b"] else (a or 0) // SUB
        b = b_num * SUB + (SUB - 1 if body["inc"] else int(body["bs"] or 0))
        out["lo"], out["hi"] = a or 0, b
    elif op == "以上" or op == "及以上附號":
        out["lo"] = a or 0
    elif op == "以下":
        out["hi"] = a or 0
    elif op == "含附號以下":
        out["hi"] = (a or 0) + SUB - 1
    elif op == "附號":
        out["lo"], out["hi"] = (a or 0) + 1, (a or 0) + SUB - 1
    else:  # one number: only that door (a number, not a lane of that number)
        out["lo"] = out["hi"] = a or 0
        out["exact"] = 1 if (body["au"] or "號") == "號" else 2
    return out


def build_tw(source: Path) -> pd.DataFrame:
    raw = pd.read_csv(source, dtype=str, keep_default_na=False)
    rules = pd.DataFrame([parse_scoop(s) for s in raw["SCOOP"]])
    table = pd.concat(
        [
            raw[["ZIPCODE", "CITY", "AREA", "ROAD"]].set_axis(
                ["zip", "city", "area", "road"], axis=1
            ),
            rules,
        ],
        axis=1,
    )
    defaults = {"lane": -1, "lane_sub": 0, "alley": -1, "parity": 0, "exact": 0, "lo": 0}
    defaults |= {"hi": TOP, "fl_lo": -TOP, "fl_hi": TOP}
    for column, default in defaults.items():  # blanks keep the file small; the loader refills
        table[column] = table[column].astype(object).where(table[column] != default, "")
    return table


def build_cn(wheel: Path) -> pd.DataFrame:
    with zipfile.ZipFile(wheel) as whl:
        inner = whl.read("jionlp/dictionary/china_location.zip")
    with zipfile.ZipFile(io.BytesIO(inner)) as z:
        text = z.read("china_location.txt").decode("utf-8")
    rows: list[tuple[int, str, str, str, str]] = []
    parents: list[str] = ["", "", ""]
    for line in text.splitlines():
        level = len(line) - len(line.lstrip("\t"))
        if level > 2:
            continue
        parts = line.strip("\t").split("\t")
        name = parts[0]
        code = parts[1] if len(parts) > 1 else ""
        short = parts[2] if len(parts) > 2 else ""
        parents[level] = code
        if level == 0 and code[:2] in ("71", "81", "82"):  # Taiwan, Hong Kong, Macao: own parsers
            parents[0] = "skip"
        if parents[0] == "skip" or not code:
            continue
        rows.append((level + 1, code, name, short, parents[level - 1] if level else ""))
    frame = pd.DataFrame(rows, columns=["level", "code", "name", "short", "parent"])
    return frame.drop_duplicates()


def _write(frame: pd.DataFrame, name: str) -> None:
    buffer = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    with gzip.GzipFile(DATA / name, "wb", mtime=0) as out:  # reproducible bytes
        out.write(buffer)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tw-zip", type=Path)
    parser.add_argument("--cn-jionlp", type=Path)
    args = parser.parse_args()
    if args.tw_zip:
        _write(build_tw(args.tw_zip), "tw_zip33.csv.gz")
    if args.cn_jionlp:
        _write(build_cn(args.cn_jionlp), "cn_divisions.csv.gz")


if __name__ == "__main__":
    main()
