"""The one ``solve`` command of every model, and the pieces every command line shares.

``assignments roster|mentoring|funding solve FILE --out DIR`` are one command made by
:func:`solve_command` from a model's :class:`SolveSpec` (its reader, solve, writer, summary,
engines and extra options). It owns:

* the common options and their help: ``--out``, ``--time-limit``, ``--seed``, ``--workers``,
  ``--deterministic``, ``--preset``, ``--engine``, ``--progress/--quiet``, ``--lang``;
* reading, with every problem located (exit 2, no traceback);
* the solve call in the one signature (``time_limit``, ``seed``, ``num_workers``,
  ``deterministic``, ``preset``, ``engine``, ``on_progress``/``stop`` when the model's solve
  takes them, else ``progress``);
* writing the outputs only when reading and solving succeeded (staged by the model's writer:
  nothing half-written);
* the summary and the exit code: 0 a solution, 1 none exists (or none found in time), 2 a user
  mistake, 130 interrupted.

Ctrl-C: when the model's solve takes ``stop``, the solve runs in a worker thread and the first
Ctrl-C sets ``stop``: the solve ends with its best solution so far, checked, which is written
(exit 130); a second Ctrl-C quits at once, writing nothing. Otherwise Ctrl-C ends the command
with exit 130 and nothing written. A Ctrl-C while the outputs are being written waits for them
to be complete.
"""

from __future__ import annotations

import importlib
import inspect
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from assignments.core.cli_i18n import localize_click
from assignments.core.errors import InputError, UserError, os_reason
from assignments.core.i18n import ENV_VAR, lang_from_argv, set_lang, tr

__all__ = [
    "INTERRUPTED",
    "SPECS",
    "Deterministic",
    "InputPath",
    "Lang",
    "OutDir",
    "Preset",
    "ProgressFlag",
    "ProgressPrinter",
    "Seed",
    "SolveSpec",
    "TimeLimit",
    "Workers",
    "check_lang",
    "engine_option",
    "fail",
    "solve_call",
    "solve_command",
    "template_command",
]

INTERRUPTED = 130
"""Exit code after Ctrl-C (128 + SIGINT), as shells use."""

# ------------------------------------------------------------------ the help's language

# Help texts are built when the command modules are imported, before --lang is parsed: the
# language is read from the raw command line (or $ASSIGNMENTS_LANG) now, when this module is
# imported (every command module imports it before making its own help texts, all of them
# written help=tr("English text")), and typer's own words follow it (see core/cli_i18n.py).
HELP_LANG = lang_from_argv()
set_lang(HELP_LANG)
localize_click()

# ------------------------------------------------------------------ common options

InputPath = Annotated[
    Path,
    typer.Argument(help=tr("Input workbook (.xlsx, .xls, .ods, .et), CSV folder, .json or .yaml.")),
]
def _writable_out(value: Path | None) -> Path | None:
    """``--out`` is checked when the command line is read, before any input is read or solved:
    a file, a path under a file or a folder that cannot be written is said at once (exit 2)."""
    if value is None:
        return value
    from assignments.core.io import check_output_dir

    try:
        check_output_dir(value)
    except UserError as exc:
        raise typer.BadParameter(str(exc)) from None
    return value


OutDir = Annotated[
    Path, typer.Option("--out", help=tr("Output folder."), callback=_writable_out)
]
TimeLimit = Annotated[float, typer.Option("--time-limit", help=tr("Seconds (whole solve)."))]
Seed = Annotated[int, typer.Option("--seed", help=tr("Random seed."))]
Workers = Annotated[int, typer.Option("--workers", help=tr("CP-SAT workers (cores)."))]
Deterministic = Annotated[
    bool,
    typer.Option(
        "--deterministic",
        help=tr("Same answer for the same input and seed, even when the time limit is hit."),
    ),
]
Lang = Annotated[str, typer.Option(
    "--lang", envvar=ENV_VAR, help=tr("Language of the outputs and messages: zh or en."))]
Preset = Annotated[
    str | None,
    typer.Option("--preset", help=tr(
        "CP-SAT parameter preset in configs/ (default, fast, quality).")),
]
ProgressFlag = Annotated[
    bool | None,
    typer.Option(
        "--progress/--quiet",
        help=tr("Print progress (level, best solution, bound, time) to stderr; default: on "
                "when --time-limit is 10 s or more."),
    ),
]


def engine_option(help_text: str) -> Any:
    """The ``--engine`` option with a model's own help (its engines and when ``auto`` picks
    which)."""
    return Annotated[str, typer.Option("--engine", help=help_text)]


def fail(message: str, code: int = 2) -> NoReturn:
    """Print ``message`` to stderr and leave with ``code`` (no traceback)."""
    typer.echo(message, err=True)
    raise typer.Exit(code)


def check_lang(lang: str) -> str:
    """Accept ``zh`` or ``en``; anything else is a user mistake."""
    if lang not in ("zh", "en"):
        fail(tr("--lang must be zh or en, got '{value}'", value=lang))
    set_lang(lang)
    return lang


# ------------------------------------------------------------------ the model's part


@dataclass(frozen=True)
class Option:
    """A model's own option of its solve command (``--strict-calendar``, ``--no-marginal``)."""

    name: str
    annotation: Any
    default: Any


@dataclass(frozen=True)
class SolveSpec:
    """What one model's ``solve`` command needs. Dotted paths (``"pkg.module:name"``) are
    imported when the command runs, so that ``--help`` stays quick.

    Attributes
    ----------
    model
        ``roster``, ``mentoring`` or ``funding`` (for messages).
    doc
        The command's help text.
    read
        ``read(workbook, options) -> data`` (``options``: the model's own options by name).
    solve
        The model's ``solve(data, *, time_limit, seed, num_workers, deterministic, preset,
        engine, on_progress, stop, progress, ...)`` (default: ``assignments.<model>.solve``).
    write
        ``write_outputs(data, result, out, *, lang, **after) -> list of paths`` (default: the
        model's ``report.write_outputs``).
    summary
        ``summary_lines(data, result, *, lang, **after) -> list of lines`` (default: the
        model's ``report.summary_lines``).
    engines, engine_help
        Accepted ``--engine`` values (the first is the default) and the option's help.
    after
        ``after(data, result, args) -> dict``: more figures for ``write`` and ``summary``,
        computed after a successful solve (funding: marginal values); skipped after Ctrl-C.
    options
        The model's own options.
    time_limit
        Default ``--time-limit``.
    """

    model: str
    doc: str
    read: Callable[[Path, Mapping[str, Any]], Any]
    solve: str | Callable[..., Any] = ""
    write: str | Callable[..., list[Path]] = ""
    summary: str | Callable[..., list[str]] = ""
    engines: tuple[str, ...] = ("auto", "cpsat", "highs")
    engine_help: str = "auto, cpsat or highs."
    after: Callable[[Any, Any, Mapping[str, Any]], dict[str, Any]] | None = None
    options: tuple[Option, ...] = field(default=())
    time_limit: float = 60.0

    def part(self, name: str) -> Callable[..., Any]:
        """``solve``, ``write`` or ``summary``: given, or the model's by convention."""
        default = {"solve": "solve:solve", "write": "report:write_outputs",
                   "summary": "report:summary_lines"}[name]
        return _resolve(getattr(self, name) or f"assignments.{self.model}.{default}")


def _resolve(target: str | Callable[..., Any]) -> Callable[..., Any]:
    if callable(target):
        return target
    module, _, name = target.partition(":")
    fn: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return fn


# ------------------------------------------------------------------ progress


class ProgressPrinter:
    """An ``on_progress`` callback printing one line per level change, at most one a second
    otherwise: ``[roster:promotion]   3.2s  best 12  bound 10  gap 16.67%  cp-sat``."""

    def __init__(self, model: str, stream: Any = None, every: float = 1.0) -> None:
        self.model = model
        self.stream = stream
        self.every = every
        self._last: tuple[str, float] | None = None
        self._lock = threading.Lock()

    def __call__(self, p: Any) -> None:
        now = time.perf_counter()
        with self._lock:
            if self._last is not None and self._last[0] == p.level and \
                    now - self._last[1] < self.every:
                return
            self._last = (p.level, now)
        parts = [f"[{self.model}:{p.level}] {p.elapsed:6.1f}s"]
        if p.incumbent is not None:
            parts.append(tr("best {value:,.6g}", value=p.incumbent))
        if p.bound is not None:
            parts.append(tr("bound {value:,.6g}", value=p.bound))
        gap = getattr(p, "gap", None)
        if gap is not None:
            parts.append(tr("gap {value:.2%}", value=gap))
        if p.message:
            parts.append(_progress_words(p.message))
        print("  ".join(parts), file=self.stream or sys.stderr, flush=True)


def _progress_words(message: str) -> str:
    """A progress message of the engines (a fixed English word that programs may also read:
    ``level done``, ``cp-sat``) in the current language for the printed line."""
    words = {
        "level done": tr("level done"),
        "highs level done": tr("HiGHS level done"),
        "roster checked": tr("roster checked"),
        "start plan": tr("start plan"),
        "lns: Lagrangian and local search": tr("lns: Lagrangian and local search"),
        "lns: branch-and-bound": tr("lns: branch-and-bound"),
    }
    if message in words:
        return words[message]
    head, _, tail = message.partition(", ")
    if tail == "checked":  # "<status>, checked"
        from assignments.core.solver import SolveStatus

        try:
            return tr("{status}, checked", status=SolveStatus(head).text())
        except ValueError:
            return message
    return message


def solve_call(
    solve: Callable[..., Any],
    *,
    time_limit: float,
    seed: int,
    workers: int,
    deterministic: bool,
    preset: str | None,
    engine: str,
    progress: bool,
    on_progress: Callable[[Any], None] | None = None,
    stop: Any = None,
    threaded: bool = False,
    lang: str | None = None,
) -> dict[str, Any]:
    """The keyword arguments of one call to a model's ``solve``: the one signature, trimmed to
    what this ``solve`` accepts (``on_progress``/``stop`` are passed when it takes them, else
    progress is printed by the solve itself with ``progress=True``; ``lang`` when it takes it:
    the language of its explanation lines)."""
    sig = inspect.signature(solve)
    takes = set(sig.parameters)
    extra_ok = any(p.kind is p.VAR_KEYWORD for p in sig.parameters.values())
    kwargs: dict[str, Any] = {"time_limit": time_limit, "seed": seed, "num_workers": workers,
                              "deterministic": deterministic, "engine": engine}
    if preset is not None:
        if "preset" not in takes:
            raise UserError(tr("--preset is not supported by this model's solve"))
        kwargs["preset"] = preset
    if "on_progress" in takes and on_progress is not None:
        kwargs["on_progress"] = on_progress if progress else None
        kwargs["progress"] = False
    else:
        kwargs["progress"] = progress
    if "stop" in takes and stop is not None:
        kwargs["stop"] = stop
    if "lang" in takes and lang is not None:
        kwargs["lang"] = lang
    if threaded and extra_ok:
        # CP-SAT's own Ctrl-C handler works only in the thread that called it (it aborts the
        # process when the signal reaches another thread): the command owns Ctrl-C instead.
        kwargs["catch_sigint_signal"] = False
    return kwargs


# ------------------------------------------------------------------ Ctrl-C


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _run_stoppable(work: Callable[[], Any], stop: threading.Event, name: str) -> tuple[Any, bool]:
    """Run ``work`` in a worker thread; the first Ctrl-C sets ``stop``, the second quits."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = work()
        except BaseException as exc:  # handed to the main thread below
            box["error"] = exc

    hits: list[int] = []

    def on_sigint(signum: int, frame: Any) -> None:
        hits.append(signum)
        if len(hits) > 1:
            _say(tr("Quit: nothing written."))
            sys.stdout.flush()
            os._exit(INTERRUPTED)
        stop.set()
        _say(tr("Interrupted: ending the solve with the best solution so far, checked "
                "(Ctrl-C again to quit at once, writing nothing)..."))

    owner = _main_thread()
    if owner:
        signal.signal(signal.SIGINT, on_sigint)
    thread = threading.Thread(target=run, name=f"{name}-solve", daemon=True)
    try:
        thread.start()
        while thread.is_alive():
            thread.join(0.2)
    finally:
        if owner:
            signal.signal(signal.SIGINT, signal.default_int_handler)
    interrupted = bool(hits)
    if "error" in box:
        raise box["error"]
    return box["value"], interrupted


@contextmanager
def _writing() -> Iterator[list[int]]:
    """While outputs are written, a Ctrl-C waits for them to be complete (it is recorded)."""
    hits: list[int] = []
    if not _main_thread():
        yield hits
        return

    def later(signum: int, frame: Any) -> None:
        if not hits:
            _say(tr("Finishing the output files first..."))
        hits.append(signum)

    signal.signal(signal.SIGINT, later)
    try:
        yield hits
    finally:
        # the Python handler again (a CP-SAT run in this thread may have left SIG_DFL behind)
        signal.signal(signal.SIGINT, signal.default_int_handler)


# ------------------------------------------------------------------ the command


def _run(spec: SolveSpec, args: dict[str, Any]) -> None:
    workbook: Path = args["workbook"]
    out: Path = args["out"]
    lang = check_lang(args["lang"])
    time_limit: float = args["time_limit"]
    engine: str = args["engine"]
    preset: str | None = args["preset"]
    if not time_limit > 0:
        fail(tr("--time-limit must be a positive number of seconds, got {value:g}",
                value=time_limit))
    if engine not in spec.engines:
        fail(tr("unknown engine '{engine}'; use {engines}", engine=engine,
                engines=", ".join(spec.engines)))
    if args["workers"] < 1:
        fail(tr("--workers must be at least 1, got {value}", value=args["workers"]))
    if preset is not None:
        from assignments.core.solver import load_preset

        try:
            load_preset(preset)
        except ValueError as exc:
            fail(f"--preset: {exc}")
    progress = args["progress"] if args["progress"] is not None else time_limit >= 10
    options = {o.name: args[o.name] for o in spec.options}

    try:
        data = spec.read(workbook, options)
    except (InputError, UserError, ValueError) as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"{workbook}: {os_reason(exc)}")
    except KeyboardInterrupt:
        _say(tr("Interrupted: nothing written."))
        raise typer.Exit(INTERRUPTED) from None

    solve = spec.part("solve")
    takes_stop = "stop" in inspect.signature(solve).parameters
    stop = threading.Event()
    try:
        kwargs = solve_call(solve, time_limit=time_limit, seed=args["seed"],
                            workers=args["workers"], deterministic=args["deterministic"],
                            preset=preset, engine=engine, progress=progress,
                            on_progress=ProgressPrinter(spec.model), stop=stop,
                            threaded=takes_stop, lang=lang)
    except UserError as exc:
        fail(str(exc))

    def work() -> tuple[Any, dict[str, Any]]:
        result = solve(data, **kwargs)
        more: dict[str, Any] = {}
        if spec.after is not None and not stop.is_set():
            more = spec.after(data, result, args)
        return result, more

    interrupted = False
    try:
        if takes_stop:
            (result, more), interrupted = _run_stoppable(work, stop, spec.model)
        else:
            result, more = work()
    except (InputError, UserError, ValueError) as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        _say(tr("Interrupted: nothing written."))
        raise typer.Exit(INTERRUPTED) from None

    has_solution = bool(result.status.has_solution)
    stopped = interrupted or bool(getattr(result, "stopped", False))
    if stopped and not has_solution:
        _say(tr("Stopped before any solution was found: nothing written."))
        raise typer.Exit(INTERRUPTED)
    write = spec.part("write")
    with _writing() as hits:
        try:
            written = write(data, result, out, lang=lang, **more)
        except (InputError, UserError, ValueError) as exc:
            fail(str(exc))
        except OSError as exc:
            fail(tr("{path}: cannot write ({reason})", path=out, reason=os_reason(exc)))
    for line in spec.part("summary")(data, result, lang=lang, **more):
        typer.echo(line)
    typer.echo(tr("Written: {files}", files=", ".join(map(str, written))))
    if stopped:
        _say(tr("Stopped by Ctrl-C: the files hold the best solution found so far (checked), "
                "not necessarily the best there is."))
    if stopped or hits:
        raise typer.Exit(INTERRUPTED)
    if not has_solution:
        raise typer.Exit(1)


SPECS: dict[str, SolveSpec] = {}
"""Every model's :class:`SolveSpec` by model name, as :func:`solve_command` registered it
(``assignments batch`` solves and writes through them)."""


def solve_command(app: typer.Typer, spec: SolveSpec, name: str = "solve") -> Callable[..., None]:
    """Add ``name`` (the model's solve command made from ``spec``) to ``app``; returns it."""
    if name == "solve":
        SPECS[spec.model] = spec
    common: list[tuple[str, Any, Any]] = [
        ("workbook", InputPath, inspect.Parameter.empty),
        ("out", OutDir, Path("out")),
        ("time_limit", TimeLimit, spec.time_limit),
        ("seed", Seed, 0),
        ("workers", Workers, 2),
        ("deterministic", Deterministic, False),
        ("preset", Preset, None),
        ("engine", engine_option(spec.engine_help), spec.engines[0]),
        ("progress", ProgressFlag, None),
        ("lang", Lang, "zh"),
    ]
    params = [
        inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=a, default=d)
        for n, a, d in [*common, *((o.name, o.annotation, o.default) for o in spec.options)]
    ]

    def command(**args: Any) -> None:
        _run(spec, args)

    command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in params}
    command.__doc__ = spec.doc
    command.__name__ = f"{spec.model}_{name}"
    app.command(name)(command)
    return command


def template_command(app: typer.Typer, model: str, sheets: str,
                     examples: Callable[[dict[str, list[dict[str, Any]]]],
                                        Mapping[str, list[dict[str, Any]]]],
                     doc: str, extra: Callable[[], Sequence[Any]] | None = None,
                     ) -> Callable[..., None]:
    """Add ``template OUT.xlsx`` to ``app``: an empty input workbook of ``sheets`` (a dotted
    path to the model's ``SHEETS``), every sheet with headers, notes and its columns' example
    row, or the rows ``examples(records)`` gives for it (``records``: the example rows);
    ``extra()``: free-form example sheets (:class:`assignments.core.output.ExtraSheet`, made in
    the template's language)."""

    def template(
        out: Annotated[Path, typer.Argument(help=tr("Where to write the empty workbook (.xlsx)."))],
        lang: Lang = "zh",
    ) -> None:
        from assignments.core.i18n import use_lang
        from assignments.core.io import write_input_workbook

        if lang not in ("zh", "en"):  # not check_lang: the web page calls this in its process
            fail(tr("--lang must be zh or en, got '{value}'", value=lang))
        if out.suffix.lower() != ".xlsx":
            fail(tr("{path}: the template is an Excel workbook; use a name ending in .xlsx",
                    path=out))
        with use_lang(lang):
            specs = _resolve(sheets)
            records = {s.key: [{c.key: c.example for c in s.columns if c.example is not None}]
                       for s in specs}  # type: ignore[attr-defined]
            records.update(examples(records))
            try:
                write_input_workbook(out, specs, records, template=True,  # type: ignore[arg-type]
                                     extra_sheets=extra() if extra is not None else ())
            except OSError as exc:
                fail(tr("{path}: cannot write ({reason})", path=out, reason=os_reason(exc)))
            typer.echo(tr("Written: {files}", files=out))

    template.__doc__ = doc
    template.__name__ = f"{model}_template"
    app.command("template")(template)
    return template
