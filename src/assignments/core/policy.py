"""One reader of key-value sheets: the 方案 (policy / plan) sheet of every model.

A key-value sheet has one parameter per row: its name (参数 / parameter, in Chinese or English)
and its value (值 / value). Each model lists the parameters it accepts as :class:`Param` specs
(name in both languages, aliases, a typed kind); :func:`read_params` reads the sheet against
them and returns the parsed values, the row of each, and every problem as a located
:class:`~assignments.core.errors.Issue` (file, sheet, row, column, ``parameter 'name'``).
The model then validates the values with its own pydantic ``Policy`` (defaults and ranges live
there) through :meth:`ParamSheet.validate`, which locates pydantic's errors on the right row.

Kinds
-----
``value``
    The cell as written (text NFKC-normalised); the model's validator checks it.
``int``, ``float``
    A whole number / a number (``12``, ``12.0``, ``"１２"``).
``percent``
    The one rule of every percentage of every model (:func:`parse_percent`): ``55``, ``55%``,
    ``"55 %"`` and a cell formatted as ``55%`` in Excel mean 55 %; a bare number strictly
    between 0 and 1 (``0.55``) is refused as ambiguous, with the two ways to write it.
``bool``
    是/否, yes/no, true/false, 1/0, y/n, √/×, 开/关, on/off, 启用/停用.
``enum``
    One of ``choices`` (accepted text -> value, compared normalised).
``quarter``
    A quarter: ``2027Q1``, ``2027年第1季度``, ... (:meth:`Quarter.parse`).
``list``
    Several values in one cell, separated by 、 , ; / (each through ``item`` if given).

Dotted keys (``weights.promotion``) put the value in a nested dict (``{"weights":
{"promotion": 1000}}``), which pydantic validates into the model's nested field.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from assignments.core.errors import Issue, Location
from assignments.core.i18n import N_, current_lang, tr
from assignments.core.schema import explain_error, parse_yes_no, split_list

__all__ = [
    "ORGANISATION",
    "SWITCH_WORDS",
    "Param",
    "ParamSheet",
    "normalize_name",
    "parse_bool",
    "parse_float",
    "parse_int",
    "parse_percent",
    "read_params",
]

Kind = Literal["value", "int", "float", "percent", "bool", "enum", "quarter", "list"]
M = TypeVar("M", bound=BaseModel)

_ON = {"开", "开启", "启用", "on", "enabled", "enable"}
_OFF = {"关", "关闭", "停用", "off", "disabled", "disable"}
SWITCH_WORDS = frozenset({*_ON, *_OFF, "是", "否", "yes", "no", "true", "false"})
"""Values that switch a rule on or off (see :attr:`Param.switch`)."""


def normalize_name(text: Any) -> str:
    """A parameter name or choice as compared: NFKC, lower case, no spaces, ``_``, ``-``, ``:``."""
    return re.sub(r"[\s_\-:：]+", "", unicodedata.normalize("NFKC", str(text)).strip().lower())


def _text(value: Any) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip()


def _number(value: Any, what: str) -> float:
    def bad() -> ValueError:
        if what == "a number":
            return ValueError(tr("expected a number, got '{value}'", value=value))
        return ValueError(tr("expected a whole number, got '{value}'", value=value))

    if isinstance(value, bool):
        raise bad()
    try:
        number = float(_text(value).replace(",", ""))
    except ValueError:
        raise bad() from None
    if not math.isfinite(number) or (what != "a number" and number != int(number)):
        raise bad()
    return number


def parse_int(value: Any) -> int:
    """A whole number: ``12``, ``12.0``, ``"１２"``; anything else is a ``ValueError``."""
    return int(_number(value, "a whole number"))


def parse_float(value: Any) -> float:
    """A number: ``1.5``, ``"1,500"``, ``"１.５"``."""
    return _number(value, "a number")


def parse_percent(value: Any) -> float:
    """A percentage as a number of percent, by the one rule of every percentage column and
    policy figure of the three models.

    - Marked as a percentage: text ending in ``%`` (``"55%"``, ``"55 %"``, ``"0.5%"``) or a
      cell formatted as a percentage in Excel (:class:`assignments.core.xlsx.Percent`, read as
      the ``55%`` it shows): the number before the ``%``.
    - A bare number 0 or at least 1: that many percent (``55`` -> 55.0, ``1`` -> 1.0).
    - A bare number strictly between 0 and 1 (``0.55``): refused, ``ValueError``. It could be
      55 % written as a fraction or 0.55 %; the message says how to write either. Never
      guessed.
    """
    bad = tr("expected a percentage like 55 or 55%, got '{value}'", value=value)
    if value is None or isinstance(value, bool):
        raise ValueError(bad)
    text = _text(value)
    marked = text.endswith("%")
    try:
        number = float(text.rstrip("%").strip().replace(",", ""))
    except ValueError:
        raise ValueError(bad) from None
    if not math.isfinite(number):
        raise ValueError(bad)
    if not marked and 0 < number < 1:
        whole = f"{number * 100:.10g}"
        raise ValueError(tr(
            "'{text}' is ambiguous: write {whole} or {whole}% for {whole} percent, or {text}% "
            "for {text} percent", text=text, whole=whole))
    return number


def parse_bool(value: Any) -> bool:
    """Yes or no: 是/否, yes/no, true/false, 1/0, 开/关, on/off, 启用/停用 (and √/×)."""
    text = normalize_name(value)
    if text in _ON:
        return True
    if text in _OFF:
        return False
    if value is None or text in ("", "-"):
        raise ValueError(tr("expected yes/no (是/否), got '{value}'", value=value))
    return bool(parse_yes_no(value))


@dataclass(frozen=True)
class Param:
    """One parameter of a key-value sheet.

    Attributes
    ----------
    key
        Where the value goes: the model's field name, or ``"field.sub"`` for a nested dict.
    zh, en
        Its name in Chinese and in English (both accepted; listed in messages).
    aliases
        Other accepted names. The key itself (``first_quarter``) is accepted too.
    kind
        How the cell is read (see the module doc).
    choices
        ``enum``: accepted text -> value (compared normalised).
    expected
        ``enum``: the message's list of choices (default: every accepted text).
    item
        ``list``: applied to every item (a ``ValueError`` is the message).
    parse
        Replaces ``kind``: value -> parsed value (a ``ValueError`` is the located message).
    switch
        A value such as 关/开/off/on/是/否 on this row sets this (bool) key instead: ``产业占比 =
        关`` switches rule F2 off while ``产业占比 = 60`` sets the share.
    required, example
        A required parameter missing from the sheet gives ``parameter 起始季度 (first
        quarter) is required, e.g. 2027Q1``.
    error
        Message template for a refused value (``{value}`` is the cell); default per kind.
    """

    key: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()
    kind: Kind = "value"
    choices: Mapping[str, Any] | None = None
    expected: str | None = None
    item: Callable[[str], Any] | None = None
    parse: Callable[[Any], Any] | None = None
    switch: str | None = None
    required: bool = False
    example: str | None = None
    error: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """Every name accepted for this parameter, Chinese first."""
        return (self.zh, self.en, *self.aliases)

    def read(self, value: Any) -> Any:
        """The parsed value of a (non-empty) cell; ``ValueError`` with the user's message."""
        try:
            return self._read(value)
        except ValueError as exc:
            if self.error is None:
                raise
            raise ValueError(self.error.format(value=value, name=self.zh)) from exc

    def _read(self, value: Any) -> Any:
        if self.parse is not None:
            return self.parse(value)
        kind = self.kind
        if kind == "value":
            return unicodedata.normalize("NFKC", value) if isinstance(value, str) else value
        if kind == "int":
            return parse_int(value)
        if kind == "float":
            return parse_float(value)
        if kind == "percent":
            return parse_percent(value)
        if kind == "bool":
            return parse_bool(value)
        if kind == "quarter":
            from assignments.core.calendar import Quarter

            return Quarter.parse(value)
        if kind == "list":
            items = split_list(value if not isinstance(value, float | int) else str(value))
            return [self.item(p) for p in items] if self.item else list(items)
        if kind == "enum":
            choices = {normalize_name(k): v for k, v in (self.choices or {}).items()}
            text = normalize_name(value)
            if text in choices:
                return choices[text]
            expected = self.expected or ", ".join(sorted(self.choices or {}))
            raise ValueError(tr("expected one of {expected}, got '{value}'", expected=expected,
                                value=value))
        raise AssertionError(f"unknown parameter kind {kind!r}")


def _lookup(params: Iterable[Param]) -> dict[str, Param]:
    """Normalised name -> parameter; a name is claimed by the first parameter that lists it."""
    out: dict[str, Param] = {}
    for p in params:
        for name in (*p.names, p.key):
            out.setdefault(normalize_name(name), p)
    return out


def _has_cjk(text: str) -> bool:
    return any(unicodedata.east_asian_width(ch) in "WF" for ch in text)


@dataclass
class ParamSheet:
    """What :func:`read_params` found: parsed values, their rows, and every problem.

    Attributes
    ----------
    values
        Key -> parsed value for every recognised row with a value (dotted keys nested).
    names
        Key -> the parameter name as the user wrote it.
    issues
        Located problems (unknown names, refused values, missing required parameters).
    """

    table: Any
    params: tuple[Param, ...]
    values: dict[str, Any] = field(default_factory=dict)
    rows: dict[str, Any] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)

    @property
    def present(self) -> bool:
        """The sheet exists in the input."""
        return self.table is not None

    def get(self, key: str, default: Any = None) -> Any:
        """A value by (dotted) key."""
        node: Any = self.values
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    def loc(self, key: str | None) -> Location:
        """Where the value of ``key`` is (its row's value cell), named by the user's name."""
        if self.table is None:
            return Location()
        row = self.rows.get(key) if key is not None else None
        name = self.names.get(key, key) if key is not None else None
        return self.table.loc(row, "value",
                              tr("parameter '{name}'", name=name) if name else None)

    def _key_of(self, loc: Sequence[Any]) -> str:
        parts = [str(p) for p in loc]
        for n in range(len(parts), 0, -1):
            key = ".".join(parts[:n])
            if key in self.rows:
                return key
        return parts[0] if parts else ""

    def validate(self, model: type[M], raw: Mapping[str, Any]) -> M | None:
        """``model.model_validate(raw)``; its errors become located issues (``None`` then)."""
        try:
            return model.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                self.issues.append(Issue(self.loc(self._key_of(err["loc"])),
                                         explain_error(dict(err))))
            return None

    def add(self, key: str, message: str) -> None:
        """Report a problem with ``key``'s value (a cross-parameter check of the model)."""
        self.issues.append(Issue(self.loc(key), message))


def _put(values: dict[str, Any], key: str, value: Any) -> None:
    *path, last = key.split(".")
    node = values
    for part in path:
        node = node.setdefault(part, {})
    node[last] = value


def read_params(
    table: Any,
    params: Sequence[Param],
    *,
    name_column: str = "parameter",
    value_column: str = "value",
    what: str = "parameter",
) -> ParamSheet:
    """Read a key-value sheet (``table``: a :class:`~assignments.core.io.Table` or ``None``).

    Every row names a parameter in ``name_column`` and gives its value in ``value_column``;
    rows without a name are skipped, rows without a value leave the default. An unknown name
    is reported on its row with the known names in the language the user wrote it in.

    Returns
    -------
    ParamSheet
        Values, rows and issues; ``sheet.validate(Policy, {...})`` builds the model.
    """
    specs = tuple(params)
    sheet = ParamSheet(table, specs)
    if table is None:
        return sheet
    lookup = _lookup(specs)
    for row in table.rows:
        name = row.values.get(name_column)
        if name is None or not str(name).strip():
            continue
        param = lookup.get(normalize_name(name))
        if param is None:
            zh = _has_cjk(str(name))
            known = ", ".join(dict.fromkeys(p.zh if zh else p.en for p in specs))
            sheet.issues.append(Issue(table.loc(row, name_column),
                                      tr("unknown {what} '{name}'; known: {known}",
                                         what=_what(what), name=name, known=known)))
            continue
        value = row.values.get(value_column)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        sheet.rows[param.key] = row
        sheet.names[param.key] = str(name)
        if param.switch is not None and normalize_name(value) in SWITCH_WORDS:
            sheet.rows[param.switch] = row
            sheet.names[param.switch] = str(name)
            _put(sheet.values, param.switch, parse_bool(value))
            continue
        try:
            _put(sheet.values, param.key, param.read(value))
        except ValueError as exc:
            sheet.issues.append(Issue(sheet.loc(param.key), str(exc)))
    for p in specs:
        if p.required and p.key not in sheet.rows:
            example = tr(", e.g. {example}", example=p.example) if p.example else ""
            spec = next((c for c in table.spec.columns if c.key == value_column), None)
            header = spec.header if spec is not None else value_column
            sheet.issues.append(Issue(
                Location(table.file, table.sheet, None, header),
                tr("{what} {name} is required", what=_what(what),
                   name=p.zh if current_lang() == "zh" else f"{p.zh} ({p.en})") + example))
    return sheet


def _what(what: str) -> str:
    """What a settings sheet calls its rows, in the current language."""
    return {"parameter": tr("parameter"), "setting": tr("setting")}.get(what, what)


# ---------------------------------------------------------------- the template's 方案 sheet

_YES_NO = ("是", "否")


def _default_of(model: type[BaseModel], key: str) -> Any:
    """The default of a (dotted) policy key: the model field's default, then the nested
    model's attribute or dict entry (``weights.promotion``, ``title_rule.minimum``)."""
    first, *rest = key.split(".")
    info = model.model_fields.get(first)
    if info is None:
        return None
    value = info.get_default(call_default_factory=True)
    for part in rest:
        value = value.get(part) if isinstance(value, Mapping) else getattr(value, part, None)
    return value


def _shown(value: Any, param: Param, lang: str) -> Any:
    """A default as an office would type it in the 值 column."""
    from enum import Enum

    if param.kind == "enum" and param.choices:
        keys = [k for k, v in param.choices.items() if v == value]
        preferred = [k for k in keys if _has_cjk(k) == (lang == "zh")]
        return (preferred or keys or [value])[0]
    if isinstance(value, bool):
        return tr("yes", lang=lang) if value else tr("no", lang=lang)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list | tuple):
        return "、".join(str(_shown(v, param, lang)) for v in value)
    if isinstance(value, int | float | str) or value is None:
        return value
    return str(value)


def _bounds(model: type[BaseModel], key: str) -> tuple[Any, Any]:
    """The ``ge``/``gt`` and ``le``/``lt`` bounds of a top-level field (``None`` if none)."""
    info = model.model_fields.get(key)
    low = high = None
    for m in getattr(info, "metadata", ()):
        low = getattr(m, "ge", getattr(m, "gt", low))
        high = getattr(m, "le", getattr(m, "lt", high))
    return low, high


def _allowed(param: Param, model: type[BaseModel], lang: str) -> str:
    """The allowed values of a parameter, from its kind and the model's bounds."""
    low, high = _bounds(model, param.key)
    span = ""
    if low is not None and high is not None:
        span = f"{low:g}–{high:g}"
    elif low is not None:
        span = f"≥ {low:g}"
    if param.kind == "bool":
        return tr("是 or 否 (yes or no); 开/关 also accepted")
    if param.kind == "enum" and param.choices:
        names = [k for k in param.choices if _has_cjk(k) == (lang == "zh")]
        return tr("one of {values}", values="、".join(names or list(param.choices)))
    if param.kind == "int":
        return tr("a whole number {range}", range=span).strip()
    if param.kind == "float":
        return tr("a number {range}", range=span).strip()
    if param.kind == "percent":
        return tr("a percentage 0–100, e.g. 55 or 55%")
    if param.kind == "quarter":
        return tr("a quarter, e.g. 2027Q1")
    if param.kind == "list":
        return tr("several values separated by 、")
    return ""


def param_rows(params: Sequence[Param], model: type[BaseModel], notes: Mapping[str, str], *,
               shown: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """The template's 方案 rows: every parameter of ``params`` with its default as the value
    (``shown`` overrides a default that has no plain written form, e.g. ``None`` = 过半) and a
    说明 giving its meaning and unit (``notes``: key -> English msgid marked with ``N_``, in
    the current language here), its allowed values and its default. Yes/no and choice
    parameters carry a drop-down on their value cell (``_choices``)."""
    from assignments.core.i18n import catalogue

    lang = current_lang()
    table = catalogue(lang) if lang != "en" else {}
    rows: list[dict[str, Any]] = []
    for p in params:
        if shown and p.key in shown:
            value = shown[p.key]
        elif p.example is not None:
            value = p.example
        else:
            value = _shown(_default_of(model, p.key), p, lang)
        meaning = table.get(notes.get(p.key, ""), notes.get(p.key, ""))
        parts = [meaning, _allowed(p, model, lang)]
        parts.append(tr("required") if p.required else tr("default: {value}", value=value))
        row: dict[str, Any] = {"parameter": p.zh if lang == "zh" else p.en, "value": value,
                               "note": "；".join(x for x in parts if x) if lang == "zh"
                               else "; ".join(x for x in parts if x)}
        if p.kind == "bool" or p.switch:
            if p.kind == "bool":
                row["_choices"] = {"value": _YES_NO if lang == "zh" else ("yes", "no")}
        elif p.kind == "enum" and p.choices:
            names = tuple(k for k in p.choices if _has_cjk(k) == (lang == "zh"))
            row["_choices"] = {"value": names or tuple(p.choices)}
        rows.append(row)
    return rows


ORGANISATION = Param(
    "organisation", "单位名称", "organisation",
    ("organization", "机构名称", "医院名称", "教育局名称", "县名称", "hospital", "bureau",
     "county"),
)
"""The office that publishes the outputs (hospital, education bureau, county), accepted in the
方案 sheet of every model under any of its names: printed in the page header of every Excel
output and on the notices (PDF); nothing is printed in its place when it is not given."""

ORGANISATION_NOTE = N_("the office that publishes the plan (hospital, education bureau, county "
                       "office): printed in the page header of every Excel output and on the "
                       "notice; leave it empty to print no name")
"""The template's 说明 of :data:`ORGANISATION` (each model's ``PARAM_NOTES`` lists it)."""
