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

# No crmmigrate file needs more than a handful of levels; the construction of nested mappings
# recurses, so a deeper file would otherwise end in a RecursionError (libyaml stops at 1,000).
MAX_DEPTH = 100
# Aliases (*name) let a few lines stand for an exponential number of values ("billion laughs").
MAX_NODES = 1_000_000
_LIBYAML_TOO_DEEP = "exceeded maximum nesting depth"
# The longest name did_you_mean compares or lists.
MAX_NAME_CHARS = 64


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
            node = loader.get_single_node()
            if node is None:
                return None
            _check_size(path, node)
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except RecursionError:
        raise _too_deep(str(path)) from None
    except _DuplicateKey as dup:
        raise ConfigError(
            f"{path}:{dup.line}: duplicate key {dup.key!r}; keep one of them"
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = exc.problem or exc.context or "syntax error"
        if problem == _LIBYAML_TOO_DEEP:
            raise _too_deep(f"{path}:{mark.line + 1}" if mark else str(path)) from None
        raise ConfigError(
            f"{where}: malformed YAML ({problem}); check indentation, colons and quoting"
        ) from None
    except yaml.YAMLError:
        raise ConfigError(
            f"{path}: malformed YAML; check indentation, colons and quoting"
        ) from None


def _check_size(path: Path, root: yaml.Node) -> None:
    """Refuse a document nested deeper than MAX_DEPTH or, aliases expanded, over MAX_NODES."""
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    visited = 0
    while stack:
        node, depth = stack.pop()
        visited += 1
        if visited > MAX_NODES:
            raise ConfigError(
                f"{path}: more than {MAX_NODES:,} values once its aliases (*name) are expanded; "
                "write the values out instead of nesting aliases"
            )
        if depth > MAX_DEPTH:
            raise _too_deep(f"{path}:{node.start_mark.line + 1}")
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack += [(key, depth + 1), (value, depth + 1)]


def _too_deep(where: str) -> ConfigError:
    return ConfigError(
        f"{where}: nested more than {MAX_DEPTH} levels deep, far more than any crmmigrate file "
        "needs; check that this is the right file and that its brackets are closed"
    )


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
    """'; did you mean 'x'?' or a list of the valid choices when few, else ''.

    Names longer than :data:`MAX_NAME_CHARS` are neither compared (difflib is quadratic) nor
    listed, so a message stays one readable line whatever the candidates are.
    """
    options = sorted(name for name in candidates if len(name) <= MAX_NAME_CHARS)
    best = closest(word, options) if len(word) <= MAX_NAME_CHARS else None
    if best is not None:
        return f"; did you mean {best!r}?"
    if options and len(options) <= 8:
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
