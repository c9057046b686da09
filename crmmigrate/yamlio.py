"""YAML reading with precise, one-line errors, and pydantic errors turned into one line."""

from __future__ import annotations

import difflib
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from crmmigrate.errors import ConfigError

# libyaml's parser (shipped in PyYAML's wheels) reads the default schema 8x faster than the
# pure-Python one; every command reads it and the config, so it is most of a small run's time
_SafeLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_SafeLoader):
    """A safe loader that refuses duplicate keys (PyYAML silently keeps the last one)."""


class _DuplicateKey(Exception):
    def __init__(self, line: int, key: Any) -> None:
        self.line, self.key = line, key


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise _DuplicateKey(key_node.start_mark.line + 1, key)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def load_yaml(path: Path) -> Any:
    """Parse a YAML file; a missing file or a syntax error is a ConfigError naming file and line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found", hint="check the path") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text; save the file as UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        loader = _UniqueKeyLoader(text)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except _DuplicateKey as dup:
        raise ConfigError(
            f"{path}:{dup.line}: duplicate key {dup.key!r}; keep one of them"
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = exc.problem or exc.context or "syntax error"
        raise ConfigError(
            f"{where}: malformed YAML ({problem}); check indentation, colons and quoting"
        ) from None
    except yaml.YAMLError:
        raise ConfigError(
            f"{path}: malformed YAML; check indentation, colons and quoting"
        ) from None


def format_loc(loc: tuple[int | str, ...]) -> str:
    """('sources', 0, 'fields', 'email') -> 'sources[0].fields.email'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def closest(word: str, candidates: typing.Iterable[str]) -> str | None:
    """The closest candidate to a misspelt word, or None when nothing is close."""
    options = list(candidates)
    lowered = {c.lower(): c for c in options}
    if word.lower() in lowered:
        return lowered[word.lower()]
    match = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not match:
        match = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
        return lowered[match[0]] if match else None
    return match[0]


def did_you_mean(word: str, candidates: typing.Iterable[str]) -> str:
    """'; did you mean 'x'?' or a list of the valid choices when few, else ''."""
    options = sorted(candidates)
    best = closest(word, options)
    if best is not None:
        return f"; did you mean {best!r}?"
    if len(options) <= 8:
        return "; valid: " + ", ".join(options)
    return ""


def _unwrap(annotation: Any) -> Any:
    """The model class behind list[X], dict[str, X], X | None, ... (or None)."""
    origin = typing.get_origin(annotation)
    if origin is None:
        return (
            annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel)
            else None
        )
    for arg in typing.get_args(annotation):
        found = _unwrap(arg)
        if found is not None:
            return found
    return None


def _model_at(root: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    model: type[BaseModel] | None = root
    for part in loc:
        if model is None:
            return None
        if isinstance(part, str) and part in model.model_fields:
            model = _unwrap(model.model_fields[part].annotation)
    return model


def _keys_of(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items() if not name.startswith("_")]


def pydantic_error_line(
    path: Path | str, exc: Exception, root: type[BaseModel] | None = None
) -> str:
    """One line for the first problem in a pydantic ValidationError (or ValueError)."""
    if not isinstance(exc, ValidationError):
        return f"{path}: {exc}"
    err = exc.errors(include_url=False)[0]
    loc: tuple[int | str, ...] = tuple(err["loc"])
    where = format_loc(loc)
    kind = err["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        model = _model_at(root, loc[:-1]) if root else None
        hint = did_you_mean(key, _keys_of(model)) if model else ""
        return f"{path}: {where}: unknown key{hint or '; remove it'}"
    if kind == "missing":
        return f"{path}: {where}: required key is missing; add it"
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"{path}: {where}: must be one of {expected}"
    ctx = err.get("ctx", {})
    friendly = {
        "too_short": f"needs at least {ctx.get('min_length')} item(s)",
        "too_long": f"allows at most {ctx.get('max_length')} item(s) or characters",
        "string_too_short": f"needs at least {ctx.get('min_length')} character(s)",
        "string_too_long": f"allows at most {ctx.get('max_length')} character(s)",
        "greater_than": f"must be greater than {ctx.get('gt')}",
        "less_than_equal": f"must be at most {ctx.get('le')}",
        "string_pattern_mismatch": "use only letters, digits, '_', '.' and '-' (no spaces)",
        "string_type": "must be text",
        "int_parsing": "must be a whole number",
        "int_type": "must be a whole number",
        "bool_parsing": "must be true or false",
        "dict_type": "must be a mapping (key: value)",
        "list_type": "must be a list",
        "model_type": "must be a mapping (key: value)",
        "date_from_datetime_parsing": "must be a date (YYYY-MM-DD)",
        "date_parsing": "must be a date (YYYY-MM-DD)",
        "date_type": "must be a date (YYYY-MM-DD)",
        "date_from_datetime_inexact": "must be a date (YYYY-MM-DD), without a time",
    }
    msg = friendly.get(kind) or str(err["msg"]).removeprefix("Value error, ")
    prefix = f"{where}: " if where else ""
    return f"{path}: {prefix}{msg}"
