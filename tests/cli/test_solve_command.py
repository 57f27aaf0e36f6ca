"""The one solve command (core/cli.py) with a stand-in model: options passed in the one solve
signature, progress, exit codes, nothing written after a mistake, and Ctrl-C."""

from __future__ import annotations

import _thread
import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from assignments.core.budget import Progress
from assignments.core.cli import SolveSpec, solve_call, solve_command
from assignments.core.errors import InputError
from assignments.core.solver import SolveStatus

ROOT = Path(__file__).resolve().parents[2]


class Fake:
    """A model: records what the command passes, writes a marker file when asked."""

    def __init__(self, status: SolveStatus = SolveStatus.OPTIMAL) -> None:
        self.status = status
        self.calls: list[dict[str, Any]] = []
        self.written: list[Path] = []

    def read(self, workbook: Path, options: Any) -> Any:
        if not workbook.exists():
            raise InputError(f"{workbook.name}: file not found")
        return {"options": dict(options)}

    def solve(self, data: Any, *, time_limit: float = 30.0, seed: int = 0, num_workers: int = 2,
              deterministic: bool = False, preset: str | None = None, engine: str = "auto",
              progress: bool = False) -> Any:
        self.calls.append(dict(time_limit=time_limit, seed=seed, num_workers=num_workers,
                               deterministic=deterministic, preset=preset, engine=engine,
                               progress=progress))
        return SimpleNamespace(status=self.status, stopped=False)

    def write(self, data: Any, result: Any, out: Path, *, lang: str) -> list[Path]:
        out.mkdir(parents=True, exist_ok=True)
        (out / "result.txt").write_text(lang, encoding="utf-8")
        self.written.append(out)
        return [out / "result.txt"]

    def summary(self, data: Any, result: Any, *, lang: str) -> list[str]:
        return [f"status: {result.status.value}"]


def app_for(fake: Fake, **kw: Any) -> typer.Typer:
    app = typer.Typer()
    solve_command(app, SolveSpec(model="fake", doc="Solve a fake.", read=fake.read,
                                 solve=kw.pop("solve", fake.solve), write=fake.write,
                                 summary=fake.summary, **kw))

    @app.command("other")
    def other() -> None:  # a second command keeps `solve` a sub-command
        """Nothing."""

    return app


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "in.xlsx"
    path.write_text("x", encoding="utf-8")
    return path


def invoke(app: typer.Typer, *args: str) -> Any:
    return CliRunner().invoke(app, ["solve", *args])


def test_options_reach_solve_in_the_one_signature(book: Path, tmp_path: Path) -> None:
    fake = Fake()
    r = invoke(app_for(fake), str(book), "--out", str(tmp_path / "o"), "--time-limit", "5",
               "--seed", "7", "--workers", "1", "--deterministic", "--preset", "fast",
               "--engine", "highs", "--lang", "en")
    assert r.exit_code == 0, r.output
    assert fake.calls == [dict(time_limit=5.0, seed=7, num_workers=1, deterministic=True,
                               preset="fast", engine="highs", progress=False)]
    assert "status: optimal" in r.stdout and "Written:" in r.stdout
    assert (tmp_path / "o" / "result.txt").read_text(encoding="utf-8") == "en"


@pytest.mark.parametrize(("args", "want"), [
    ((), True), (("--time-limit", "5"), False), (("--time-limit", "5", "--progress"), True),
    (("--quiet",), False),
])
def test_progress_default_and_flags(book: Path, tmp_path: Path, args: tuple[str, ...],
                                    want: bool) -> None:
    """Progress is on by default for limits of 10 s or more; --progress / --quiet decide."""
    fake = Fake()
    assert invoke(app_for(fake), str(book), "--out", str(tmp_path / "o"), *args).exit_code == 0
    assert fake.calls[0]["progress"] is want


def test_on_progress_callback_prints_to_stderr(book: Path, tmp_path: Path) -> None:
    """A solve that takes on_progress gets the printer (and progress=False: no double lines)."""
    fake = Fake()
    seen: dict[str, Any] = {}

    def solve(data: Any, *, time_limit: float, seed: int, num_workers: int, deterministic: bool,
              engine: str, progress: bool, on_progress: Any = None, stop: Any = None) -> Any:
        seen.update(progress=progress, stop=stop)
        on_progress(Progress("quality", -325.0, -330.0, 0.5, "cp-sat"))
        return SimpleNamespace(status=SolveStatus.FEASIBLE, stopped=False)

    r = invoke(app_for(fake, solve=solve), str(book), "--out", str(tmp_path / "o"),
               "--progress", "--lang", "en")
    assert r.exit_code == 0, r.output
    assert seen["progress"] is False and seen["stop"] is not None
    assert "[fake:quality]" in r.stderr and "best -325" in r.stderr and "gap 1.54%" in r.stderr
    r = invoke(app_for(fake, solve=solve), str(book), "--out", str(tmp_path / "o2"),
               "--progress")
    assert "最好解 -325" in r.stderr and "差距 1.54%" in r.stderr


@pytest.mark.parametrize(("args", "needle"), [
    (("--engine", "gurobi", "--lang", "en"), "unknown engine 'gurobi'; use auto, cpsat, highs"),
    (("--engine", "gurobi"), "未知的求解引擎 'gurobi'；可用：auto, cpsat, highs"),
    (("--lang", "fr"), "--lang 只能是 zh 或 en"),  # said in the default language
    (("--preset", "nope", "--lang", "en"), "unknown preset 'nope'"),
    (("--time-limit", "0", "--lang", "en"), "--time-limit must be a positive number"),
    (("--time-limit", "0"), "--time-limit 应为正的秒数"),
    (("--workers", "0", "--lang", "en"), "--workers must be at least 1"),
])
def test_user_mistakes_exit_2_nothing_written(book: Path, tmp_path: Path,
                                              args: tuple[str, ...], needle: str) -> None:
    fake = Fake()
    r = invoke(app_for(fake), str(book), "--out", str(tmp_path / "o"), *args)
    assert r.exit_code == 2 and needle in r.stderr, r.output
    assert fake.calls == [] and not (tmp_path / "o").exists()


def test_read_error_exit_2_nothing_written(tmp_path: Path) -> None:
    fake = Fake()
    r = invoke(app_for(fake), str(tmp_path / "nope.xlsx"), "--out", str(tmp_path / "o"))
    assert r.exit_code == 2 and "nope.xlsx: file not found" in r.stderr
    assert fake.calls == [] and fake.written == []


def test_solve_error_exit_2_nothing_written(book: Path, tmp_path: Path) -> None:
    fake = Fake()

    def solve(data: Any, **kw: Any) -> Any:
        raise ValueError("the time limit must be a positive number")

    r = invoke(app_for(fake, solve=solve), str(book), "--out", str(tmp_path / "o"))
    assert r.exit_code == 2 and "the time limit must be" in r.stderr and fake.written == []


def test_no_solution_exit_1_outputs_written(book: Path, tmp_path: Path) -> None:
    """Infeasible: the notes explaining why are still written; exit 1."""
    fake = Fake(SolveStatus.INFEASIBLE)
    r = invoke(app_for(fake), str(book), "--out", str(tmp_path / "o"))
    assert r.exit_code == 1 and "status: infeasible" in r.stdout and fake.written


def test_preset_refused_when_the_solve_has_none(book: Path, tmp_path: Path) -> None:
    fake = Fake()

    def solve(data: Any, *, time_limit: float, seed: int, num_workers: int, deterministic: bool,
              engine: str, progress: bool) -> Any:
        return SimpleNamespace(status=SolveStatus.OPTIMAL, stopped=False)

    r = invoke(app_for(fake, solve=solve), str(book), "--out", str(tmp_path / "o"),
               "--preset", "fast", "--lang", "en")
    assert r.exit_code == 2 and "--preset is not supported" in r.stderr
    r = invoke(app_for(fake, solve=solve), str(book), "--out", str(tmp_path / "o"))
    assert r.exit_code == 0, r.output


def test_solve_call_trims_to_the_signature() -> None:
    """on_progress/stop only when taken; CP-SAT's own Ctrl-C handler off when threaded."""
    def old(data: Any, *, time_limit: float, seed: int, num_workers: int, deterministic: bool,
            engine: str, progress: bool, preset: str | None = None, **extra: Any) -> None: ...

    def new(data: Any, *, time_limit: float, seed: int, num_workers: int, deterministic: bool,
            engine: str, progress: bool, preset: str | None = None, on_progress: Any = None,
            stop: Any = None, **extra: Any) -> None: ...

    common = dict(time_limit=3.0, seed=1, workers=2, deterministic=False, preset=None,
                  engine="auto", progress=True, on_progress=print, stop=threading.Event())
    kw = solve_call(old, **common)  # type: ignore[arg-type]
    assert kw["progress"] is True and "on_progress" not in kw and "stop" not in kw
    assert "catch_sigint_signal" not in kw
    kw = solve_call(new, threaded=True, **common)  # type: ignore[arg-type]
    assert kw["on_progress"] is print and kw["progress"] is False and kw["stop"] is not None
    assert kw["catch_sigint_signal"] is False


@pytest.mark.skipif(threading.current_thread() is not threading.main_thread(),
                    reason="signals reach the main thread only")
def test_ctrl_c_stops_the_solve_and_writes_the_best_so_far(book: Path, tmp_path: Path) -> None:
    """First Ctrl-C sets stop; the solve returns its best (stopped) and it is written; 130."""
    fake = Fake()

    def solve(data: Any, *, time_limit: float, seed: int, num_workers: int, deterministic: bool,
              engine: str, progress: bool, stop: Any = None, **extra: Any) -> Any:
        _thread.interrupt_main()  # the user presses Ctrl-C while the solve runs
        assert stop.wait(30), "stop was never set"
        return SimpleNamespace(status=SolveStatus.FEASIBLE, stopped=True)

    r = invoke(app_for(fake, solve=solve), str(book), "--out", str(tmp_path / "o"),
               "--lang", "en")
    assert r.exit_code == 130, r.output
    assert "Interrupted: ending the solve" in r.stderr and "Stopped by Ctrl-C" in r.stderr
    assert (tmp_path / "o" / "result.txt").exists() and "status: feasible" in r.stdout


def test_ctrl_c_before_any_solution_writes_nothing(book: Path, tmp_path: Path) -> None:
    fake = Fake()

    def solve(data: Any, *, stop: Any = None, **kw: Any) -> Any:
        _thread.interrupt_main()
        assert stop.wait(30)
        return SimpleNamespace(status=SolveStatus.UNKNOWN, stopped=True)

    r = invoke(app_for(fake, solve=solve), str(book), "--out", str(tmp_path / "o"),
               "--lang", "en")
    assert r.exit_code == 130 and "before any solution" in r.stderr
    assert fake.written == [] and not (tmp_path / "o").exists()


def test_ctrl_c_without_stop_support_writes_nothing(book: Path, tmp_path: Path) -> None:
    """A solve that cannot be stopped: Ctrl-C ends the command, 130, nothing written."""
    fake = Fake()

    def solve(data: Any, **kw: Any) -> Any:
        raise KeyboardInterrupt

    r = invoke(app_for(fake, solve=solve), str(book), "--out", str(tmp_path / "o"))
    assert r.exit_code == 130 and "未写入任何文件" in r.stderr and fake.written == []


SCRIPT = textwrap.dedent("""
    import sys, threading
    from pathlib import Path
    from types import SimpleNamespace
    import typer
    from assignments.core.cli import SolveSpec, solve_command
    from assignments.core.solver import SolveStatus

    def solve(data, *, stop=None, **kw):
        print("solving", file=sys.stderr, flush=True)
        stop.wait(60)
        return SimpleNamespace(status=SolveStatus.FEASIBLE, stopped=stop.is_set())

    def write(data, result, out, *, lang):
        out.mkdir(parents=True, exist_ok=True)
        (out / "best.txt").write_text("best so far", encoding="utf-8")
        return [out / "best.txt"]

    app = typer.Typer()
    solve_command(app, SolveSpec(model="fake", doc="", read=lambda w, o: None, solve=solve,
                                 write=write, summary=lambda d, r, lang: ["done"]))
    app.command("other")(lambda: None)
    app()
""")


@pytest.mark.skipif(os.name != "posix", reason="SIGINT")
def test_real_sigint_in_a_subprocess(tmp_path: Path) -> None:
    """A real Ctrl-C (SIGINT) reaches the command while the solve runs: stop is set, the best
    so far is written, exit 130, no traceback."""
    script = tmp_path / "fake_cli.py"
    script.write_text(SCRIPT, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    p = subprocess.Popen([sys.executable, str(script), "solve", "in.xlsx", "--out",
                          str(tmp_path / "o"), "--lang", "en"], cwd=tmp_path, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert p.stderr is not None
    assert p.stderr.readline().strip() == "solving"
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=120)
    assert p.returncode == 130, err
    assert "Traceback" not in err and "Stopped by Ctrl-C" in err and "done" in out
    assert (tmp_path / "o" / "best.txt").read_text(encoding="utf-8") == "best so far"
