"""The format's own complaints (pydantic's validation errors) as problems an operator can act on.

Each pydantic error type maps to one of the line's problem codes (:data:`SHAPE_CODES`),
and its location to the path of the value written in the file. A value left empty is
not reported here: :meth:`ivr.definition.source.SourceDocument.empty_problems` reports it
once, whatever the format would have said about it.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from ivr.definition.formats import RETIRED_FIELDS
from ivr.definition.model import NODE_TYPES, known_field_names
from ivr.definition.problems import Problem, did_you_mean, error
from ivr.definition.source import Path, SourceDocument

#: Pydantic's error types -> the line's problem codes; any other type is ``invalid-value``.
SHAPE_CODES = {
    "extra_forbidden": "unknown-field",
    "missing": "missing-field",
    "union_tag_not_found": "missing-type",
    "union_tag_invalid": "unknown-type",
    "int_parsing": "not-a-whole-number",
    "int_type": "not-a-whole-number",
    "int_from_float": "not-a-whole-number",
    "float_parsing": "not-a-number",
    "float_type": "not-a-number",
    "bool_parsing": "not-true-or-false",
    "bool_type": "not-true-or-false",
    "greater_than_equal": "out-of-range",
    "less_than_equal": "out-of-range",
    "greater_than": "out-of-range",
    "less_than": "out-of-range",
    "string_type": "wrong-shape",
    "list_type": "wrong-shape",
    "dict_type": "wrong-shape",
    "model_type": "wrong-shape",
    "model_attributes_type": "wrong-shape",
}
UNKNOWN_SHAPE_CODE = "invalid-value"

#: What a value of the wrong shape should have been, by pydantic error type.
_WANTED = {"string_type": "a text", "list_type": "a list", "dict_type": "a mapping of names to texts"}
_MAPPINGS = ("dict_type", "model_type", "model_attributes_type")


def shape_problems(exc: ValidationError, source: SourceDocument) -> list[Problem]:
    """One problem per mistake, at the value (or key) to edit, in the file's order."""
    fields = known_field_names()
    empty = set(source.empty)
    problems: dict[tuple[Path, str], Problem] = {}
    for err in exc.errors():
        kind = err["type"]
        value = err.get("input")
        # For "text or one text per language" and "name or {go: ...}" unions, keep the
        # complaint about the branch whose shape the operator actually wrote.
        if kind == "string_type" and isinstance(value, (dict, list)):
            continue
        if kind in _MAPPINGS and isinstance(value, str):
            continue
        path = data_path(err["loc"], source.data)
        if value is None and path in empty:
            continue  # an empty value: reported once, as empty-value
        where = ".".join(str(p) for p in path) or "the file"
        name = str(err["loc"][-1]) if err["loc"] else ""
        key = False
        hint = ""
        if kind == "extra_forbidden":
            message = f"unknown field {name!r}"
            hint = RETIRED_FIELDS.get(name) or did_you_mean(name, fields) or "remove it, or check the spelling"
            key = True
        elif kind == "missing":
            message = f"{where} needs a {name!r} field"
            key = True
        elif kind == "union_tag_not_found":
            message = f"node {path[-1]!r} needs a 'type:' ({', '.join(NODE_TYPES)})"
            key = True
        elif kind == "union_tag_invalid":
            tag = str(err.get("ctx", {}).get("tag", ""))
            message = f"{tag!r} is not a kind of node"
            hint = did_you_mean(tag, NODE_TYPES) or f"use one of: {', '.join(NODE_TYPES)}"
            path = path + ("type",)
        elif SHAPE_CODES.get(kind) == "not-a-whole-number":
            message = f"{where} must be a whole number, not {_describe(value)}"
        elif SHAPE_CODES.get(kind) == "out-of-range":
            message = f"{where} is {value}: {err['msg'].lower()}"
        elif SHAPE_CODES.get(kind) == "wrong-shape":
            message = f"{where} must be {_WANTED.get(kind, 'a mapping of fields')}, not {_describe(value)}"
        else:
            message = f"{where}: {err['msg']}"
        at = source.position(path, key=key)
        code = SHAPE_CODES.get(kind, UNKNOWN_SHAPE_CODE)
        problems.setdefault((path, message), error(at.line, at.column, message, hint, code=code))
    return sorted(problems.values())


def data_path(loc: tuple[Any, ...], data: Any) -> Path:
    """Map a pydantic error location onto the document's data, dropping union/tag names."""
    path: list[str | int] = []
    current = data
    for part in loc:
        in_mapping = isinstance(current, dict) and part in current
        in_list = isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)
        if in_mapping or in_list:
            path.append(part)
            current = current[part]
    return tuple(path)


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)
