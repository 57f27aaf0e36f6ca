"""Help and parse messages of the command line in the chosen language (issue #19).

Typer builds every command's help when the command modules are imported, before ``--lang`` is
parsed. So the language of the command line is decided first, from the raw arguments
(:func:`assignments.core.i18n.lang_from_argv`: ``--lang X`` / ``--lang=X``, else
``$ASSIGNMENTS_LANG``, else Chinese) when :mod:`assignments.core.cli` is imported — every
command module imports it before its own help texts — and every ``help=`` text is written as
``tr("English text")``.

:func:`localize_click` makes what typer (and the click it carries, ``typer._click``) prints
itself follow it: the ``--help`` option's text, ``Usage:``, the panel titles, ``[default: …]``,
``[required]``, and the usage errors (``Missing argument``, ``No such option`` …: their English
text is matched and said again through the catalogue, :data:`_ERRORS`).
It also stops the rich help from showing a ``<bool>`` type beside every flag (typer ≥ 0.20
shows the value type of every option, flags included, ``--help`` too; a flag takes no value).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from assignments.core.i18n import current_lang, tr

__all__ = ["localize_click"]


def _texts() -> dict[str, str]:
    """typer's own words (its English text → the current language)."""
    return {
        "(deprecated) ": tr("(deprecated) "),
        "[default: {}]": tr("[default: {}]"),
        "[env var: {}]": tr("[env var: {}]"),
        "[required]": tr("[required]"),
        "Arguments": tr("Arguments"),
        "Options": tr("Options"),
        "Commands": tr("Commands"),
        "Error": tr("Error"),
        "Aborted.": tr("Aborted."),
        "Try [blue]'{command_path} {help_option}'[/] for help.":
            tr("Try [blue]'{command_path} {help_option}'[/] for help."),
    }


_RICH_CONSTANTS = {
    "DEPRECATED_STRING": "(deprecated) ",
    "DEFAULT_STRING": "[default: {}]",
    "ENVVAR_STRING": "[env var: {}]",
    "REQUIRED_LONG_STRING": "[required]",
    "ARGUMENTS_PANEL_TITLE": "Arguments",
    "OPTIONS_PANEL_TITLE": "Options",
    "COMMANDS_PANEL_TITLE": "Commands",
    "ERRORS_PANEL_TITLE": "Error",
    "ABORTED_TEXT": "Aborted.",
    "RICH_HELP": "Try [blue]'{command_path} {help_option}'[/] for help.",
}


def _error_texts() -> list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]]:
    """The usage errors of typer's click (English, made with f-strings) and how to say them."""
    return [
        (re.compile(r"Missing argument (?P<name>.+)\.$", re.S),
         lambda m: tr("Missing argument {name}.", name=m["name"])),
        (re.compile(r"Missing option (?P<name>.+)\.$", re.S),
         lambda m: tr("Missing option {name}.", name=m["name"])),
        (re.compile(r"Missing (?:parameter|argument|option)(?P<name>.*?)\.?$", re.S),
         lambda m: tr("Missing value{name}.", name=m["name"])),
        (re.compile(r"Invalid value for (?P<name>.+?): (?P<message>.*)$", re.S),
         lambda m: tr("Invalid value for {name}: {message}", name=m["name"],
                      message=_say_error(m["message"]))),
        (re.compile(r"Invalid value: (?P<message>.*)$", re.S),
         lambda m: tr("Invalid value: {message}", message=_say_error(m["message"]))),
        (re.compile(r"No such option: (?P<name>\S+)(?P<rest>.*)$", re.S),
         lambda m: tr("No such option: {name}", name=m["name"]) + _say_error(m["rest"])),
        (re.compile(r"\s*\(?Possible options: (?P<names>.+?)\)?$", re.S),
         lambda m: tr(" (possible options: {names})", names=m["names"])),
        (re.compile(r"\s*\(?Did you mean (?P<names>.+?)\??\)?$", re.S),
         lambda m: tr(" (did you mean {names}?)", names=m["names"])),
        (re.compile(r"No such command (?P<name>.+?)\.(?P<rest>.*)$", re.S),
         lambda m: tr("No such command {name}.", name=m["name"]) + _say_error(m["rest"])),
        (re.compile(r"Got unexpected extra arguments? ?\(s?\)? ?\((?P<args>.*)\)$", re.S),
         lambda m: tr("Unexpected extra arguments ({args})", args=m["args"])),
        (re.compile(r"Option (?P<name>.+?) requires an argument\.$", re.S),
         lambda m: tr("Option {name} requires a value.", name=m["name"])),
        (re.compile(r"Option (?P<name>.+?) does not take a value\.$", re.S),
         lambda m: tr("Option {name} does not take a value.", name=m["name"])),
        (re.compile(r"(?P<value>.+?) is not a valid (?P<kind>integer|float|boolean)"
                    r"(?: range)?\.?$", re.S),
         lambda m: tr("{value} is not a valid number.", value=m["value"])
         if m["kind"] != "boolean" else tr("{value} is not yes or no.", value=m["value"])),
        (re.compile(r"(?P<value>.+?) is not one of (?P<choices>.+?)\.$", re.S),
         lambda m: tr("{value} is not one of {choices}.", value=m["value"],
                      choices=m["choices"])),
        (re.compile(r"Input should be a valid integer.*$", re.S),
         lambda m: tr("a whole number is expected")),
        (re.compile(r"Input should be a valid number.*$", re.S),
         lambda m: tr("a number is expected")),
        (re.compile(r"Input should be a valid boolean.*$", re.S),
         lambda m: tr("yes or no is expected")),
        (re.compile(r"(?P<kind>File|Directory|Path) (?P<name>.+?) does not exist\.$", re.S),
         lambda m: tr("{name} does not exist.", name=m["name"])),
        (re.compile(r"(?P<kind>File|Directory|Path) (?P<name>.+?) is a directory\.$", re.S),
         lambda m: tr("{name} is a folder, not a file.", name=m["name"])),
        (re.compile(r"(?P<kind>File|Directory|Path) (?P<name>.+?) is a file\.$", re.S),
         lambda m: tr("{name} is a file, not a folder.", name=m["name"])),
    ]


def _say_error(message: str) -> str:
    """A usage error of typer's click in the current language (unknown ones as they are)."""
    if current_lang() == "en" or not message:
        return message
    for pattern, say in _error_texts():
        m = pattern.match(message)
        if m:
            return say(m)
    return message


_done: list[bool] = []


def localize_click() -> None:
    """Route typer's own texts through the catalogue (in the language current when they are
    printed) and drop the ``<bool>`` type of flags from the rich help. Once per process."""
    if _done:
        return
    _done.append(True)
    from typer import _click, core

    option: Any = core.TyperOption
    shown: Callable[..., str | None] = option.display_type_rich

    def display_type_rich(self: Any, ctx: Any) -> str | None:
        if getattr(self, "is_flag", False) and not getattr(self, "count", False):
            return None  # a flag takes no value: no "<bool>" beside it
        return shown(self, ctx)

    option.display_type_rich = display_type_rich

    command: Any = _click.core.Command
    get_help_option = command.get_help_option

    def help_option(self: Any, ctx: Any) -> Any:
        opt = get_help_option(self, ctx)
        if opt is not None:
            opt.help = tr("Show this message and exit.")
        return opt

    command.get_help_option = help_option

    formatter: Any = _click.formatting.HelpFormatter
    write_usage = formatter.write_usage

    def usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        write_usage(self, prog, args, tr("Usage:") + " " if prefix is None else prefix)

    formatter.write_usage = usage

    from typer.exceptions import TyperException

    for cls in (TyperException, _click.exceptions.ClickException, _click.exceptions.UsageError,
                _click.exceptions.BadParameter, _click.exceptions.MissingParameter,
                _click.exceptions.NoSuchOption):
        _wrap_message(cls)
    _wrap_rich()


def _wrap_message(cls: Any) -> None:
    if "format_message" not in vars(cls):
        return
    plain = cls.format_message

    def format_message(self: Any) -> str:
        return _say_error(plain(self))

    cls.format_message = format_message


def _fold(text: Any) -> Any:
    if hasattr(text, "overflow") and hasattr(text, "no_wrap"):  # a rich Text
        text.overflow = "fold"
    return text


def _wrap_rich() -> None:
    """typer's rich help reads its titles from module constants made at its import: they are
    set again, in the current language, before each help page or error is printed."""
    try:
        from typer import rich_utils
    except ImportError:  # rich not installed: the plain help, already routed
        return
    mod: Any = rich_utils

    def refresh() -> None:
        texts = _texts()
        for name, english in _RICH_CONSTANTS.items():
            if hasattr(mod, name):
                setattr(mod, name, texts[english])

    # Chinese has no spaces to wrap at: fold long help lines instead of cutting them with "…"
    make_text = mod._make_rich_text

    def make_rich_text(*args: Any, **kwargs: Any) -> Any:
        return _fold(make_text(*args, **kwargs))

    mod._make_rich_text = make_rich_text
    parameter_help = mod._get_parameter_help

    def get_parameter_help(*args: Any, **kwargs: Any) -> Any:
        columns = parameter_help(*args, **kwargs)
        for item in getattr(columns, "renderables", ()):
            _fold(item)
        return columns

    mod._get_parameter_help = get_parameter_help

    for name in ("rich_format_help", "rich_format_error", "rich_abort_error"):
        fn = getattr(mod, name, None)
        if fn is None:
            continue

        def wrapped(*args: Any, __fn: Any = fn, **kwargs: Any) -> Any:
            refresh()
            return __fn(*args, **kwargs)

        setattr(mod, name, wrapped)
    refresh()
