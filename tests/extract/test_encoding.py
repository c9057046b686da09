"""decode_bytes: BOMs, the auto order, the Big5/GBK tie-break and one-line error messages."""

from __future__ import annotations

import codecs

import pytest

from crmmigrate.errors import SourceError
from crmmigrate.extract.encoding import AUTO_ENCODINGS, decode_bytes

TRADITIONAL = "姓名,城市\n陳大文,臺北市\n王小明,高雄市\n"
SIMPLIFIED = "姓名,城市\n陈大文,北京市朝阳区\n王小明,上海市浦东新区\n"


def test_auto_order_is_the_published_one() -> None:
    assert AUTO_ENCODINGS == ("utf-8", "utf-16", "cp950", "big5hkscs", "gb18030")


def test_utf8_without_bom() -> None:
    assert decode_bytes(SIMPLIFIED.encode("utf-8"), "auto", label="a.csv") == (SIMPLIFIED, "utf-8")


def test_utf8_bom_is_stripped_and_reported() -> None:
    data = codecs.BOM_UTF8 + TRADITIONAL.encode("utf-8")
    assert decode_bytes(data, "auto", label="a.csv") == (TRADITIONAL, "utf-8-sig")


def test_named_utf8_with_bom_still_strips_it() -> None:
    data = codecs.BOM_UTF8 + b"id\n1\n"
    assert decode_bytes(data, "utf-8", label="a.csv") == ("id\n1\n", "utf-8-sig")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec: str) -> None:
    data = "\ufeff".encode(codec) + TRADITIONAL.encode(codec)
    assert decode_bytes(data, "auto", label="a.csv") == (TRADITIONAL, "utf-16")


def test_utf16_without_bom_is_not_guessed() -> None:
    # "id" in UTF-16-LE without a BOM is valid UTF-8 (with NULs): no guessing, it stays UTF-8.
    text, used = decode_bytes("id".encode("utf-16-le"), "auto", label="a.csv")
    assert (text, used) == ("i\x00d\x00", "utf-8")


def test_traditional_big5_file_reads_as_cp950() -> None:
    data = TRADITIONAL.encode("cp950")
    assert decode_bytes(data, "auto", label="a.csv") == (TRADITIONAL, "cp950")


def test_simplified_gbk_file_is_not_misread_as_cp950() -> None:
    data = SIMPLIFIED.encode("gbk")
    # The trap: strict cp950 accepts these bytes, as nonsense Traditional characters.
    assert data.decode("cp950") != SIMPLIFIED
    assert decode_bytes(data, "auto", label="a.csv") == (SIMPLIFIED, "gb18030")


@pytest.mark.parametrize(
    "text",
    [
        "陈大文",
        "客户,电话\n刘洋,13800138000\n",
        "公司名称,地址\n深圳市腾讯计算机系统有限公司,广东省深圳市南山区\n",
        "张伟,广州",
    ],
)
def test_short_simplified_texts_pick_gb18030(text: str) -> None:
    assert decode_bytes(text.encode("gbk"), "auto", label="a.csv") == (text, "gb18030")


@pytest.mark.parametrize(
    "text",
    [
        "陳大文",
        "臺北",
        "張三,台灣",
        "客戶,電話\n劉洋,0912345678\n",
        "公司,地址\n台積電,新竹科學園區\n",
    ],
)
def test_short_traditional_texts_pick_cp950(text: str) -> None:
    assert decode_bytes(text.encode("cp950"), "auto", label="a.csv") == (text, "cp950")


def test_hong_kong_characters_fall_back_to_big5hkscs() -> None:
    text = "姓名,地址\n陳大文,香港九龍\n李啲,荃灣\n"  # 啲 exists only in HKSCS
    data = text.encode("big5hkscs")
    assert decode_bytes(data, "auto", label="a.csv") == (text, "big5hkscs")


def test_named_encoding_is_used_strictly() -> None:
    assert decode_bytes("Zoë".encode("latin-1"), "latin-1", label="a.csv") == ("Zoë", "latin-1")
    assert decode_bytes(SIMPLIFIED.encode("gbk"), "gbk", label="a.csv") == (SIMPLIFIED, "gbk")


def test_named_encoding_failure_names_byte_line_and_a_fix() -> None:
    data = b"name\nok\n" + "张三".encode("gbk")  # d5c5 is cp950, c8fd is not
    with pytest.raises(SourceError) as caught:
        decode_bytes(data, "cp950", label="samples/x.csv")
    assert str(caught.value) == (
        "samples/x.csv: cannot decode as cp950 at byte 10 (line 3); "
        "set encoding: to the file's encoding, e.g. encoding: gb18030"
    )


def test_unknown_codec() -> None:
    with pytest.raises(SourceError) as caught:
        decode_bytes(b"x", "utf-9", label="a.csv")
    assert str(caught.value) == (
        "a.csv: unknown encoding 'utf-9'; set encoding: to a Python codec name "
        "such as utf-8, cp950, big5hkscs or gb18030, or to auto"
    )


def test_undecodable_file() -> None:
    data = b"id,name\n1,ok\n2,\x80\xff\n"
    with pytest.raises(SourceError) as caught:
        decode_bytes(data, "auto", label="data/bad.csv")
    assert str(caught.value) == (
        "data/bad.csv: not valid UTF-8, UTF-16, cp950, big5hkscs or gb18030 "
        "(first bad byte at line 3); set encoding: explicitly"
    )


def test_broken_utf16_with_bom_reports_the_bom_encoding() -> None:
    data = codecs.BOM_UTF16_LE + "ab\n".encode("utf-16-le") + b"\x00\xdc"  # lone low surrogate
    with pytest.raises(SourceError, match=r"^a\.csv: cannot decode as utf-16 at byte 8 \(line 2\)"):
        decode_bytes(data, "auto", label="a.csv")


def test_western_single_byte_text_is_refused_not_misread() -> None:
    # cp1252 "ço" is a valid cp950 pair: 'auto' would turn François into an ideograph.
    data = "id,name\n1,François\n".encode("cp1252")
    with pytest.raises(SourceError) as caught:
        decode_bytes(data, "auto", label="a.csv")
    assert str(caught.value) == (
        "a.csv: line 2 looks like Western European text, not UTF-8 or Chinese; "
        "set encoding: explicitly, e.g. encoding: cp1252"
    )
    assert decode_bytes(data, "cp1252", label="a.csv")[0] == "id,name\n1,François\n"


def test_errors_never_quote_the_bytes() -> None:
    secret = "秘密客戶".encode("cp950")
    for encoding in ("auto", "utf-8", "ascii"):
        with pytest.raises(SourceError) as caught:
            decode_bytes(b"a\n" + secret + b"\x80", encoding, label="a.csv")
        assert "秘密" not in str(caught.value)
        assert "\\x" not in str(caught.value)
