"""Labelled data for measuring the duplicate finder, made without its own generators or code.

Usage: python benchmarks/gen_labelled.py SET --rows N --seed S --out DIR
           [--copies K] [--object accounts|contacts] [--sources 2|3]

Each set writes into DIR the CSV file(s) a user would have (text the way a legacy export holds
it: nothing standardised, no truth column, keys that say nothing about the entity), truth.csv
(source,key,entity for every record) and card.json (CRM object, country, date order, sources and
their key columns, target field -> column(s), whether only cross-source pairs count, the exact
answer where one is known, notes). The same arguments give the same bytes.

How duplicates go wrong here. A duplicate is a later record of the same entity typed by someone
else or copied through another system. Misspellings are made once per vocabulary entry (every
given name, surname, street, suburb and building has a fixed table of them) and records pick
from those tables with numpy, so a million rows need no Python loop per row and a common name is
misspelt in the same few ways many times over, as in real lists. The misspellings: QWERTY slips
(a neighbouring key, a dropped, doubled or extra key, two letters swapped), OCR confusions (rn/m,
cl/d, l/1, o/0, e/c), phonetic respellings (ph/f, ie/y, ei/ie, son/sen, s/z, double/single
letters, Mac/Mc, final e). Numbers slip on the keypad (a neighbouring digit, two digits swapped).

people    AU, one file, YMD. FEBRL-like columns (given_name, surname, street_number, address_1,
          address_2, suburb, postcode, state, date_of_birth). Names follow Zipf over ~250 real
          head names plus a synthetic tail that grows with --rows, so namesakes are common. About
          25% of entities have 2-5 records; each later record carries 0-4 errors drawn from
          PEOPLE_ERRORS: name typo/phonetic/nickname/initial/truncation/missing, given and surname
          swapped, a married surname, day and month swapped, a date digit or year slip, missing
          date, street number slip, the unit typed into the number ("4/12"), street and suburb
          typos, suburb abbreviations (Mt, Nth), lost unit, postcode slip or loss, a lost state,
          a move to a new address. Every record also has formatting noise: street type and unit
          written several ways, state as code or name, NT postcodes without the leading zero,
          three date layouts, a 1900-01-01 placeholder, ALL CAPS records, stray spaces.
          Traps (different entities): households (address and surname shared, other given name
          and birth date), twins (surname, birth date and address shared, some John/Joan-like
          names), namesakes (a third in the same suburb), neighbours (same number and street,
          another unit).
accounts  US, MDY, 2 or 3 files (--sources: a licensing list, a grants list, a CRM export; keys
          LIC-000123, 100123, 0015g00000AbCdE). Business sites: name, street, city, state, ZIP,
          phone, sometimes fax and website. Each source has a house style (case, phone layout,
          7-digit local numbers, ZIP+4, suite and street-type spelling) that it follows 80% of the
          time. About 25% of sites have 2-3 records, three in four of those in different files. A
          later record carries 0-3 errors: legal suffix changed or dropped, &/and, an abbreviation
          (Ctr, Intl, Svcs), word order, a typo, The added or dropped, a branch or department
          suffix, punctuation, case; house number or street typo, suite dropped, direction or
          ordinal spelt out, ZIP without its leading zero; the site's other line as phone, an
          extension, a missing phone, fax or website. Traps: chain branches (same name and website,
          another address and phone), businesses in one building (same street address, other name,
          phone on the same exchange) and similarly named organisations.
sparse    TW, one small file (16 rows by default, 10-300, met exactly), Chinese headers, YMD.
          Full names in characters or English, e-mail, mobile (09xx in seven layouts), sometimes a
          birthday. True duplicates always share an e-mail or a mobile; their names differ by
          spacing, case, a typo or an IME homophone (琪/淇), simplified characters, a 小姐/先生
          suffix, surname first or, only when both e-mail and mobile are shared, the English
          form of the name. Traps:
          pairs sharing only a common name, pairs sharing a name with different e-mails, pairs
          sharing a name with different mobiles. expected_merges is exact.
reexport  A list with no duplicates (accounts, US, like the CRM source above; or with --object
          contacts the distinct contacts below) exported --copies times (default 12) into one
          file, each export in its own row order under new keys: copies are byte-identical except
          the key. expected_merges = rows * (copies - 1).
distinct  AU, one file, DMY: contacts that are all different people (expected_merges 0) full of
          look-alikes: Zipf names, 20% Chinese names in characters, households sharing surname,
          address and home phone, twins, namesakes in one suburb, namesakes born the same day.
          E-mails and mobiles are unique per person (mobiles are a bijection of the person's
          number, so uniqueness holds at any size).
"""

from __future__ import annotations

import argparse
import json
import random
import string
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

CHUNK = 200_000
NULL = pa.scalar(None, pa.string())

# ---------------------------------------------------------------- spelling corruption (Python)

_KEYS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_POS = {ch: (r, c + 0.5 * r) for r, row in enumerate(_KEYS) for c, ch in enumerate(row)}
NEIGHBOURS = {
    a: "".join(
        b for b, (r2, x2) in _POS.items() if b != a and abs(r1 - r2) <= 1 and abs(x1 - x2) <= 1
    )
    for a, (r1, x1) in _POS.items()
}
# (from, to) with ^ and $ anchoring; OCR confuses shapes, phonetic rules keep the sound
OCR = (
    ("rn", "m"), ("m", "rn"), ("cl", "d"), ("d", "cl"), ("vv", "w"), ("w", "vv"), ("l", "1"),
    ("i", "l"), ("o", "0"), ("e", "c"), ("h", "b"), ("u", "v"), ("n", "h"), ("g", "q"),
)  # fmt: skip
PHONETIC = (("ph", "f"), ("f", "ph"), ("ck", "k"), ("c", "k"), ("k", "c"), ("ee", "ea"),
            ("ea", "ee"), ("ie$", "y"), ("y$", "ie"), ("ey$", "y"), ("ei", "ie"), ("ie", "ei"),
            ("s", "z"), ("z", "s"), ("th", "t"), ("ai", "ay"), ("ou", "ow"), ("i", "y"), ("y", "i"),
            ("son$", "sen"), ("sen$", "son"), ("ll", "l"), ("tt", "t"), ("nn", "n"), ("rr", "r"),
            ("l", "ll"), ("n", "nn"), ("t", "tt"), ("^mac", "mc"), ("^mc", "mac"), ("wh", "w"),
            ("gh", ""), ("ine$", "yne"), ("er$", "a"), ("an", "en"), ("en", "an"), ("ar", "er"),
            ("x", "ks"), ("e$", ""), ("n$", "ne"), ("ey", "ay"))  # fmt: skip


def _sub(s: str, rule: tuple[str, str], r: random.Random) -> str | None:
    a, b = rule
    low, core = s.lower(), a.strip("^$")
    if a.startswith("^"):
        hits = [0] if low.startswith(core) else []
    elif a.endswith("$"):
        hits = [len(s) - len(core)] if low.endswith(core) and len(s) > len(core) + 1 else []
    else:
        hits = [i for i in range(len(s)) if low.startswith(core, i)]
    if not hits:
        return None
    i = r.choice(hits)
    if b and s[i].isupper():  # keep the capital of a name's first letter
        b = b[0].upper() + b[1:]
    out = s[:i] + b + s[i + len(core) :]
    return out if out != s and len(out.strip()) >= 2 else None


def typo(s: str, r: random.Random) -> str:
    """One slip on a QWERTY keyboard: a neighbouring key, a dropped, extra or doubled key."""
    letters = [i for i, ch in enumerate(s) if ch.isalpha()]
    for _ in range(8):
        if not letters:
            break
        i = r.choice(letters)
        ch, low, op = s[i], s[i].lower(), r.random()
        near = NEIGHBOURS.get(low, "")
        if op < 0.35 and near:
            new = r.choice(near)
            out = s[:i] + (new.upper() if ch.isupper() else new) + s[i + 1 :]
        elif op < 0.55 and i > 0:
            out = s[:i] + s[i + 1 :]
        elif op < 0.7 and near:
            out = s[: i + 1] + r.choice(near) + s[i + 1 :]
        elif op < 0.87 and 0 < i < len(s) - 1 and s[i + 1].isalpha():
            out = s[:i] + s[i + 1] + s[i] + s[i + 2 :]  # fingers out of order
        else:
            out = s[:i] + ch + s[i:]  # key bounce
        if out != s and len(out.strip()) >= 2:
            return out
    return s + s[-1:]


def _by_rules(s: str, rules: tuple[tuple[str, str], ...], r: random.Random) -> str:
    for rule in r.sample(rules, len(rules)):
        out = _sub(s, rule, r)
        if out:
            return out
    return typo(s, r)


def ocr(s: str, r: random.Random) -> str:
    return _by_rules(s, OCR, r)


def phonetic(s: str, r: random.Random) -> str:
    return _by_rules(s, PHONETIC, r)


Extra = tuple[str, int, Callable[[str, random.Random], list[str]]]


class Spellings:
    """A vocabulary with a fixed row of spellings per entry: column 0 is the entry itself.

    `has[kind]` says which entries have a real variant of that kind (a nickname, an
    abbreviation); the others carry typos in those columns so a misuse still changes the text.
    """

    def __init__(
        self,
        tokens: list[str],
        r: random.Random,
        extras: tuple[Extra, ...] = (),
        typos: int = 5,
        phon: int = 3,
    ) -> None:
        kinds: list[Extra] = [("typo", typos, _typos), ("phon", phon, _phons), *extras]
        self.start: dict[str, tuple[int, int]] = {}
        col = 1
        for name, count, _ in kinds:
            self.start[name], col = (col, count), col + count
        self.width, self.has = col, {}
        cells: list[str | None] = []
        for name, _, _ in extras:
            self.has[name] = np.zeros(len(tokens), bool)
        for t_i, t in enumerate(tokens):
            cells.append(t)
            for name, count, fn in kinds:
                got = [v for v in fn(t, r) if v and v != t]
                if name in self.has:
                    self.has[name][t_i] = bool(got)
                got = (got * count)[:count] if got else [typo(t, r) for _ in range(count)]
                cells.extend(got)
        cells.append(None)
        self.flat = pa.array(cells, type=pa.string())
        self.null = len(cells) - 1

    def col(self, kind: str, rng: np.random.Generator, n: int) -> np.ndarray:
        start, count = self.start[kind]
        return start + rng.integers(0, count, n)

    def real(self, kind: str, tok: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Columns of that kind where the entry has one (a nickname), else of a typo."""
        n = len(tok)
        return np.where(self.has[kind][tok], self.col(kind, rng, n), self.col("typo", rng, n))

    def slip(self, rng: np.random.Generator, n: int, typo_share: float = 0.7) -> np.ndarray:
        """Columns of a misspelling: a typo or, less often, a phonetic respelling."""
        typos, phons = self.col("typo", rng, n), self.col("phon", rng, n)
        return np.where(rng.random(n) < typo_share, typos, phons)

    def take(self, flat: np.ndarray) -> pa.Array:
        return pc.take(self.flat, pa.array(flat))


def _typos(t: str, r: random.Random) -> list[str]:
    return [ocr(t, r) if r.random() < 0.2 else typo(t, r) for _ in range(5)]


def _phons(t: str, r: random.Random) -> list[str]:
    return [phonetic(t, r) for _ in range(3)]


def _zipf(n: int, s: float, q: float = 1.0) -> np.ndarray:
    w = 1.0 / (np.arange(n) + 1 + q) ** s
    return w / w.sum()


# ------------------------------------------------------------------------------ name data (AU)

GIVEN_M = [
    "John", "David", "Michael", "Peter", "Paul", "Mark", "James", "Robert", "Andrew",
    "Christopher", "Matthew", "Daniel", "Stephen", "Anthony", "William", "Richard", "Thomas",
    "Steven", "Jason", "Benjamin", "Joshua", "Ryan", "Luke", "Nathan", "Adam", "Simon", "Scott",
    "Brendan", "Craig", "Glenn", "Gregory", "Ian", "Kevin", "Brian", "Wayne", "Darren", "Shane",
    "Troy", "Dean", "Jack", "Samuel", "Nicholas", "Alexander", "Lachlan", "Oliver", "Liam",
    "Noah", "Ethan", "Jacob", "Dylan", "Jordan", "Cameron", "Mitchell", "Bradley", "Aaron",
    "Timothy", "Patrick", "Joseph", "Edward", "Charles", "George", "Henry", "Frank", "Raymond",
    "Kenneth", "Ronald", "Donald", "Gary", "Geoffrey", "Phillip", "Philip", "Douglas", "Keith",
    "Colin", "Graham", "Neil", "Trevor", "Barry", "Alan", "Allan", "Jonathan", "Jeffrey",
    "Vincent", "Carl", "Eric", "Adrian", "Louis", "Francis", "Hamish", "Angus", "Cooper",
    "Harrison", "Riley", "Zachary", "Tyler", "Blake", "Connor", "Jesse", "Kyle", "Marcus",
    "Lucas", "Mason", "Hugo", "Leo", "Archie", "Oscar", "Max", "Harry", "Charlie", "Toby", "Sean",
    "Dominic", "Justin", "Rhys", "Declan", "Callum", "Jake", "Tom", "Ben", "Sam", "Jayden",
]  # fmt: skip
GIVEN_F = [
    "Mary", "Margaret", "Susan", "Jennifer", "Karen", "Michelle", "Lisa", "Sarah", "Jessica",
    "Emma", "Olivia", "Charlotte", "Ava", "Mia", "Amelia", "Grace", "Chloe", "Emily", "Sophie",
    "Hannah", "Isabella", "Ella", "Ruby", "Zoe", "Lily", "Lucy", "Georgia", "Madison", "Samantha",
    "Rebecca", "Rachel", "Nicole", "Melissa", "Kylie", "Kelly", "Amanda", "Natalie", "Danielle",
    "Kimberley", "Catherine", "Katherine", "Kathryn", "Elizabeth", "Patricia", "Linda", "Barbara",
    "Deborah", "Helen", "Julie", "Joanne", "Joan", "Anne", "Ann", "Christine", "Jacqueline",
    "Alison", "Wendy", "Sandra", "Kerry", "Tracey", "Leanne", "Belinda", "Fiona", "Heather",
    "Jane", "Janet", "Judith", "Dorothy", "Jean", "Joyce", "Shirley", "Beverley", "Carol",
    "Robyn", "Lynette", "Denise", "Louise", "Frances", "Paula", "Erica", "Carla", "Adriana",
    "Jessie", "Victoria", "Alexandra", "Abigail", "Madeline", "Stephanie", "Laura", "Megan",
    "Brooke", "Courtney", "Jasmine", "Amber", "Holly", "Caitlin", "Alice", "Matilda", "Harper",
    "Evie", "Willow", "Isla", "Ivy", "Zara", "Poppy", "Penelope", "Gabrielle", "Natasha", "Tanya",
    "Monique", "Leah", "Claire", "Kate", "Kirsten",
]  # fmt: skip
NICKNAMES = {
    "William": "Bill Will Billy", "Robert": "Bob Rob Bobby", "Elizabeth": "Liz Beth Betty",
    "Margaret": "Maggie Peggy Meg", "Katherine": "Kate Kathy Katie", "Catherine": "Cathy Kate",
    "James": "Jim Jimmy Jamie", "John": "Jack Johnny", "Michael": "Mike Mick",
    "Richard": "Rick Dick", "Thomas": "Tom Tommy", "Christopher": "Chris", "Matthew": "Matt",
    "Daniel": "Dan Danny", "Anthony": "Tony", "Joseph": "Joe", "Benjamin": "Ben", "Samuel": "Sam",
    "Alexander": "Alex", "Nicholas": "Nick", "Jennifer": "Jen Jenny", "Rebecca": "Bec Becky",
    "Jessica": "Jess", "Samantha": "Sam Sammy", "Patricia": "Pat Trish", "Deborah": "Deb Debbie",
    "Susan": "Sue Suzie", "Stephen": "Steve", "Steven": "Steve", "Edward": "Ed Ted Eddie",
    "Charles": "Charlie Chuck", "Andrew": "Andy Drew", "Jonathan": "Jon", "Timothy": "Tim",
    "Gregory": "Greg", "Peter": "Pete", "David": "Dave", "Kimberley": "Kim",
    "Victoria": "Vicky Tori", "Alexandra": "Alex Lexie", "Christine": "Chris Chrissy",
    "Jacqueline": "Jackie", "Natalie": "Nat", "Abigail": "Abby", "Madeline": "Maddie",
    "Olivia": "Liv", "Isabella": "Bella Izzy", "Charlotte": "Lottie", "Zachary": "Zac",
    "Joshua": "Josh", "Nathan": "Nate", "Lachlan": "Lachie", "Penelope": "Penny",
    "Dorothy": "Dot", "Barbara": "Barb", "Frances": "Fran", "Francis": "Frank", "Raymond": "Ray",
    "Ronald": "Ron", "Donald": "Don", "Kenneth": "Ken", "Geoffrey": "Geoff", "Phillip": "Phil",
    "Philip": "Phil", "Douglas": "Doug", "Bradley": "Brad", "Jeffrey": "Jeff",
    "Mitchell": "Mitch", "Gabrielle": "Gabby", "Stephanie": "Steph", "Cameron": "Cam",
    "Patrick": "Paddy Pat",
}  # fmt: skip
TWIN_NAMES = (("John", "Joan"), ("Daniel", "Danielle"), ("Paul", "Paula"), ("Eric", "Erica"),
              ("Carl", "Carla"), ("Adrian", "Adriana"), ("Louis", "Louise"), ("Francis", "Frances"),
              ("Kyle", "Kylie"), ("Jesse", "Jessie"), ("Ella", "Emma"), ("Jake", "Jack"),
              ("Lily", "Lucy"), ("Mark", "Mary"))  # fmt: skip
SURNAMES = [
    "Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Johnson", "White", "Martin",
    "Anderson", "Thompson", "Nguyen", "Thomas", "Walker", "Harris", "Lee", "Ryan", "Robinson",
    "Kelly", "King", "Davis", "Wright", "Evans", "Roberts", "Green", "Hall", "Wood", "Jackson",
    "Clarke", "Patel", "Khan", "Lewis", "James", "Phillips", "Mitchell", "Turner", "Hughes",
    "Edwards", "Cook", "Campbell", "Murphy", "O'Brien", "Kennedy", "Young", "Scott", "Allen",
    "Baker", "Moore", "Morris", "Cooper", "Stewart", "Ward", "Graham", "Watson", "Parker", "Bell",
    "Hill", "Murray", "Russell", "McDonald", "Johnston", "Ross", "Wilkinson", "Chen", "Wang",
    "Li", "Zhang", "Liu", "Tran", "Le", "Pham", "Singh", "Kaur", "Sharma", "Papadopoulos",
    "Rossi", "Russo", "Costa", "Clark", "Miller", "Harrison", "Morgan", "Price", "Bennett",
    "Gray", "Shaw", "Marshall", "Collins", "Carter", "Richardson", "Simpson", "Mason", "Hunt",
    "Holmes", "Mills", "Fraser", "Hamilton", "Reid", "Grant", "Kerr", "Burns", "Cox", "Webb",
    "Hayes", "Knight", "Lloyd", "Dixon", "Ellis", "Fisher", "Chapman", "Harvey", "Jenkins",
    "Stevens", "Butler", "Barnes", "Bailey", "Armstrong", "Wallace", "Palmer", "Fletcher",
    "Gibson", "Rogers", "Howard", "Hart", "Matthews", "Foster", "Walsh", "Sullivan", "O'Connor",
    "O'Neill", "Byrne", "Doyle", "Quinn", "Brennan", "Gallagher", "Duncan", "MacKenzie", "McLean",
    "McKenzie", "Sutherland", "Cameron", "Henderson", "Robertson", "Lawrence", "Nicholson",
    "Spencer", "Dawson", "Pearce", "Pearson", "Jordan", "Black", "Berry", "Day", "Dunn", "Lane",
    "Ford", "Francis", "Stone", "Hudson", "Bishop", "Burke", "Chambers", "Hopkins", "Lynch",
    "Moran", "Page", "Pike", "Rowe", "Tan", "Lim", "Ng", "Wong", "Chan", "Ho", "Lam", "Kim",
    "Park", "Vo", "Huynh", "Hoang", "Ali", "Ahmed", "Hussain", "Gupta", "Kumar", "Fernando",
    "Perera", "D'Souza", "Smith-Jones", "Lloyd-Davies", "Romano", "Bianchi", "Ferrari",
    "Esposito", "Georgiou", "Petrovic", "Kowalski", "Novak", "Schmidt", "Muller", "Jansen",
    "O'Sullivan", "De Silva", "Van der Berg", "Van Dyke", "De Vries",
]  # fmt: skip
# a long tail of rare surnames: onset + vowel + coda + an English or European ending
_ON = [
    "B", "Br", "C", "Ch", "D", "Dr", "F", "G", "Gr", "H", "K", "L", "M", "N", "P", "Pr", "R", "S",
    "Sh", "St", "T", "Tr", "V", "W", "Y", "Z",
]  # fmt: skip
_VO = [
    "a", "e", "i", "o", "u", "ai", "ou", "ee", "ay",
]  # fmt: skip
_CO = ["", "n", "r", "l", "s", "m", "nd", "rt", "ck", "ll", "th"]
_EN = [
    "ley", "ton", "son", "field", "wood", "er", "ford", "ski", "ova", "elli", "berg", "ham",
    "well", "ini", "dale", "man", "ridge", "by", "stein", "ard", "ington", "ovic", "escu", "ides",
]  # fmt: skip

# Chinese names in characters with their Taiwanese romanisation (for e-mails)
CJK_SUR = {
    "陳": "chen", "林": "lin", "黃": "huang", "張": "chang", "李": "lee", "王": "wang", "吳": "wu",
    "劉": "liu", "蔡": "tsai", "楊": "yang", "許": "hsu", "鄭": "cheng", "謝": "hsieh", "郭": "kuo",
    "洪": "hung", "曾": "tseng", "邱": "chiu", "廖": "liao", "賴": "lai", "周": "chou",
}  # fmt: skip
CJK_GIVEN = {
    "雅婷": "ya-ting", "怡君": "yi-chun", "志明": "chih-ming", "雅琪": "ya-chi", "小明": "hsiao-ming",
    "淑芬": "shu-fen", "美玲": "mei-ling", "家豪": "chia-hao", "俊傑": "chun-chieh", "志偉": "chih-wei",
    "建宏": "chien-hung", "淑惠": "shu-hui", "佳穎": "chia-ying", "宗翰": "tsung-han", "冠宇": "kuan-yu",
    "欣怡": "hsin-yi", "詩涵": "shih-han", "承恩": "cheng-en", "宜蓁": "yi-chen", "柏翰": "po-han",
    "思妤": "ssu-yu", "文傑": "wen-chieh", "嘉欣": "chia-hsin", "婉婷": "wan-ting", "子豪": "tzu-hao",
}  # fmt: skip
CJK_FEMALE = set(
    [
        "雅婷",
        "怡君",
        "雅琪",
        "淑芬",
        "美玲",
        "淑惠",
        "佳穎",
        "欣怡",
        "詩涵",
        "宜蓁",
        "思妤",
        "嘉欣",
        "婉婷",
    ]
)


@dataclass
class Names:
    """Given names (with gender) and surnames, with sampling weights; the tail grows with rows."""

    given: list[str]
    female: np.ndarray
    surnames: list[str]
    m_idx: np.ndarray
    m_p: np.ndarray
    f_idx: np.ndarray
    f_p: np.ndarray
    s_p: np.ndarray

    @classmethod
    def build(cls, rows: int, r: random.Random) -> Names:
        given = list(dict.fromkeys(GIVEN_M + GIVEN_F))
        female = np.array([g not in GIVEN_M for g in given])
        # rarer spellings of common names are real names of other people (Kathryn, Jaxon)
        tail, seen = [], set(given)
        for g in given:
            alt = phonetic(g, r)
            if alt not in seen and alt.isalpha():
                seen.add(alt)
                tail.append((alt, female[given.index(g)]))
        given += [t for t, _ in tail]
        female = np.concatenate([female, np.array([f for _, f in tail], bool)])
        head = len(given) - len(tail)

        def weights(idx: np.ndarray) -> np.ndarray:
            is_head = idx < head
            w = np.where(is_head, 0.0, 0.08 / max(1, (~is_head).sum()))
            w[is_head] = 0.92 * _zipf(int(is_head.sum()), 0.95, 5.0)
            return w / w.sum()

        m_idx, f_idx = np.flatnonzero(~female), np.flatnonzero(female)
        surnames = list(dict.fromkeys(SURNAMES))
        taken, n_tail = set(surnames), int(np.clip(rows // 40, 300, 25_000))
        while len(surnames) < len(SURNAMES) + n_tail:
            s = r.choice(_ON) + r.choice(_VO) + r.choice(_CO) + r.choice(_EN)
            if s not in taken:
                taken.add(s)
                surnames.append(s)
        n_head = len(dict.fromkeys(SURNAMES))
        s_p = np.concatenate([0.7 * _zipf(n_head, 0.9, 6.0), 0.3 * _zipf(n_tail, 0.5, 10.0)])
        return cls(given, female, surnames, m_idx, weights(m_idx), f_idx, weights(f_idx), s_p)

    def pick_given(self, female: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        out = rng.choice(self.m_idx, len(female), p=self.m_p)
        out[female] = rng.choice(self.f_idx, int(female.sum()), p=self.f_p)
        return out

    def pick_surname(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return rng.choice(len(self.surnames), n, p=self.s_p)


def _nicks(t: str, r: random.Random) -> list[str]:
    return NICKNAMES.get(t, "").split()


def _initials(t: str, r: random.Random) -> list[str]:
    return [t[0], t[0] + "."]


def _trunc(t: str, r: random.Random) -> list[str]:
    # a fixed-width legacy field cuts long names; short ones are not cut
    return [t[: r.randint(4, len(t) - 1)]] if len(t) > 6 else []


def _punct(t: str, r: random.Random) -> list[str]:
    if "'" in t:
        return [t.replace("'", ""), t.replace("'", " "), t.replace("'", "`")]
    if "-" in t:
        a, b = t.split("-", 1)
        return [f"{a} {b}", a + b.lower(), b, a]
    if " " in t:
        return [t.replace(" ", ""), t.lower().capitalize(), t.title()]
    if t[:2] in ("Mc", "Ma") and len(t) > 3 and any(c.isupper() for c in t[2:]):
        return [t.capitalize(), t[:2] + " " + t[2:] if t[:2] == "Mc" else t[:3] + " " + t[3:]]
    return []


# --------------------------------------------------------------------------- places (AU)

AU_STATES = {
    "NSW": "New South Wales", "VIC": "Victoria", "QLD": "Queensland", "WA": "Western Australia",
    "SA": "South Australia", "TAS": "Tasmania", "ACT": "Australian Capital Territory",
    "NT": "Northern Territory",
}  # fmt: skip
_STATE_CODES = list(AU_STATES)
_STATE_P = np.array([0.32, 0.26, 0.2, 0.1, 0.07, 0.02, 0.02, 0.01])
_STATE_PC = {
    "NSW": (2000, 2999), "VIC": (3000, 3999), "QLD": (4000, 4999), "WA": (6000, 6797),
    "SA": (5000, 5799), "TAS": (7000, 7799), "ACT": (2600, 2620), "NT": (800, 899),
}  # fmt: skip
# real suburbs (Richmond twice: the same name in two states)
AU_SUBURBS = (
    "Parramatta 2150 NSW|Blacktown 2148 NSW|Penrith 2750 NSW|Liverpool 2170 NSW|"
    "Bankstown 2200 NSW|Chatswood 2067 NSW|Hornsby 2077 NSW|Manly 2095 NSW|Bondi 2026 NSW|"
    "Newtown 2042 NSW|Mount Druitt 2770 NSW|North Ryde 2113 NSW|St Marys 2760 NSW|"
    "Castle Hill 2154 NSW|Wollongong 2500 NSW|Newcastle 2300 NSW|Maitland 2320 NSW|"
    "Dubbo 2830 NSW|Wagga Wagga 2650 NSW|Port Macquarie 2444 NSW|Richmond 2753 NSW|"
    "Richmond 3121 VIC|St Kilda 3182 VIC|Footscray 3011 VIC|Frankston 3199 VIC|"
    "Dandenong 3175 VIC|Geelong 3220 VIC|Ballarat 3350 VIC|Bendigo 3550 VIC|Box Hill 3128 VIC|"
    "Glen Waverley 3150 VIC|Mount Waverley 3149 VIC|Brunswick 3056 VIC|Werribee 3030 VIC|"
    "Toowoomba 4350 QLD|Ipswich 4305 QLD|Southport 4215 QLD|Cairns 4870 QLD|"
    "Townsville 4810 QLD|Mackay 4740 QLD|Indooroopilly 4068 QLD|Chermside 4032 QLD|"
    "Mount Gravatt 4122 QLD|Fremantle 6160 WA|Joondalup 6027 WA|Rockingham 6168 WA|"
    "Mandurah 6210 WA|Midland 6056 WA|Glenelg 5045 SA|Elizabeth 5112 SA|Salisbury 5108 SA|"
    "Mount Barker 5251 SA|Port Augusta 5700 SA|Norwood 5067 SA|Launceston 7250 TAS|"
    "Devonport 7310 TAS|Sandy Bay 7005 TAS|Belconnen 2617 ACT|Tuggeranong 2900 ACT|"
    "Woden 2606 ACT|Darwin 0800 NT|Palmerston 0830 NT|Alice Springs 0870 NT|Casuarina 0810 NT"
)
_SUB_A = [
    "Ash", "Bay", "Bel", "Clare", "Eden", "Glen", "Green", "Kings", "Lake", "Oak", "Rose",
    "Spring", "Wattle", "Elm", "Pine", "Cedar", "Fern", "Hazel", "Bright", "Red", "Silver",
    "Golden", "Wood", "Mill", "Brook", "Stan", "Ross", "Castle", "Church", "Sea",
]  # fmt: skip
_SUB_B = [
    "vale", "field", "wood", "mont", "ville", "hurst", "dale", "ton", "more", " Park", " Heights",
    " Hills", " Beach", " Creek", " Valley", " Point", "brook", " Downs",
]  # fmt: skip
_SUB_PRE = ["", "", "", "", "", "Mount ", "North ", "South ", "East ", "West ", "Port "]
STREET_BASES = [
    "George", "King", "Queen", "Victoria", "Albert", "Elizabeth", "Church", "Station", "Railway",
    "High", "Park", "Hill", "Bridge", "Wattle", "Acacia", "Banksia", "Jacaranda", "Pacific",
    "Beach", "Ocean", "Bay", "Forest", "River", "Lake", "Main", "Mill", "School", "Oxford",
    "Cambridge", "York", "Anzac", "Edward", "William", "Charles", "Harbour", "Hillcrest",
    "Sunset", "Rosewood", "Kingsway", "Princes", "Prospect", "Boundary", "Grove", "Orchard",
    "Willow", "Cedar", "Maple", "Oak", "Pine", "Myrtle", "Lilac", "Wharf", "Marine", "Botany",
    "Military", "Canterbury", "Stanley", "Darling", "Hunter", "Macquarie", "Bourke", "Collins",
    "Flinders", "Swanston", "Lygon", "Chapel", "Glenferrie", "Burke", "Springvale", "Warrigal",
    "Ann", "Adelaide", "Wickham", "Logan", "Ipswich", "Gympie", "Mount Pleasant", "Saint James",
    "North Rocks", "Great Western", "Old Northern",
]  # fmt: skip
STREET_TYPES = (
    ("Street", "St"), ("Road", "Rd"), ("Avenue", "Ave"), ("Drive", "Dr"), ("Court", "Ct"),
    ("Place", "Pl"), ("Crescent", "Cres"), ("Parade", "Pde"), ("Close", "Cl"), ("Lane", "La"),
    ("Terrace", "Tce"), ("Way", "Wy"), ("Highway", "Hwy"), ("Circuit", "Cct"),
    ("Boulevard", "Bvd"), ("Grove", "Gr"),
)  # fmt: skip
BUILDINGS = ["Harbour View Apartments", "Rosewood Village", "Kings Court", "The Grange",
             "Park Towers", "Riverside Apartments", "Sunset Gardens", "Wattle Lodge",
             "Ocean Breeze Apartments", "Heritage Retirement Village", "Banksia Court",
             "Seaview Towers", "Jacaranda Gardens", "Elm Tree Lodge"]  # fmt: skip
# unit prefixes: the first four are how a person writes it, the rest how others retype it
UNIT_FORMS = ["Unit ", "Flat ", "Apt ", "Villa ", "U ", "", "Unit No. ", "Apartment ", "UNIT "]
LEVEL_FORMS = ["Level ", "Lvl ", "L", "Floor "]
_ABBR = (("Mount ", "Mt "), ("Saint ", "St "), ("St ", "Saint "), ("North ", "Nth "),
         ("South ", "Sth "), ("Port ", "Pt "), (" Heights", " Hts"), (" Park", " Pk"),
         ("Apartments", "Apts"), ("Village", "Vlg"), ("Retirement", "Ret."), ("Towers", "Twrs"),
         ("Great ", "Gt "), ("East ", "E "), ("West ", "W "))  # fmt: skip


def _abbrev(t: str, r: random.Random) -> list[str]:
    return [t.replace(a, b, 1) for a, b in _ABBR if a in t or (a.strip() == t.split()[0])]


class Places:
    """Suburbs (with postcode and state), streets, street types and buildings, with spellings."""

    def __init__(self, rows: int, r: random.Random, spell: bool) -> None:
        subs = [
            (s.rsplit(" ", 2)[0], int(s.split()[-2]), s.split()[-1]) for s in AU_SUBURBS.split("|")
        ]
        names, n_syn = {s[0] for s in subs}, int(np.clip(rows // 400, 100, 3000))
        while len(subs) < len(AU_SUBURBS.split("|")) + n_syn:
            name = r.choice(_SUB_PRE) + r.choice(_SUB_A) + r.choice(_SUB_B)
            state = _STATE_CODES[int(np.searchsorted(np.cumsum(_STATE_P), r.random() * 0.9999))]
            if name not in names:
                names.add(name)
                code = r.randint(*_STATE_PC[state])
                code += 50 if state == "NSW" and 2600 <= code <= 2620 else 0  # those are ACT's
                subs.append((name, code, state))
        self.sub_names = [s[0] for s in subs]
        self.sub_pc = np.array([s[1] for s in subs], np.int32)
        self.sub_state = np.array([_STATE_CODES.index(s[2]) for s in subs], np.int8)
        self.sub_p = _zipf(len(subs), 0.6, 5.0)
        self.streets = STREET_BASES + SURNAMES[:120]
        self.street_p = _zipf(len(self.streets), 0.7, 3.0)
        self.type_p = _zipf(len(STREET_TYPES), 1.2, 0.5)
        # a table of the ways a street type is written: full, abbreviated, abbreviated with a dot
        self.types = pa.array([f for full, ab in STREET_TYPES for f in (full, ab, ab + ".")])
        states = [
            f for c, full in AU_STATES.items() for f in (c, full, ".".join(c) + ".", c.title())
        ]
        self.states = pa.array(states)
        if spell:
            ab: tuple[Extra, ...] = (("abbr", 1, _abbrev),)
            self.sub_sp = Spellings(self.sub_names, r, ab, typos=4, phon=2)
            self.street_sp = Spellings(self.streets, r, ab, typos=4, phon=2)
            self.bld_sp = Spellings(BUILDINGS, r, (("abbr", 2, _abbrev),), typos=3, phon=1)

    def sample(self, n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
        unit = np.minimum(1 + rng.geometric(0.1, n), 300)
        return {
            "sub": rng.choice(len(self.sub_names), n, p=self.sub_p).astype(np.int32),
            "sb": rng.choice(len(self.streets), n, p=self.street_p).astype(np.int32),
            "st": rng.choice(len(STREET_TYPES), n, p=self.type_p).astype(np.int8),
            "snum": np.clip(1 + rng.exponential(35, n), 1, 1999).astype(np.int32),
            "a2k": rng.choice(4, n, p=[0.72, 0.2, 0.05, 0.03]).astype(
                np.int8
            ),  # none/unit/bld/level
            "unit": unit.astype(np.int32),
            "uf": rng.choice(4, n, p=[0.7, 0.12, 0.1, 0.08]).astype(np.int8),
            "bld": rng.integers(0, len(BUILDINGS), n).astype(np.int16),
        }


ADDRESS = ("sub", "sb", "st", "snum", "a2k", "unit", "uf", "bld")


# ----------------------------------------------------------------------- numbers and dates


def _keypad_slip(v: np.ndarray, rng: np.random.Generator, power: np.ndarray) -> np.ndarray:
    """A neighbouring digit typed at the given decimal place."""
    digit = (v // power) % 10
    step = np.where(digit == 0, 1, np.where(digit == 9, -1, rng.choice([-1, 1], len(v))))
    return v + step * power


def _swap_last_two(v: np.ndarray) -> np.ndarray:
    tens, units = (v // 10) % 10, v % 10
    return v - 10 * tens - units + 10 * units + tens


def _number_slip(v: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A house number mistyped: its last two digits swapped, the last one lost, a neighbour key."""
    op, key = rng.integers(0, 3, len(v)), _keypad_slip(v, rng, 1)
    long = v >= 10
    out = np.where((op == 0) & long, _swap_last_two(v), np.where((op == 1) & long, v // 10, key))
    return np.where((out == v) | (out < 1), v + 1, out)


def _days_in_month(y: np.ndarray, m: np.ndarray) -> np.ndarray:
    dim = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[np.clip(m, 1, 12) - 1]
    leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
    return dim + (leap & (m == 2))


def _ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d64 = days.astype("datetime64[D]")
    month = d64.astype("datetime64[M]")
    y = month.astype("datetime64[Y]").astype(np.int64) + 1970
    m = month.astype(np.int64) % 12 + 1
    return y, m, (d64 - month).astype(np.int64) + 1


def _birth_days(n: int, rng: np.random.Generator) -> np.ndarray:
    # adults born 1932-2006, fewer of the oldest
    start = np.datetime64("1932-01-01").astype(np.int64)
    span = np.datetime64("2006-12-31").astype(np.int64) - start
    return start + (rng.beta(1.8, 1.3, n) * span).astype(np.int64)


def _s(v: np.ndarray | pa.Array, width: int = 0) -> pa.Array:
    out = pc.cast(pa.array(v), pa.string())
    return pc.utf8_lpad(out, width=width, padding="0") if width else out


def _join(*parts: pa.Array | str, sep: str = "") -> pa.Array:
    return pc.binary_join_element_wise(*parts, sep, null_handling="skip")


def _where(mask: np.ndarray, a: pa.Array | pa.Scalar, b: pa.Array | pa.Scalar) -> pa.Array:
    return pc.if_else(pa.array(mask), a, b)


def _pick(choice: np.ndarray, options: list[pa.Array]) -> pa.Array:
    out = options[0]
    for i, opt in enumerate(options[1:], 1):
        out = _where(choice == i, opt, out)
    return out


def _case_noise(table: pa.Table, upper: np.ndarray, lower: np.ndarray, keep: set[str]) -> pa.Table:
    """Records typed with caps lock on, or all lower case, in every text column but the keys."""
    cols = []
    for name in table.column_names:
        col = table[name].combine_chunks()
        if name not in keep:
            col = _where(upper, pc.utf8_upper(col), _where(lower, pc.utf8_lower(col), col))
        cols.append(col)
    return pa.table(cols, names=table.column_names)


# ------------------------------------------------------------------------------- people


PEOPLE_ERRORS = {
    "given_typo": 9, "given_phon": 5, "given_nick": 6, "given_initial": 3, "given_missing": 1,
    "given_trunc": 1, "surname_typo": 9, "surname_phon": 5, "surname_punct": 2,
    "surname_married": 1.5, "swap_names": 2, "dob_daymonth": 4, "dob_digit": 5, "dob_year": 3,
    "dob_missing": 3, "number_slip": 3, "number_missing": 2, "unit_in_number": 2,
    "street_typo": 5, "street_type_missing": 2, "unit_missing": 3, "suburb_typo": 5,
    "suburb_abbrev": 2, "postcode_slip": 4, "postcode_missing": 2, "state_missing": 2, "moved": 5,
}  # fmt: skip
N_ERRORS_P = (0.12, 0.33, 0.30, 0.17, 0.08)  # 0..4 errors on a duplicate record
DUP_SIZES, DUP_SIZE_P, DUP_SHARE = (2, 3, 4, 5), (0.55, 0.25, 0.12, 0.08), 0.25


def _disjoint(rng: np.random.Generator, n_ent: int, shares: list[float]) -> Iterator[np.ndarray]:
    """Disjoint random slices of entity ids, one per share: no entity plays two trap roles."""
    perm, at = rng.permutation(n_ent), 0
    for share in shares:
        k = int(share * n_ent)
        yield perm[at : at + k]
        at += k


def _household_dob(anchor: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A partner within a few years, or a grown child (or parent) 20-40 years apart."""
    partner = anchor + rng.normal(0, 3 * 365, len(anchor)).astype(np.int64)
    gap = rng.integers(20 * 365, 40 * 365, len(anchor))
    young = anchor + gap > np.datetime64("2006-12-31").astype(np.int64)
    child = np.where(young, anchor - gap, anchor + gap)
    out = np.where(rng.random(len(anchor)) < 0.5, partner, child)
    return np.where(out == anchor, out - 400, out)  # never the same day: that would be a twin


def _next_name(names: Names, female: np.ndarray, gi: np.ndarray) -> np.ndarray:
    """The next given name of the same sex in the vocabulary."""
    out = gi.copy()
    for sex, idx in ((False, names.m_idx), (True, names.f_idx)):
        sel = female == sex
        out[sel] = idx[(np.searchsorted(idx, gi[sel]) + 1) % len(idx)]
    return out


def _unique_in_group(group: np.ndarray, value: np.ndarray, bump: Callable) -> np.ndarray:
    """Values changed until no two rows of a group share one; the first row of a value keeps it."""
    value = value.copy()
    for _ in range(50 if len(value) else 0):
        _, first = np.unique(group * (int(value.max()) + 1) + value, return_index=True)
        dup = np.ones(len(value), bool)
        dup[first] = False
        if not dup.any():
            break
        value[dup] = bump(dup, value[dup])
    return value


def _new_given(
    names: Names,
    e: dict,
    anchors: np.ndarray,
    members: np.ndarray,
    of: np.ndarray,
    rng: np.random.Generator,
) -> None:
    """Members get given names of their own: nobody in a home shares one with anyone else."""
    e["gi"][members] = names.pick_given(e["female"][members], rng)
    rows, group = np.r_[anchors, members], np.r_[anchors, of]
    fem = e["female"][rows]
    e["gi"][rows] = _unique_in_group(
        group, e["gi"][rows], lambda d, v: _next_name(names, fem[d], v)
    )


def _people_entities(n: int, names: Names, places: Places, rng: np.random.Generator) -> dict:
    e: dict[str, np.ndarray] = {"female": rng.random(n) < 0.5}
    e["gi"] = names.pick_given(e["female"], rng)
    e["si"] = names.pick_surname(n, rng)
    e["dob"] = _birth_days(n, rng)
    e.update(places.sample(n, rng))
    house_a, house_m, twin_a, twin_m, same_a, same_m, bld_a, bld_m = _disjoint(
        rng, n, [0.06, 0.1, 0.01, 0.01, 0.04, 0.04, 0.025, 0.037]
    )
    # households: the members live with an anchor and share its surname
    anchor = rng.choice(house_a, len(house_m)) if len(house_a) else house_m
    for k in (*ADDRESS, "si"):
        e[k][house_m] = e[k][anchor]
    e["dob"][house_m] = _household_dob(e["dob"][anchor], rng)
    _new_given(names, e, house_a, house_m, anchor, rng)
    # who shares a home and who a name with whom (the distinct set shares home phones by it)
    e["house"], e["alias"] = np.arange(n), np.arange(n)
    e["house"][house_m], e["house"][twin_m], e["alias"][same_m] = anchor, twin_a, same_a
    # twins: same surname, birth date and address; some with near-identical given names
    for k in (*ADDRESS, "si", "dob"):
        e[k][twin_m] = e[k][twin_a]
    _new_given(names, e, twin_a, twin_m, twin_a, rng)
    similar = rng.random(len(twin_a)) < 0.4
    pairs = [(names.given.index(a), names.given.index(b)) for a, b in TWIN_NAMES]
    chosen = np.array(pairs)[rng.integers(0, len(pairs), int(similar.sum()))].reshape(-1, 2)
    for side, ids in ((0, twin_a[similar]), (1, twin_m[similar])):
        e["gi"][ids] = chosen[:, side]
        e["female"][ids] = names.female[chosen[:, side]]
    # namesakes: same given name and surname, a third in the same suburb on another street
    for k in ("gi", "si", "female"):
        e[k][same_m] = e[k][same_a]
    local = rng.random(len(same_m)) < 0.33
    e["sub"][same_m[local]] = e["sub"][same_a[local]]
    clash = e["sb"][same_m] == e["sb"][same_a]
    e["sb"][same_m[clash]] = (e["sb"][same_m[clash]] + 1) % len(places.streets)
    e["dob"][same_m] = np.where(
        e["dob"][same_m] == e["dob"][same_a], e["dob"][same_m] + 9, e["dob"][same_m]
    )
    # neighbours: same number and street, another unit of the same building
    e["a2k"][bld_a] = 1
    anchor = rng.choice(bld_a, len(bld_m)) if len(bld_a) else bld_m
    for k in ("sub", "sb", "st", "snum", "uf"):
        e[k][bld_m] = e[k][anchor]
    e["a2k"][bld_m] = 1
    # unit numbers distinct from the anchor's and from each other: offset by member rank
    order = np.argsort(anchor, kind="stable")
    rank = np.empty(len(anchor), np.int64)
    starts = np.r_[0, np.flatnonzero(np.diff(anchor[order])) + 1]
    rank[order] = np.arange(len(anchor)) - np.repeat(starts, np.diff(np.r_[starts, len(anchor)]))
    e["unit"][bld_m] = e["unit"][anchor] + 1 + rank * 20 + rng.integers(0, 19, len(bld_m))
    return e


def _record_counts(n_ent: int, rows: int, rng: np.random.Generator) -> np.ndarray:
    counts = np.ones(n_ent, np.int64)
    dup = rng.random(n_ent) < DUP_SHARE
    counts[dup] = rng.choice(DUP_SIZES, int(dup.sum()), p=DUP_SIZE_P)
    cum = np.cumsum(counts)
    last = int(np.searchsorted(cum, rows))  # the entity that reaches rows is cut to fit
    counts = counts[: last + 1]
    counts[-1] -= cum[last] - rows
    return counts


def _people_records(rows: int, seed: int) -> tuple[dict, Names, Places, Spellings, Spellings]:
    rng = np.random.default_rng([seed, 1])
    r = random.Random(seed)
    names, places = Names.build(rows, r), Places(rows, r, spell=True)
    given = Spellings(
        names.given, r, (("nick", 3, _nicks), ("initial", 2, _initials), ("trunc", 1, _trunc))
    )
    sur = Spellings(names.surnames, r, (("punct", 3, _punct),), typos=4, phon=2)
    mean = 1 + DUP_SHARE * (np.dot(DUP_SIZES, DUP_SIZE_P) - 1)
    n_ent = int(rows / mean * 1.1) + 10
    ent = _people_entities(n_ent, names, places, rng)
    del ent["house"], ent["alias"]
    counts = _record_counts(n_ent, rows, rng)
    rec = np.repeat(np.arange(len(counts)), counts)
    R = {k: v[rec] for k, v in ent.items()}
    R["ent"] = rec
    first = np.r_[True, rec[1:] != rec[:-1]]
    n = rows
    for k in ("gcol", "scol", "sbcol", "subcol", "bcol"):
        R[k] = np.zeros(n, np.int64)
    flags = "gnull swap dobnull numnull uin stnull a2null pcnull statenull"
    for k in flags.split():
        R[k] = np.zeros(n, bool)
    # content errors, only on the later records of an entity
    di = np.flatnonzero(~first)
    kinds = list(PEOPLE_ERRORS)
    w = np.array([PEOPLE_ERRORS[k] for k in kinds], float)
    picks = rng.choice(len(kinds), size=(len(di), 4), p=w / w.sum())
    picks[np.arange(4) >= rng.choice(5, len(di), p=N_ERRORS_P)[:, None]] = -1

    def hit(kind: str) -> np.ndarray:
        return di[(picks == kinds.index(kind)).any(axis=1)]

    moved = hit("moved")
    for k, v in places.sample(len(moved), rng).items():
        R[k][moved] = v
    y, m, d = _ymd(R.pop("dob"))
    for kind, field, sp in (("given", "g", given), ("surname", "s", sur)):
        rows_ = hit(f"{kind}_typo")
        R[f"{field}col"][rows_] = sp.col("typo", rng, len(rows_))
        rows_ = hit(f"{kind}_phon")
        R[f"{field}col"][rows_] = sp.col("phon", rng, len(rows_))
    for kind in ("nick", "initial", "trunc"):
        rows_ = hit(f"given_{kind}")
        R["gcol"][rows_] = given.real(kind, R["gi"][rows_], rng)
    rows_ = hit("surname_punct")
    R["scol"][rows_] = sur.real("punct", R["si"][rows_], rng)
    rows_ = hit("surname_married")
    wed = rows_[R["female"][rows_]]
    R["si"][wed], R["scol"][wed] = names.pick_surname(len(wed), rng), 0
    R["gnull"][hit("given_missing")] = True
    R["swap"][hit("swap_names")] = True
    rows_ = hit("dob_daymonth")
    rows_ = rows_[(d[rows_] <= 12) & (d[rows_] != m[rows_])]
    m[rows_], d[rows_] = d[rows_], m[rows_].copy()
    rows_ = hit("dob_digit")
    place = rng.integers(0, 3, len(rows_))  # the year's last digit, the month's, the day's
    ny = np.where(place == 0, _keypad_slip(y[rows_], rng, np.ones(len(rows_), np.int64)), y[rows_])
    nm = np.where(place == 1, _keypad_slip(m[rows_], rng, np.ones(len(rows_), np.int64)), m[rows_])
    nd = np.where(place == 2, _keypad_slip(d[rows_], rng, np.ones(len(rows_), np.int64)), d[rows_])
    ok = (nm >= 1) & (nm <= 12) & (nd >= 1) & (nd <= _days_in_month(ny, nm))
    y[rows_], m[rows_], d[rows_] = (
        np.where(ok, ny, y[rows_] + 1),
        np.where(ok, nm, m[rows_]),
        np.where(ok, nd, d[rows_]),
    )
    rows_ = hit("dob_year")
    flipped = (y[rows_] // 100) * 100 + _swap_last_two(y[rows_] % 100)  # 1984 -> 1948
    plausible = (flipped != y[rows_]) & (flipped >= 1920) & (flipped <= 2008)
    y[rows_] = np.where(plausible, flipped, y[rows_] + rng.choice([-10, -1, 1], len(rows_)))
    d = np.minimum(d, _days_in_month(y, m))  # a slip that makes 29 Feb impossible is refused
    R["dobnull"][hit("dob_missing")] = True
    rows_ = hit("number_slip")
    R["snum"][rows_] = _number_slip(R["snum"][rows_], rng)
    R["numnull"][hit("number_missing")] = True
    rows_ = hit("unit_in_number")
    R["uin"][rows_[R["a2k"][rows_] == 1]] = True
    rows_ = hit("street_typo")
    R["sbcol"][rows_] = places.street_sp.slip(rng, len(rows_), 0.8)
    R["stnull"][hit("street_type_missing")] = True
    R["a2null"][hit("unit_missing")] = True
    rows_ = hit("suburb_typo")
    R["subcol"][rows_] = places.sub_sp.slip(rng, len(rows_))
    rows_ = hit("suburb_abbrev")
    R["subcol"][rows_] = places.sub_sp.real("abbr", R["sub"][rows_], rng)
    R["pc"] = places.sub_pc[R["sub"]].astype(np.int64)
    rows_ = hit("postcode_slip")
    power = np.array([100, 10, 1])[rng.integers(0, 3, len(rows_))]
    swap = rng.random(len(rows_)) < 0.3
    R["pc"][rows_] = np.where(
        swap & (_swap_last_two(R["pc"][rows_]) != R["pc"][rows_]),
        _swap_last_two(R["pc"][rows_]),
        _keypad_slip(R["pc"][rows_], rng, power),
    )
    R["pcnull"][hit("postcode_missing")] = True
    R["statenull"][hit("state_missing")] = True
    R["y"], R["m"], R["d"] = y, m, d
    # formatting noise on every record (how each person happened to type it)
    R["stf"] = rng.choice(3, n, p=[0.55, 0.37, 0.08])
    R["statef"] = rng.choice(4, n, p=[0.85, 0.06, 0.03, 0.06])
    R["uf"] = np.where(rng.random(n) < 0.65, R["uf"], rng.integers(0, len(UNIT_FORMS), n))
    R["lf"] = np.where(rng.random(n) < 0.7, 0, rng.integers(0, len(LEVEL_FORMS), n))
    R["datef"] = rng.choice(3, n, p=[0.72, 0.2, 0.08])
    R["placeholder"] = rng.random(n) < 0.003
    R["dobnull"] |= rng.random(n) < 0.02
    R["pcnull"] |= rng.random(n) < 0.005
    R["upper"], R["lower"] = rng.random(n) < 0.03, rng.random(n) < 0.01
    R["space"], R["dspace"] = rng.random(n) < 0.015, rng.random(n) < 0.01
    R["nozero"] = (R["pc"] < 1000) & (rng.random(n) < 0.35)  # an NT postcode read as a number
    return R, names, places, given, sur


def _people_table(
    R: dict, idx: np.ndarray, places: Places, given: Spellings, sur: Spellings
) -> pa.Table:
    g = lambda k: R[k][idx]  # noqa: E731
    gf = np.where(g("gnull"), given.null, g("gi") * given.width + g("gcol"))
    gname, sname = given.take(gf), sur.take(g("si") * sur.width + g("scol"))
    swap = g("swap")
    gname, sname = _where(swap, sname, gname), _where(swap, gname, sname)
    sname = _where(g("space"), _join(sname, " "), sname)
    unit = _s(g("unit"))
    num = _where(g("uin"), _join(unit, "/", _s(g("snum"))), _s(g("snum")))
    num = _where(g("numnull") & ~g("uin"), NULL, num)
    stype = pc.take(places.types, pa.array(g("st").astype(np.int64) * 3 + g("stf")))
    street = _join(
        places.street_sp.take(g("sb") * places.street_sp.width + g("sbcol")),
        _where(g("stnull"), NULL, stype),
        sep=" ",
    )
    street = _where(
        g("dspace"), pc.replace_substring(street, " ", "  ", max_replacements=1), street
    )
    a2 = _pick(
        g("a2k"),
        [
            pa.nulls(len(idx), pa.string()),
            _join(pc.take(pa.array(UNIT_FORMS), pa.array(g("uf"))), unit),
            places.bld_sp.take(g("bld").astype(np.int64) * places.bld_sp.width + g("bcol")),
            _join(pc.take(pa.array(LEVEL_FORMS), pa.array(g("lf"))), unit),
        ],
    )
    a2 = _where(g("a2null") | g("uin"), NULL, a2)
    sub = places.sub_sp.take(g("sub") * places.sub_sp.width + g("subcol"))
    pcode = _where(g("nozero"), _s(g("pc")), _s(g("pc"), 4))
    state = pc.take(
        places.states, pa.array(places.sub_state[g("sub")].astype(np.int64) * 4 + g("statef"))
    )
    y, m, d = _s(g("y")), g("m"), g("d")
    dob = _pick(
        g("datef"),
        [
            _join(y, _s(m, 2), _s(d, 2)),
            _join(y, _s(m, 2), _s(d, 2), sep="-"),
            _join(y, _s(m), _s(d), sep="/"),
        ],
    )
    dob = _where(g("placeholder"), pa.scalar("19000101"), dob)
    table = pa.table(
        {
            "given_name": gname,
            "surname": sname,
            "street_number": num,
            "address_1": street,
            "address_2": a2,
            "suburb": sub,
            "postcode": _where(g("pcnull"), NULL, pcode),
            "state": _where(g("statenull"), NULL, state),
            "date_of_birth": _where(g("dobnull"), NULL, dob),
        }
    )
    return _case_noise(table, g("upper"), g("lower"), set())


def gen_people(rows: int, seed: int, out: Path, **_: object) -> tuple[dict, _Out]:
    R, _names, places, given, sur = _people_records(rows, seed)
    order = np.random.default_rng([seed, 2]).permutation(rows)  # file order says nothing
    keys = _keys("rec-", rows)
    src = Source("people", "people.csv", "rec_id")
    with _Out(out, [src]) as o:
        for at in range(0, rows, CHUNK):
            idx = order[at : at + CHUNK]
            o.write(
                src,
                keys[at : at + len(idx)],
                _people_table(R, idx, places, given, sur),
                R["ent"][idx],
            )
    fields = {
        "first_name": "given_name",
        "last_name": "surname",
        "birthdate": "date_of_birth",
        "mailing_street": ["street_number", "address_1", "address_2"],
        "mailing_city": "suburb",
        "mailing_state": "state",
        "mailing_postal_code": "postcode",
    }
    notes = (
        "Australian people in FEBRL-like columns (address_2 is the unit or building). About 25% "
        "of entities have 2-5 records; a later record carries 0-4 errors: keyboard, OCR and "
        "phonetic misspellings, nicknames, initials, truncation, swapped or missing names, a "
        "married surname, day/month swaps and digit or year slips in the birth date, street "
        "number slips, the unit typed into the number (4/12), street and suburb typos and "
        "abbreviations, postcode slips, missing fields, moves. Every record has formatting "
        "noise (St/Street, Unit/U/Apt, NSW/New South Wales, NT postcodes without the leading "
        "zero, three date layouts, 19000101 placeholders, ALL CAPS). Traps that are different "
        "people: households, twins (some John/Joan), namesakes (some in one suburb), "
        "neighbours in one building with different units."
    )
    return _card("people", "contacts", "AU", "YMD", [src], fields, False, None, notes), o


# ------------------------------------------------------------------------------- distinct


AU_DOMAINS = [
    "gmail.com", "outlook.com", "hotmail.com", "bigpond.com", "yahoo.com.au", "icloud.com",
    "optusnet.com.au", "iinet.net.au", "tpg.com.au", "live.com.au",
]  # fmt: skip


def _unique_mobiles(n: int, rng: np.random.Generator, mult: int = 61_476_469) -> np.ndarray:
    """8-digit numbers that never repeat: an affine bijection of the person's index mod 10^8."""
    return (np.arange(n, dtype=np.int64) * mult + int(rng.integers(0, 10**8))) % 10**8


def _au_mobile(num: np.ndarray, rng: np.random.Generator) -> pa.Array:
    s = _s(num, 8)
    a, b, c = (pc.utf8_slice_codeunits(s, i, j) for i, j in ((0, 2), (2, 5), (5, 8)))
    return _pick(
        rng.choice(6, len(num), p=[0.4, 0.3, 0.12, 0.08, 0.05, 0.05]),
        [
            _join("04", a, " ", b, " ", c),
            _join("04", s),
            _join("+61 4", a, " ", b, " ", c),
            _join("+614", s),
            _join("04", a, "-", b, "-", c),
            _join(
                "(04) ", a, pc.utf8_slice_codeunits(s, 2, 4), " ", pc.utf8_slice_codeunits(s, 4, 8)
            ),
        ],
    )


def _distinct_table(n: int, seed: int) -> tuple[pa.Table, np.ndarray]:
    """Different people who look alike; returns the table (no key) and the entity of each row."""
    rng, r = np.random.default_rng([seed, 11]), random.Random(seed + 11)
    names, places = Names.build(n, r), Places(n, r, spell=False)
    e = _people_entities(n, names, places, rng)
    cjk = rng.random(n) < 0.2
    csur = rng.choice(len(CJK_SUR), n, p=_zipf(len(CJK_SUR), 0.7, 3.0))
    cgiv = rng.choice(len(CJK_GIVEN), n, p=_zipf(len(CJK_GIVEN), 0.9, 1.0))
    # a Chinese family is Chinese throughout: members take the anchor's culture and surname
    house, alias = e["house"], e["alias"]
    mem = np.flatnonzero(house != np.arange(n))
    cjk[mem], csur[mem] = cjk[house[mem]], csur[house[mem]]
    n_cg = len(CJK_GIVEN)
    lead = np.flatnonzero(np.isin(np.arange(n), house[mem]))  # anchors keep their names
    rows = np.r_[lead, mem]
    cgiv[rows] = _unique_in_group(house[rows], cgiv[rows], lambda d, v: (v + 1) % n_cg)
    # namesakes (a third of them in the same suburb), and namesakes born the same day elsewhere
    alone = np.flatnonzero((house == np.arange(n)) & (alias == np.arange(n)))
    alone = alone[~np.isin(alone, house[mem])]  # people who live alone and have no namesake yet
    dob_a, dob_m = (
        alone[k] for k in _disjoint(rng, len(alone), [0.005 * n / max(1, len(alone))] * 2)
    )
    for k in ("gi", "si", "female", "dob"):
        e[k][dob_m] = e[k][dob_a]
    alias[dob_m] = dob_a
    nam = np.flatnonzero(alias != np.arange(n))
    cjk[nam], csur[nam], cgiv[nam] = cjk[alias[nam]], csur[alias[nam]], cgiv[alias[nam]]
    gv = pa.array(names.given + list(CJK_GIVEN))
    sv = pa.array(names.surnames + list(CJK_SUR))
    gi = np.where(cjk, len(names.given) + cgiv, e["gi"])
    si = np.where(cjk, len(names.surnames) + csur, e["si"])
    # romanised names for the e-mail local part (Chinese names by their Taiwanese spelling)
    rg = pa.array(
        [g.lower() for g in names.given] + [v.replace("-", "") for v in CJK_GIVEN.values()]
    )
    rs = pa.array(
        [s.lower().replace("'", "").replace(" ", "").replace("-", "") for s in names.surnames]
        + list(CJK_SUR.values())
    )
    first, last = pc.take(rg, pa.array(gi)), pc.take(rs, pa.array(si))
    y, m, d = _ymd(e["dob"])
    yy, num = _s(y % 100, 2), _s(rng.integers(1, 999, n))
    local = _pick(
        rng.choice(8, n, p=[0.25, 0.15, 0.15, 0.1, 0.1, 0.1, 0.08, 0.07]),
        [
            _join(first, ".", last),
            _join(first, last),
            _join(pc.utf8_slice_codeunits(first, 0, 1), last),
            _join(first, ".", last, yy),
            _join(first, num),
            _join(last, ".", first),
            _join(first, "_", last),
            _join(pc.utf8_slice_codeunits(first, 0, 1), ".", last, num),
        ],
    )
    pick = rng.choice(len(AU_DOMAINS), n, p=_zipf(len(AU_DOMAINS), 1.0, 1.0))
    dom = pc.take(pa.array(AU_DOMAINS), pa.array(pick))
    email = _join(local, "@", dom)
    for _ in range(5):  # a taken address gets the person's own number, which nobody else has
        low = pc.utf8_lower(email).to_pandas()
        dup = low.duplicated().to_numpy()
        if not dup.any():
            break
        email = _where(dup, _join(first, ".", last, ".", _s(np.arange(n) + 101), "@", dom), email)
    email = _where(rng.random(n) < 0.03, pc.utf8_capitalize(email), email)
    mobile = _where(rng.random(n) < 0.12, NULL, _au_mobile(_unique_mobiles(n, rng), rng))
    area = np.array(["02", "03", "07", "08", "08", "03", "02", "08"])[places.sub_state[e["sub"]]]
    line = _s(20_000_000 + (house * 48_271_117 + int(rng.integers(0, 8 * 10**7))) % (8 * 10**7))
    l4a, l4b = pc.utf8_slice_codeunits(line, 0, 4), pc.utf8_slice_codeunits(line, 4, 8)
    home = _pick(
        rng.choice(4, n, p=[0.5, 0.25, 0.15, 0.1]),
        [
            _join("(", pa.array(area), ") ", l4a, " ", l4b),
            _join(pa.array(area), " ", l4a, " ", l4b),
            _join(l4a, l4b),
            _join("+61 ", pc.utf8_slice_codeunits(pa.array(area), 1, 2), " ", l4a, " ", l4b),
        ],
    )
    home = _where(rng.random(n)[house] >= 0.35, NULL, home)  # a household has a landline or not
    unit, snum = _s(e["unit"]), _s(e["snum"])
    stype = pc.take(
        places.types, pa.array(e["st"].astype(np.int64) * 3 + rng.choice(3, n, p=[0.5, 0.42, 0.08]))
    )
    road = _join(pc.take(pa.array(places.streets), pa.array(e["sb"])), stype, sep=" ")
    plain = _join(snum, " ", road)
    street = _pick(
        np.where(e["a2k"] == 1, rng.choice([1, 2], n, p=[0.7, 0.3]), 0),
        [plain, _join(unit, "/", snum, " ", road), _join("Unit ", unit, ", ", plain)],
    )
    ds, ms = _s(d, 2), _s(m, 2)
    dob = _pick(
        rng.choice(4, n, p=[0.6, 0.2, 0.1, 0.1]),
        [
            _join(ds, "/", ms, "/", _s(y)),
            _join(_s(d), "/", _s(m), "/", _s(y)),
            _join(ds, "-", ms, "-", _s(y)),
            _join(_s(y), "-", ms, "-", ds),
        ],
    )
    table = pa.table(
        {
            "First Name": pc.take(gv, pa.array(gi)),
            "Last Name": pc.take(sv, pa.array(si)),
            "Email": _where(rng.random(n) < 0.1, NULL, email),
            "Mobile": mobile,
            "Home Phone": home,
            "Date of Birth": _where(rng.random(n) < 0.35, NULL, dob),
            "Street": street,
            "Suburb": pc.take(pa.array(places.sub_names), pa.array(e["sub"])),
            "State": pc.take(
                pa.array(_STATE_CODES), pa.array(places.sub_state[e["sub"]].astype(np.int64))
            ),
            "Postcode": _s(places.sub_pc[e["sub"]], 4),
        }
    )
    return _case_noise(table, rng.random(n) < 0.02, np.zeros(n, bool), {"Email"}), np.arange(n)


DISTINCT_FIELDS = {"first_name": "First Name", "last_name": "Last Name", "email": "Email",
                   "mobile_phone": "Mobile", "phone": "Home Phone", "birthdate": "Date of Birth",
                   "mailing_street": "Street", "mailing_city": "Suburb", "mailing_state": "State",
                   "mailing_postal_code": "Postcode"}  # fmt: skip


def gen_distinct(rows: int, seed: int, out: Path, **_: object) -> tuple[dict, _Out]:
    table, ent = _distinct_table(rows, seed)
    src = Source("contacts", "contacts.csv", "Contact ID")
    keys = _keys("C", rows)
    with _Out(out, [src]) as o:
        for at in range(0, rows, CHUNK):
            o.write(src, keys[at : at + CHUNK], table.slice(at, CHUNK), ent[at : at + CHUNK])
    notes = (
        "Australian contacts that are all different people: nothing should merge. Look-alikes: "
        "Zipf-common names, 20% Chinese names in characters, households sharing surname, "
        "address and home phone, twins, namesakes in the same suburb, namesakes born the same "
        "day in another suburb, shared birth dates by chance. Every person has their own "
        "e-mail and mobile (some missing), in mixed layouts; a few ALL CAPS rows."
    )
    return _card("distinct", "contacts", "AU", "DMY", [src], DISTINCT_FIELDS, False, 0, notes), o


# ------------------------------------------------------------------------------- accounts

US_CITIES = (
    "Chicago IL 606 312,773|Springfield IL 627 217|Houston TX 770 713,832|"
    "Dallas TX 752 214,469|Austin TX 787 512|San Antonio TX 782 210|Fort Worth TX 761 817|"
    "Phoenix AZ 850 602,480|Tucson AZ 857 520|Denver CO 802 303,720|Seattle WA 981 206|"
    "Portland OR 972 503|Atlanta GA 303 404,678|Boston MA 021 617|Hartford CT 061 860|"
    "Newark NJ 071 973|Columbus OH 432 614|Cleveland OH 441 216|Detroit MI 482 313|"
    "Minneapolis MN 554 612|St. Louis MO 631 314|Kansas City MO 641 816|Nashville TN 372 615|"
    "Memphis TN 381 901|Louisville KY 402 502|Indianapolis IN 462 317|Milwaukee WI 532 414|"
    "Omaha NE 681 402|Albuquerque NM 871 505|Salt Lake City UT 841 801|Las Vegas NV 891 702|"
    "Sacramento CA 958 916|San Diego CA 921 619,858|Oakland CA 946 510|Baltimore MD 212 410|"
    "Richmond VA 232 804|Raleigh NC 276 919|Charlotte NC 282 704|Tampa FL 336 813|"
    "Miami FL 331 305,786|Pittsburgh PA 152 412|Philadelphia PA 191 215,267|Buffalo NY 142 716|"
    "New Orleans LA 701 504|Oklahoma City OK 731 405|Boise ID 837 208|Des Moines IA 503 515"
)
US_STATES = {
    "IL": ("Illinois", "Ill."), "TX": ("Texas", "Tex."), "AZ": ("Arizona", "Ariz."),
    "CO": ("Colorado", "Colo."), "WA": ("Washington", "Wash."), "OR": ("Oregon", "Ore."),
    "GA": ("Georgia", "Ga."), "MA": ("Massachusetts", "Mass."), "CT": ("Connecticut", "Conn."),
    "NJ": ("New Jersey", "N.J."), "OH": ("Ohio", "Oh."), "MI": ("Michigan", "Mich."),
    "MN": ("Minnesota", "Minn."), "MO": ("Missouri", "Mo."), "TN": ("Tennessee", "Tenn."),
    "KY": ("Kentucky", "Ky."), "IN": ("Indiana", "Ind."), "WI": ("Wisconsin", "Wis."),
    "NE": ("Nebraska", "Neb."), "NM": ("New Mexico", "N.M."), "UT": ("Utah", "Ut."),
    "NV": ("Nevada", "Nev."), "CA": ("California", "Calif."), "MD": ("Maryland", "Md."),
    "VA": ("Virginia", "Va."), "NC": ("North Carolina", "N.C."), "FL": ("Florida", "Fla."),
    "PA": ("Pennsylvania", "Pa."), "NY": ("New York", "N.Y."), "LA": ("Louisiana", "La."),
    "OK": ("Oklahoma", "Okla."), "ID": ("Idaho", "Ida."), "IA": ("Iowa", "Ia."),
}  # fmt: skip
CITY_VARIANTS = {"St. Louis": ["Saint Louis", "St Louis"], "Fort Worth": ["Ft Worth", "Ft. Worth"],
                 "Salt Lake City": ["Salt Lake"], "Oklahoma City": ["Oklahoma Cty"],
                 "Kansas City": ["Kansas Cty"], "New Orleans": ["N. Orleans"]}  # fmt: skip
US_PLACES = [
    "Lakeside", "Northside", "Riverside", "Westview", "Eastgate", "Southpoint", "Hillcrest",
    "Oakwood", "Maplewood", "Greenfield", "Fairview", "Brookside", "Sunrise", "Harbor", "Midtown",
    "Union", "Liberty", "Pioneer", "Heritage", "Summit", "Gateway", "Crossroads", "Meadowbrook",
    "Parkview", "Cornerstone", "Evergreen", "Keystone", "Landmark", "Metro", "Prairie",
    "Frontier", "Horizon", "Bayview", "Northgate", "Southside", "Westside", "Eastside",
    "Highland", "Lakeview", "Cedar Ridge", "Pine Valley", "Willow Creek", "Red Oak",
    "Silver Lake", "Mountain View", "Great Lakes", "Tri-County", "Mid-America",
]  # fmt: skip
US_TRADES = [
    "Family Health", "Community Health", "Child Development", "Senior", "Youth", "Dental",
    "Medical", "Auto Repair", "Plumbing", "Heating & Cooling", "Electric", "Roofing",
    "Landscaping", "Insurance", "Realty", "Accounting", "Legal", "Printing", "Food", "Pharmacy",
    "Veterinary", "Fitness", "Learning", "Recovery", "Home Care", "Physical Therapy", "Eye Care",
    "Hardware", "Furniture", "Tire & Auto", "Pet Supply", "Office Supply", "Storage", "Cleaning",
    "Travel", "Wellness", "Counseling", "Early Learning", "Education", "Manufacturing",
]  # fmt: skip
US_KINDS = [
    "Center", "Clinic", "Services", "Associates", "Group", "Supply", "Company", "Partners",
    "Solutions", "Institute", "Academy", "Foundation", "Alliance", "Network", "Agency", "Shop",
    "Works", "Outlet",
]  # fmt: skip
US_SURNAMES = [
    *SURNAMES[:80], "Garcia", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Perez",
    "Sanchez", "Ramirez", "Torres", "Rivera", "Flores", "Nelson", "Peterson", "Olson", "Larson",
    "Hansen", "Meyer", "Schultz", "Weber", "Becker", "Hoffman", "Klein", "Jensen",
]  # fmt: skip
SKIP_WORDS = {"&", "and", "of", "St.", "Sons", "International", "Community"}
# pools of words that can stand in for each other (for similarly named organisations)
WORD_POOLS = [
    US_KINDS,
    [p for p in US_PLACES if " " not in p],
    [t.split()[0] for t in US_TRADES],
    US_SURNAMES,
]
NEAR_SURNAMES = {
    "Johnson": "Johnston", "Peterson": "Petersen", "Clark": "Clarke", "Allen": "Allan",
    "Reid": "Reed", "Smith": "Smyth", "Thompson": "Thomson", "Anderson": "Andersen",
    "Nelson": "Nielsen", "Meyer": "Meyers", "Hansen": "Hanson", "Green": "Greene",
}  # fmt: skip
LEGAL = {
    "Inc": ["Inc", "Inc.", ", Inc.", "Incorporated"], "LLC": ["LLC", "L.L.C.", ", LLC", "Llc"],
    "Corp": ["Corp", "Corp.", "Corporation", ", Corp."], "Co": ["Co", "Co.", "Company", "Co"],
    "Ltd": ["Ltd", "Ltd.", "Limited", "Ltd"], "LLP": ["LLP", "L.L.P.", ", LLP", "LLP"],
}  # fmt: skip
ABBR_US = {
    "Center": ["Ctr", "Ctr.", "Centre", "Cntr"], "International": ["Intl", "Int'l", "Intl."],
    "Services": ["Svcs", "Svc", "Service"], "Associates": ["Assoc", "Assoc.", "Assocs"],
    "Company": ["Co", "Co."], "Saint": ["St.", "St"], "St.": ["Saint", "St"],
    "Brothers": ["Bros", "Bros."], "Medical": ["Med", "Med."], "Health": ["Hlth"],
    "Community": ["Comm", "Cmty"], "Development": ["Dev", "Devel"], "Mountain": ["Mtn"],
    "Institute": ["Inst", "Inst."], "Foundation": ["Fdn", "Fndn"], "Supply": ["Supplies", "Sply"],
    "Therapy": ["Ther"], "Academy": ["Acad"], "Manufacturing": ["Mfg", "Mfg."],
    "Counseling": ["Counselling"], "Partners": ["Ptnrs"], "Group": ["Grp"],
    "Education": ["Educ", "Ed."], "Heating": ["Htg"], "Family": ["Fam"],
}  # fmt: skip
US_STREETS = [
    "Main", "Oak", "Maple", "Washington", "Lincoln", "Park", "Lake", "Hill", "Elm", "Pine",
    "Cedar", "Market", "Madison", "Jefferson", "Franklin", "Jackson", "Grand", "Central",
    "Commerce", "Industrial", "Airport", "University", "College", "Church", "Mill", "River",
    "Spring", "Walnut", "Cherry", "Highland", "Martin Luther King Jr", "Sunset", "Adams",
    "Monroe", "Wilson", "Harrison", "Roosevelt", "Kennedy", "State", "Union", "Liberty",
    "Chestnut", "Willow", "Birch", "Hickory", "Sycamore", "Magnolia", "Ridge", "Valley", "Forest",
    "Meadow", "Prospect", "Front", "Water", "Bridge", "Railroad", "Belmont", "Fairfax",
    "Lexington", "Clinton",
]  # fmt: skip
US_TYPES = {"Street": "St", "Avenue": "Ave", "Boulevard": "Blvd", "Road": "Rd", "Drive": "Dr",
            "Lane": "Ln", "Parkway": "Pkwy", "Highway": "Hwy", "Court": "Ct", "Place": "Pl",
            "Way": "Way", "Circle": "Cir", "Plaza": "Plz"}  # fmt: skip
DIRS = {"N": "North", "S": "South", "E": "East", "W": "West", "NE": "Northeast", "NW": "Northwest",
        "SE": "Southeast", "SW": "Southwest"}  # fmt: skip
ORD_WORDS = [
    "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth",
    "Eleventh", "Twelfth", "Thirteenth", "Fourteenth", "Fifteenth", "Sixteenth", "Seventeenth",
    "Eighteenth", "Nineteenth", "Twentieth",
]  # fmt: skip
SUITE_FORMS = ["Suite {}", "Ste {}", "Ste. {}", "STE {}", "#{}", "Suite #{}", "Rm {}"]
PHONE_FORMS = {"paren": "({a}) {e}-{l}", "dash": "{a}-{e}-{l}", "dot": "{a}.{e}.{l}",
               "plain": "{a}{e}{l}", "plus1": "+1 {a} {e} {l}", "plus1dash": "+1-{a}-{e}-{l}",
               "one": "1-{a}-{e}-{l}", "plusparen": "+1 ({a}) {e}-{l}"}  # fmt: skip
LOCAL_FORMS = ("{e}-{l}", "{e} {l}", "{e}{l}")
EXCHANGES = [x for x in range(201, 990) if x % 100 != 11 and x != 555]  # no N11, no 555
ACCOUNT_ERRORS = {
    "legal": 8, "amp": 3, "abbrev": 6, "order": 3, "name_typo": 8, "the": 3, "branch": 4,
    "punct": 3, "case": 2, "num_typo": 2, "street_typo": 5, "suite_drop": 5, "dirn_form": 3,
    "ordinal": 2, "zip_slip": 2, "city_variant": 3, "phone_alt": 5, "phone_ext": 2,
    "phone_missing": 3, "fax_missing": 2, "web_missing": 3, "web_form": 3,
}  # fmt: skip


def _ordinal(n: int) -> str:
    tail = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{tail}"


@dataclass
class Style:
    """How one source's staff and system write a site; followed 80% of the time."""

    name: str
    file: str
    upper: float
    legal: int
    phone: str
    local: float
    zip4: float
    suite: int
    dirn: int  # 0 S, 1 S., 2 South
    stype: int  # 0 full, 1 abbreviation, 2 abbreviation with a dot
    web: float
    fax: float
    key: Callable[[int], str]


_B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


def _crm_key(i: int) -> str:
    """A CRM-style id; multiplying by 3**18 (prime to 62**5) scrambles the order, never repeats."""
    x = i * 387_420_489 % 62**5
    return "0015g00000" + "".join(_B62[x // 62**k % 62] for k in range(5))


STYLES = (
    Style("licensing", "licensing_sites.csv", 0.85, 0, "paren", 0.03, 0.05, 3, 0, 1, 0.15, 0.6,
          lambda i: f"LIC-{i:06d}"),
    Style("grants", "grant_sites.csv", 0.05, 1, "dash", 0.4, 0.55, 0, 2, 0, 0.35, 0.25,
          lambda i: f"{100000 + i}"),
    Style("crm", "crm_accounts.csv", 0.0, 2, "dot", 0.05, 0.25, 4, 1, 2, 0.85, 0.1,
          _crm_key),
)  # fmt: skip
ACCOUNT_COLUMNS = ["Site Name", "Street Address", "City", "State", "ZIP", "Phone", "Fax", "Website"]
ACCOUNT_FIELDS = {
    "name": "Site Name", "billing_street": "Street Address", "billing_city": "City",
    "billing_state": "State", "billing_postal_code": "ZIP", "phone": "Phone", "fax": "Fax",
    "website": "Website",
}  # fmt: skip


@dataclass
class Org:
    words: list[str]
    legal: str | None
    the: bool
    domain: str | None
    chain: bool = False


@dataclass
class Site:
    org: Org
    city: int
    num: int
    dirn: str | None
    street: str | int  # an int is a numbered street (5 -> 5th / Fifth)
    stype: str
    suite: tuple[str, str] | None
    zip5: str
    zip4: str
    phone: str
    alt: str
    fax: str | None
    ext: str | None
    store: int | None


class Sites:
    """Organisations and their sites, with the trap structures made on purpose."""

    def __init__(self, r: random.Random) -> None:
        self.r, self.names, self.phones, self.domains = r, set(), set(), set()
        self.cities = [(c.rsplit(" ", 3)) for c in US_CITIES.split("|")]

    def org(self, chain: bool = False, like: Org | None = None) -> Org:
        r = self.r
        for _ in range(50):
            if like is not None:  # one word changed, or a near-identical family name
                words = list(like.words)
                near = [i for i, w in enumerate(words) if w in NEAR_SURNAMES]
                if near and r.random() < 0.6:
                    words[near[0]] = NEAR_SURNAMES[words[near[0]]]
                else:  # a word of the same kind: Dental for Medical, Clinic for Center
                    i = r.choice([i for i, w in enumerate(words) if w not in SKIP_WORDS])
                    pool = next((p for p in WORD_POOLS if words[i] in p), WORD_POOLS[-1])
                    words[i] = r.choice([w for w in pool if w != words[i]])
                legal, the = like.legal, like.the
            else:
                pat, legal = r.random(), r.choice([*LEGAL, None, None])
                place, trade, kind = r.choice(US_PLACES), r.choice(US_TRADES), r.choice(US_KINDS)
                if pat < 0.35:
                    words, legal = f"{place} {trade} {kind}".split(), r.choice([None, None, legal])
                elif pat < 0.5:
                    a, b = r.sample(US_SURNAMES, 2)
                    words = f"{a} & {b} {trade}".split()
                elif pat < 0.7:
                    words = f"{r.choice(US_SURNAMES)} {trade} {kind}".split()
                elif pat < 0.78:
                    words = f"{r.choice(US_SURNAMES)} & Sons {trade}".split()
                elif pat < 0.86:
                    saint = r.choice(
                        ["Mary's", "Joseph's", "Luke's", "Vincent's", "Anne's", "Jude's"]
                    )
                    words, legal = f"St. {saint} {trade} {kind}".split(), None
                elif pat < 0.93:
                    words = f"{place} {trade} International".split()
                else:
                    words = f"{place} Community {kind}".split()
                the = r.random() < 0.08
            key = " ".join(words).lower()
            if key not in self.names:
                break
        self.names.add(key)
        domain = None
        if r.random() < (0.9 if chain else 0.45):
            parts = ["".join(c for c in w.lower() if c.isalnum()) for w in words]
            parts = [p for p in parts if p and p not in ("and", "of", "the", "sons", "st")]
            stem = "".join(parts)
            if len(stem) > 20:  # long names get shorter domains, as real ones do
                stem = parts[0] + parts[-1] if len(parts[0] + parts[-1]) <= 20 else parts[0]
            tld = ".org" if legal is None else r.choice([".com", ".com", ".com", ".net", ".biz"])
            domain = stem + tld
            while domain in self.domains:
                domain = stem + str(r.randint(1, 99)) + tld
            self.domains.add(domain)
        return Org(words, legal, the, domain, chain)

    def number(self, area: str, exchange: str | None = None) -> str:
        r = self.r
        while True:
            ex = exchange or str(r.choice(EXCHANGES))
            num = f"{area}{ex}{r.randint(0, 9999):04d}"
            if num not in self.phones:
                self.phones.add(num)
                return num

    def site(self, org: Org, city: int | None = None, like: Site | None = None) -> Site:
        r = self.r
        if like is not None:  # another business in the same building: only the suite differs
            s = Site(
                org,
                like.city,
                like.num,
                like.dirn,
                like.street,
                like.stype,
                None,
                like.zip5,
                like.zip4,
                "",
                "",
                None,
                None,
                None,
            )
            if r.random() < 0.85:
                s.suite = ("num", str(r.randint(1, 9) * 100 + r.randint(0, 40)))
            area = like.phone[:3]
            s.phone = self.number(area, like.phone[3:6] if r.random() < 0.5 else None)
        else:
            city = r.randrange(len(self.cities)) if city is None else city
            _, _, zip3, areas = self.cities[city]
            area = r.choice(areas.split(","))
            street: str | int = r.randint(1, 40) if r.random() < 0.22 else r.choice(US_STREETS)
            stype = r.choice(
                ["Street", "Avenue", "Place"] if isinstance(street, int) else list(US_TYPES)
            )
            suite = None
            if r.random() < 0.35:
                kind = r.choices(["num", "letter", "floor", "bldg"], [0.7, 0.15, 0.1, 0.05])[0]
                val = {
                    "num": str(r.randint(1, 9) * 100 + r.randint(0, 40)),
                    "letter": r.choice("ABCDEF"),
                    "floor": str(r.randint(2, 12)),
                    "bldg": str(r.randint(1, 6)),
                }[kind]
                suite = (kind, val)
            s = Site(
                org,
                city,
                int(10 ** r.uniform(1.3, 4.0)),
                r.choice(list(DIRS)) if r.random() < 0.25 else None,
                street,
                stype,
                suite,
                f"{zip3}{r.randint(1, 99):02d}",
                f"{r.randint(1, 9999):04d}",
                self.number(area),
                "",
                None,
                None,
                None,
            )
        s.alt = self.number(s.phone[:3], s.phone[3:6])  # the site's other line, same exchange
        if r.random() < 0.3:
            s.fax = self.number(s.phone[:3], s.phone[3:6] if r.random() < 0.7 else None)
        s.ext = str(r.randint(100, 450)) if r.random() < 0.08 else None
        return s

    def build(self, n: int) -> list[Site]:
        r, out = self.r, []
        while len(out) < n:
            x = r.random()
            if x < 0.05:  # a chain: same name and website, other addresses and phones
                org = self.org(chain=True)
                home = r.randrange(len(self.cities))
                for _ in range(r.randint(2, 6)):
                    s = self.site(org, home if r.random() < 0.3 else None)
                    s.store = r.randint(100, 9999) if r.random() < 0.5 else None
                    out.append(s)
            elif x < 0.11:  # one building, several businesses
                first = self.site(self.org())
                out += [first] + [self.site(self.org(), like=first) for _ in range(r.randint(1, 2))]
            elif x < 0.17:  # two organisations with nearly the same name
                a = self.site(self.org())
                b = self.org(like=a.org)
                out += [a, self.site(b, a.city if r.random() < 0.5 else None)]
            else:
                out.append(self.site(self.org()))
        return out[:n]

    def render(self, s: Site, st: Style, errs: set[str]) -> list[str | None]:
        r = self.r
        follow = lambda: r.random() < 0.8  # noqa: E731
        city, state, _, _ = self.cities[s.city]
        words = list(s.org.words)
        if "order" in errs:
            if "&" in words:  # the partners the other way round
                i = words.index("&")
                words = [words[i + 1], "&", words[i - 1], *words[i + 2 :]] if i == 1 else words
            elif words[0] in US_PLACES or " ".join(words[:2]) in US_PLACES:
                k = 2 if " ".join(words[:2]) in US_PLACES else 1
                words = [*words[k:], "of", *words[:k]]
        if "amp" in errs:
            words = (
                ["and" if w == "&" else w for w in words]
                if "&" in words
                else ["&" if w == "and" else w for w in words]
            )
        if "abbrev" in errs and (cand := [i for i, w in enumerate(words) if w in ABBR_US]):
            i = r.choice(cand)
            words[i] = r.choice(ABBR_US[words[i]])
        if "name_typo" in errs and (cand := [i for i, w in enumerate(words) if len(w) > 3]):
            i = r.choice(cand)
            words[i] = typo(words[i], r) if r.random() < 0.8 else phonetic(words[i], r)
        name = " ".join(words)
        if s.org.legal:
            forms = LEGAL[s.org.legal]
            form = forms[st.legal] if follow() else r.choice(forms)
            if "legal" in errs:
                form = r.choice([f for f in forms if f != form] + [""])
            name += form if form.startswith(",") else f" {form}" if form else ""
        if s.org.the != ("the" in errs):
            name = f"{name}, The" if r.random() < 0.15 else f"The {name}"
        if s.store and r.random() < 0.5:
            name += f" #{s.store}"
        if "branch" in errs:
            name += r.choice(
                [
                    " - Main Office",
                    f" - {city}",
                    " (Admin Office)",
                    " - Billing Dept",
                    " Branch Office",
                    f" - Site {r.randint(2, 9)}",
                    " Dept. of Operations",
                ]
            )
        if "punct" in errs:
            name = name.translate(str.maketrans({".": "", ",": "", "'": "", "-": " "})).replace(
                "  ", " "
            )
        # the street line
        num = str(s.num)
        if "num_typo" in errs:
            num = str(_number_slip(np.array([s.num]), np.random.default_rng(r.getrandbits(32)))[0])
        parts = [num]
        if s.dirn:
            form = st.dirn if follow() and "dirn_form" not in errs else r.randrange(3)
            parts.append([s.dirn, s.dirn + ".", DIRS[s.dirn]][form])
        if isinstance(s.street, int):
            spelt = ORD_WORDS[s.street - 1] if s.street <= 20 else _ordinal(s.street)
            parts.append(spelt if ("ordinal" in errs) != (r.random() < 0.1) else _ordinal(s.street))
        else:
            parts.append(typo(s.street, r) if "street_typo" in errs else s.street)
        abbr = US_TYPES[s.stype]
        form = st.stype if follow() else r.randrange(3)
        parts.append([s.stype, abbr, abbr + "." if abbr != s.stype else abbr][form])
        line = " ".join(parts)
        if s.suite and "suite_drop" not in errs:
            kind, val = s.suite
            if kind == "floor":
                text = r.choice([f"Floor {val}", f"{_ordinal(int(val))} Floor", f"Fl {val}"])
            elif kind == "bldg":
                text = r.choice([f"Building {val}", f"Bldg {val}", f"Bldg. {val}"])
            else:
                fmt = SUITE_FORMS[st.suite] if follow() else r.choice(SUITE_FORMS)
                text = (fmt if kind == "num" or r.random() < 0.5 else "Unit {}").format(val)
            line += (", " if r.random() < 0.6 else " ") + text
        town = city
        if "city_variant" in errs:
            town = r.choice([*CITY_VARIANTS.get(city, []), typo(city, r)])
        elif city in CITY_VARIANTS and r.random() < 0.3:
            town = r.choice(CITY_VARIANTS[city])
        state_text = state if r.random() < 0.9 else r.choice(US_STATES[state])
        zipc = s.zip5 + ("-" + s.zip4 if r.random() < st.zip4 else "")
        if "zip_slip" in errs:
            zipc = zipc[1:] if zipc[0] == "0" else zipc[:3] + zipc[4] + zipc[3] + zipc[5:]
        phone = None if "phone_missing" in errs else s.alt if "phone_alt" in errs else s.phone
        fmt = st.phone if follow() else r.choice(list(PHONE_FORMS))

        def show(num: str | None) -> str | None:
            if num is None:
                return None
            if r.random() < st.local:  # a 7-digit local number: the area code is the city's
                return r.choice(LOCAL_FORMS).format(e=num[3:6], l=num[6:])
            return PHONE_FORMS[fmt].format(a=num[:3], e=num[3:6], l=num[6:])

        shown = show(phone)
        if shown and s.ext and ("phone_ext" in errs or r.random() < 0.5):
            shown += r.choice([" x", " ext. ", " Ext ", " #"]) + s.ext
        fax = (
            show(s.fax)
            if s.fax and r.random() < st.fax + 0.3 and "fax_missing" not in errs
            else None
        )
        web = None
        if s.org.domain and r.random() < st.web and "web_missing" not in errs:
            pre = ["www.", "http://www.", "https://www.", "", "https://"]
            web = (pre[st.legal] if "web_form" not in errs else r.choice(pre)) + s.org.domain
            if s.org.chain and r.random() < 0.3:
                web += f"/locations/{city.lower().replace(' ', '-').replace('.', '')}"
            elif r.random() < 0.2:
                web += "/"
        row = [name, line, town, state_text, zipc, shown, fax, web]
        up = r.random() < st.upper if follow() else r.random() < 0.2
        if "case" in errs:
            up = not up
            if not up and r.random() < 0.5:
                row[0] = name.lower()
        return [v.upper() if up and v and i < 5 else v for i, v in enumerate(row)]


def gen_accounts(
    rows: int, seed: int, out: Path, sources: int = 3, **_: object
) -> tuple[dict, _Out]:
    r = random.Random(seed * 7 + 3)
    styles = STYLES[:sources]
    gen = Sites(r)
    sites = gen.build(int(rows / 1.3) + 10)
    recs: list[list[tuple[int, list[str | None]]]] = [[] for _ in styles]
    kinds, weights, total = list(ACCOUNT_ERRORS), list(ACCOUNT_ERRORS.values()), 0
    for ent, s in enumerate(sites):
        n = 1 if r.random() >= DUP_SHARE else r.choices([2, 3], [0.75, 0.25])[0]
        n = min(n, rows - total)
        src = r.randrange(len(styles))
        for k in range(n):
            if k and (r.random() < 0.75 and len(styles) > 1):  # another agency lists it too
                src = r.choice([i for i in range(len(styles)) if i != src])
            errs = (
                set()
                if k == 0
                else set(
                    r.choices(kinds, weights, k=r.choices(range(4), [0.2, 0.4, 0.28, 0.12])[0])
                )
            )
            recs[src].append((ent, gen.render(s, styles[src], errs)))
        total += n
        if total >= rows:
            break
    srcs = [Source(st.name, st.file, "Site ID") for st in styles]
    with _Out(out, srcs) as o:
        for st, src, rs in zip(styles, srcs, recs, strict=True):
            r.shuffle(rs)
            table = pa.table(
                {
                    c: pa.array([x[1][i] for x in rs], pa.string())
                    for i, c in enumerate(ACCOUNT_COLUMNS)
                }
            )
            keys = pa.array([st.key(i + 1) for i in range(len(rs))], pa.string())
            o.write(src, keys, table, np.array([x[0] for x in rs], np.int64))
    lists = ", ".join(["a licensing list", "a grants list", "a CRM export"][: len(styles)])
    notes = (
        f"US business sites from {len(styles)} lists ({lists}), "
        "each with its own house style (case, phone layout, 7-digit local numbers, ZIP+4, suite "
        "and street-type spelling). About 25% of sites have 2-3 records, mostly in different "
        "files; a later record carries 0-3 errors: legal suffix changed or dropped, &/and, "
        "abbreviations, word order, typos, The, branch or department suffix, punctuation, case, "
        "number or street typos, suite dropped, direction and ordinal spelt out, ZIP slips, city "
        "variants, the site's other phone line, extensions, missing phone/fax/website. Traps: "
        "chain branches (same name and website, other address and phone), businesses in one "
        "building (same street address, phone often on the same exchange), similar names."
    )
    return _card("accounts", "accounts", "US", "MDY", srcs, ACCOUNT_FIELDS, False, None, notes), o


# --------------------------------------------------------------------------------- sparse

TW_EN_FIRST = [
    "John", "Mary", "Kevin", "Amy", "Tom", "Jenny", "David", "Grace", "Peter", "Vivian", "Jason",
    "Cindy", "Eric", "Angela", "Michael", "Tina", "Allen", "Irene", "Sam", "Wendy",
]  # fmt: skip
TW_EN_LAST = [
    "Smith", "Lee", "Chen", "Wang", "Lin", "Brown", "Huang", "Chang", "Wu", "Taylor", "Liu",
    "Tsai",
]  # fmt: skip
TRAP_NAMES = ["陳雅婷", "林志明", "王小明", "John Smith", "Mary Lee", "陳怡君", "張家豪", "David Wang",
              "Amy Chen", "李淑芬", "黃俊傑", "Kevin Lin"]  # fmt: skip
# Zhuyin input picks a character with the same sound: the commonest slip in typed Chinese names
HOMOPHONES = {"琪": "淇祺", "婷": "庭亭", "明": "銘名", "志": "智誌", "偉": "瑋緯", "玲": "鈴齡",
              "君": "均鈞", "豪": "濠", "宏": "弘鴻", "芬": "棻", "惠": "慧蕙", "穎": "潁", "翰": "瀚",
              "宇": "羽禹", "怡": "宜儀", "傑": "杰", "雅": "亞", "淑": "書", "家": "嘉", "欣": "馨"}  # fmt: skip
SIMPLIFIED = str.maketrans("陳張劉楊許鄭謝黃吳賴傑偉穎詩鴻豪", "陈张刘杨许郑谢黄吴赖杰伟颖诗鸿豪")
TW_DOMAINS = ["gmail.com", "yahoo.com.tw", "hotmail.com", "outlook.com", "msn.com", "hinet.net"]


def _tw_mobile(num: str, r: random.Random, avoid: str | None = None) -> str:
    a, b, c = num[2:4], num[4:7], num[7:]
    forms = [
        f"09{a}-{b}-{c}",
        f"09{a}{b}{c}",
        f"09{a} {b} {c}",
        f"+886 9{a} {b} {c}",
        f"+886-9{a}-{b}-{c}",
        f"+8869{a}{b}{c}",
        f"09{a}-{b}{c}",
    ]
    return r.choice([f for f in forms if f != avoid])


def _tw_birthday(day: str | None, r: random.Random) -> str | None:
    if day is None:
        return None
    y, m, d = day.split("-")
    return r.choice([f"{y}/{m}/{d}", f"{y}-{int(m)}-{int(d)}", f"{y}{m}{d}", f"{y}.{m}.{d}"])


def _sparse_records(
    rows: int, seed: int
) -> list[tuple[int, str, str | None, str | None, str | None]]:
    if not 10 <= rows <= 300:  # a small shop's list; its names would run out beyond that
        raise SystemExit("sparse needs 10 <= --rows <= 300")
    r = random.Random(seed * 13 + 5)
    used_names, used_mail, used_mob = set(TRAP_NAMES), set(), set()

    def mobile() -> str:
        while (m := f"09{r.randint(10, 89)}{r.randint(0, 999999):06d}") in used_mob:
            pass
        used_mob.add(m)
        return m

    def email(roman: str) -> str:
        while True:
            local = r.choice(
                [
                    roman,
                    roman + str(r.randint(1, 99)),
                    roman.replace(".", "_"),
                    roman.split(".")[0] + str(r.randint(1970, 2005)),
                ]
            )
            addr = f"{local}@{r.choice(TW_DOMAINS)}"
            if addr not in used_mail:
                used_mail.add(addr)
                return addr

    def name(fixed: str | None = None) -> tuple[str, str, bool]:
        while True:  # (written name, roman for e-mails, is it Chinese)
            if fixed or r.random() < 0.6:
                text = fixed or r.choice(list(CJK_SUR)[:12]) + r.choice(list(CJK_GIVEN))
                if text[0] in CJK_SUR:
                    given = CJK_GIVEN.get(text[1:], "ming").replace("-", "")
                    out = (text, f"{given}.{CJK_SUR[text[0]]}", True)
                else:
                    first, last = text.split()
                    out = (text, f"{first}.{last}".lower(), False)
            else:
                first, last = r.choice(TW_EN_FIRST), r.choice(TW_EN_LAST)
                out = (f"{first} {last}", f"{first}.{last}".lower(), False)
            if fixed or out[0] not in used_names:
                used_names.add(out[0])
                return out

    def birthday() -> str | None:
        return (
            f"{r.randint(1960, 2005)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"
            if r.random() < 0.5
            else None
        )

    def variant(text: str, cjk: bool, kind: int) -> str:
        """The same person's name as someone else typed it."""
        if cjk:
            if kind == 0:
                return f"{text[0]} {text[1:]}"
            if kind == 1 and text.translate(SIMPLIFIED) != text:
                return text.translate(SIMPLIFIED)
            if kind in (1, 2) and (cand := [i for i, c in enumerate(text) if c in HOMOPHONES]):
                i = r.choice(cand)
                return text[:i] + r.choice(HOMOPHONES[text[i]]) + text[i + 1 :]
            if kind == 4:
                return text + ("小姐" if text[1:] in CJK_FEMALE else "先生")
            return f" {text}"
        first, last = text.split()
        return [
            f"{first}  {last}",
            text.lower() if r.random() < 0.5 else text.upper(),
            f"{typo(first, r)} {last}",
            f"{last} {first}",
            f"{last}, {first}",
        ][kind]

    def english(text: str, roman: str) -> str:
        given, sur = roman.split(".")
        return f"{CJK_GIVEN.get(text[1:], given).title()} {sur.title()}"

    n_dup, n_trap = max(2, round(rows * 0.15)), max(1, round(rows * 0.06))
    triple = rows >= 40
    singles = rows - 2 * n_dup - triple - 6 * n_trap
    out: list[tuple[int, str, str | None, str | None, str | None]] = []
    ent = 0
    for k in range(n_dup):  # true duplicates: each shares an e-mail or a mobile
        text, roman, cjk = name()
        mail, mob, day = email(roman), mobile(), birthday()
        kind = (k + r.randrange(5)) % 5
        m1 = _tw_mobile(mob, r)
        b = variant(text, cjk, kind) if kind != 3 or not cjk else english(text, roman)
        day2 = day if r.random() < 0.5 else None
        if kind in (0, 2):  # the e-mail is shared (sometimes in other case); one lacks the mobile
            mail2 = mail if r.random() < 0.6 else mail[0].upper() + mail[1:].replace("@g", "@G")
            pair = [(text, mail, m1), (b, mail2, None if kind == 0 else _tw_mobile(mob, r, m1))]
        elif kind == 3:  # both shared: only then may the name be written in English
            pair = [(text, mail, m1), (b, mail, _tw_mobile(mob, r, m1))]
        else:  # the mobile is shared in another layout
            pair = [
                (text, None if kind == 4 else mail, m1),
                (b, mail if kind == 4 else None, _tw_mobile(mob, r, m1)),
            ]
        out += [
            (ent, n, e, m, _tw_birthday(d, r))
            for (n, e, m), d in zip(pair, (day, day2), strict=True)
        ]
        if triple and k == 0:
            out.append((ent, text + " ", None, _tw_mobile(mob, r, m1), None))
        ent += 1
    order = r.sample(TRAP_NAMES, len(TRAP_NAMES))  # more traps than names: they repeat
    traps = [order[i % len(order)] for i in range(3 * n_trap)]
    for k in range(3 * n_trap):  # traps: a shared name and nothing that proves one person
        text, roman, _cjk = name(traps[k])
        kind = k % 3
        for side in range(2):
            mail = (
                email(roman)
                if (kind == 0 and side == 0) or kind == 1 or (kind == 2 and side == 1)
                else None
            )
            mob = (
                mobile()
                if (kind == 0 and side == 1) or kind == 2 or (kind == 1 and side == 0)
                else None
            )
            out.append((ent, text, mail, mob and _tw_mobile(mob, r), _tw_birthday(birthday(), r)))
            ent += 1
    for _ in range(singles):
        text, roman, _cjk = name()
        mail = email(roman) if r.random() < 0.8 else None
        mob = mobile() if r.random() < 0.8 or mail is None else None
        out.append((ent, text, mail, mob and _tw_mobile(mob, r), _tw_birthday(birthday(), r)))
        ent += 1
    r.shuffle(out)
    return out


def gen_sparse(rows: int, seed: int, out: Path, **_: object) -> tuple[dict, _Out]:
    recs = _sparse_records(rows, seed)
    cols = ["姓名", "電子郵件", "手機", "生日"]
    table = pa.table(
        {c: pa.array([x[i + 1] for x in recs], pa.string()) for i, c in enumerate(cols)}
    )
    src = Source("members", "members.csv", "會員編號")
    ent = np.array([x[0] for x in recs], np.int64)
    with _Out(out, [src]) as o:
        o.write(src, _keys("M", len(recs), 3), table, ent)
    fields = {"full_name": "姓名", "email": "電子郵件", "mobile_phone": "手機", "birthdate": "生日"}
    notes = (
        "A small Taiwanese shop's member list: Chinese names in characters and English names, "
        "e-mail, mobile in mixed layouts, sometimes a birthday. Every true duplicate shares an "
        "e-mail or a mobile, its name written with other spacing, case, a typo, an IME "
        "homophone, simplified characters, a 小姐/先生 suffix, surname first, or (only when "
        "e-mail and mobile are both shared) in English. Traps: pairs sharing only a common "
        "name, a name with different e-mails, a name with different mobiles."
    )
    exact = len(recs) - len(np.unique(ent))
    return _card("sparse", "contacts", "TW", "YMD", [src], fields, False, exact, notes), o


# ------------------------------------------------------------------------------- reexport


def gen_reexport(
    rows: int, seed: int, out: Path, copies: int = 12, object: str = "accounts", **_: object
) -> tuple[dict, _Out]:
    if copies < 1:
        raise SystemExit("--copies must be at least 1")
    if object == "contacts":
        base, _ent = _distinct_table(rows, seed)
        fields, country, order, key = DISTINCT_FIELDS, "AU", "DMY", "Contact ID"
    else:
        gen = Sites(random.Random(seed * 17 + 1))
        sites = gen.build(rows)
        rendered = [gen.render(s, STYLES[2], set()) for s in sites]
        base = pa.table(
            {
                c: pa.array([x[i] for x in rendered], pa.string())
                for i, c in enumerate(ACCOUNT_COLUMNS)
            }
        )
        fields, country, order, key = ACCOUNT_FIELDS, "US", "MDY", "Account ID"
    rng = np.random.default_rng([seed, 21])
    numbers = rng.permutation(rows * copies) + 1  # new keys in every export, in no order
    src = Source("export", "export.csv", key)
    prefix = "003" if object == "contacts" else "001"
    with _Out(out, [src]) as o:
        for c in range(copies):
            perm = rng.permutation(rows)  # each export lists the rows in its own order
            for at in range(0, rows, CHUNK):
                idx = perm[at : at + CHUNK]
                nums = numbers[c * rows + at : c * rows + at + len(idx)]
                o.write(src, _join(prefix, _s(nums, 9)), base.take(pa.array(idx)), idx)
    notes = (
        f"A list of {rows} {object} with no duplicates, exported {copies} times into one file "
        "under new keys, each export in its own row order: the copies of a record are "
        "byte-identical except the key. Every copy merges with its original and nothing else "
        "merges; the base keeps its look-alikes (chain branches, shared buildings, similar "
        "names; or households and namesakes for contacts)."
    )
    obj = "contacts" if object == "contacts" else "accounts"
    return _card(
        "reexport", obj, country, order, [src], fields, False, rows * (copies - 1), notes
    ), o


# ---------------------------------------------------------------------------- files, CLI


@dataclass
class Source:
    name: str
    file: str
    key: str


def _keys(prefix: str, n: int, width: int = 7) -> pa.Array:
    return _join(prefix, _s(np.arange(1, n + 1), max(width, len(str(n)))))


def _quote(col: pa.Array) -> pa.Array:
    """Quote only what needs it, as most exporters do (pyarrow's writer quotes every string)."""
    needs = pc.match_substring_regex(col, '[",\r\n]')
    return pc.if_else(needs, _join('"', pc.replace_substring(col, '"', '""'), '"'), col)


def _csv(table: pa.Table) -> bytes:
    cols = [_quote(table[c].combine_chunks()) for c in table.column_names]
    line = pc.binary_join_element_wise(*cols, ",", null_handling="replace", null_replacement="")
    line = pc.binary_join_element_wise(line, pa.scalar(""), "\n")
    if isinstance(line, pa.ChunkedArray):
        line = line.combine_chunks()
    if not len(line):
        return b""
    offsets = np.frombuffer(line.buffers()[1], np.int32)[line.offset : line.offset + len(line) + 1]
    return line.buffers()[2].to_pybytes()[offsets[0] : offsets[-1]]


class _Out:
    """A set's CSV files and truth.csv, written chunk by chunk; counts what it wrote."""

    def __init__(self, out: Path, sources: list[Source]) -> None:
        out.mkdir(parents=True, exist_ok=True)
        self.out, self.sources, self.files = out, sources, {}
        self.ents: list[np.ndarray] = []
        self.srcs: list[np.ndarray] = []

    def __enter__(self) -> _Out:
        self.truth = open(self.out / "truth.csv", "wb")
        self.truth.write(b"source,key,entity\n")
        for s in self.sources:  # every source file exists, even one that got no rows
            self.files[s.name] = open(self.out / s.file, "wb")
        return self

    def write(self, src: Source, keys: pa.Array, table: pa.Table, ent: np.ndarray) -> None:
        fh = self.files[src.name]
        if fh.tell() == 0:
            header = pa.table({c: [c] for c in [src.key, *table.column_names]})
            fh.write(_csv(header))
        keys = keys.combine_chunks() if isinstance(keys, pa.ChunkedArray) else keys
        fh.write(_csv(pa.table([keys, *table.columns], names=[src.key, *table.column_names])))
        names = pa.array(np.full(len(ent), src.name, dtype=object), pa.string())
        self.truth.write(
            _csv(pa.table([names, keys, _join("E", _s(ent, 7))], names=["s", "k", "e"]))
        )
        self.ents.append(np.asarray(ent, np.int64))
        self.srcs.append(
            np.full(len(ent), [s.name for s in self.sources].index(src.name), np.int64)
        )

    def __exit__(self, *exc: object) -> None:
        self.truth.close()
        for fh in self.files.values():
            fh.close()

    def stats(self, cross_only: bool) -> tuple[int, int, int]:
        ent = np.concatenate(self.ents) if self.ents else np.zeros(0, np.int64)
        src = np.concatenate(self.srcs) if self.srcs else np.zeros(0, np.int64)
        sizes = (
            np.bincount(np.unique(ent, return_inverse=True)[1])
            if len(ent)
            else np.zeros(0, np.int64)
        )
        pairs = int((sizes * (sizes - 1) // 2).sum())
        if cross_only:  # pairs inside one source do not count
            inner = np.bincount(np.unique(ent * len(self.sources) + src, return_inverse=True)[1])
            pairs -= int((inner * (inner - 1) // 2).sum())
        return len(ent), len(sizes), pairs


def _card(
    name: str,
    obj: str,
    country: str,
    date_order: str,
    sources: list[Source],
    fields: dict,
    cross: bool,
    expected: int | None,
    notes: str,
) -> dict:
    return {
        "name": name,
        "object": obj,
        "country": country,
        "date_order": date_order,
        "sources": [{"name": s.name, "file": s.file, "key": s.key} for s in sources],
        "fields": fields,
        "cross_source_only": cross,
        "expected_merges": expected,
        "notes": notes,
    }


SETS: dict[str, tuple[Callable[..., tuple[dict, _Out]], int]] = {
    "people": (gen_people, 10_000), "accounts": (gen_accounts, 10_000), "sparse": (gen_sparse, 16),
    "reexport": (gen_reexport, 1_000), "distinct": (gen_distinct, 10_000),
}  # fmt: skip


def generate(
    name: str,
    out: Path,
    rows: int | None = None,
    seed: int = 1,
    quiet: bool = False,
    **opts: object,
) -> dict:
    """Write one set into out; returns its card (also written as card.json)."""
    start = time.perf_counter()
    fn, default = SETS[name]
    card, o = fn(rows or default, seed, Path(out), **opts)
    text = json.dumps(card, indent=2, ensure_ascii=False) + "\n"
    (Path(out) / "card.json").write_text(text, encoding="utf-8")
    n, ents, pairs = o.stats(card["cross_source_only"])
    if not quiet:
        print(
            f"{name}: {n:,} rows, {ents:,} entities, {pairs:,} true pairs, "
            f"{time.perf_counter() - start:.1f} s -> {out}"
        )
    return card


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("set", choices=list(SETS))
    p.add_argument("--rows", type=int, default=None, help="rows to write (reexport: base rows)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--copies", type=int, default=12, help="reexport: how many exports")
    p.add_argument(
        "--object", choices=("accounts", "contacts"), default="accounts", help="reexport"
    )
    p.add_argument("--sources", type=int, choices=(2, 3), default=3, help="accounts: files")
    a = p.parse_args(argv)
    generate(a.set, a.out, a.rows, a.seed, copies=a.copies, object=a.object, sources=a.sources)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
