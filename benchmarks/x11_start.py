"""Start to a visible window on a real X server, against a bare PySide6 window (issue #20).

The offscreen measurement of the runner (`ui/bench_hook.py`, first paint) is taken inside the
program. This one is taken from outside, as a clerk sees it: an Xvfb server, the program started with
`DISPLAY` set (Qt's xcb platform), and `xdotool search --onlyvisible --pid PID` polled every few
milliseconds until the process has a mapped window; the time from launching the process to that
moment counts. The bare window (`bare_window.py`) is measured the same way, run for run interleaved.

    python -m benchmarks.x11_start --db office.db [--runs 7] [--display :92] [--root CHECKOUT]

`--root` starts `main.py` of another checkout (the code before a change) with the same Python.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POLL_S = 0.005
TIMEOUT_S = 60


def available() -> str | None:
    """Why this measurement cannot run here (None: it can)."""
    for tool in ("Xvfb", "xdotool"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    return None


def free_display() -> str:
    for n in range(90, 200):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            return f":{n}"
    raise RuntimeError("no free X display number")


class Xvfb:
    """An Xvfb server for the length of a `with` block."""

    def __init__(self, display: str | None = None):
        self.display = display or free_display()
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Xvfb:
        self.proc = subprocess.Popen(["Xvfb", self.display, "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        env = dict(os.environ, DISPLAY=self.display)
        deadline = time.monotonic() + 15
        while True:  # ready when a client can talk to it (a socket alone may be a stale one)
            if self.proc.poll() is not None:
                raise RuntimeError(f"Xvfb {self.display} did not start (display in use?)")
            if subprocess.run(["xdotool", "getdisplaygeometry"], env=env, capture_output=True).returncode == 0:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"Xvfb {self.display} did not answer")
            time.sleep(0.05)
        time.sleep(0.3)
        if self.proc.poll() is not None:
            raise RuntimeError(f"Xvfb {self.display} ended (display in use?)")
        return self

    def __exit__(self, *exc) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)


def time_to_visible(cmd: list[str], env: dict, cwd: Path) -> float:
    """Seconds from launching `cmd` until it has a visible (mapped) window; the process is then ended."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=str(cwd), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while True:
            found = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(proc.pid)], env=env,
                                   capture_output=True, text=True)
            if found.returncode == 0 and found.stdout.strip():
                return time.perf_counter() - started
            if proc.poll() is not None:
                raise RuntimeError(f"exit {proc.returncode} before a window showed: "
                                   + (proc.stderr.read().decode(errors="replace") if proc.stderr else "")[:600])
            if time.perf_counter() - started > TIMEOUT_S:
                raise RuntimeError("no visible window within a minute")
            time.sleep(POLL_S)
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()


def measure(db_path: Path, runs: int = 7, display: str | None = None, root: Path = ROOT,
            work: Path | None = None, log=print) -> dict:
    """{"app": [s…], "bare": [s…], "app_median", "bare_median", "ratio", "display"}: `runs` interleaved
    starts of each (after one untimed start of each that writes the bytecode and warms the file cache)."""
    why = available()
    if why:
        raise RuntimeError(why)
    work = work or Path(tempfile.mkdtemp(prefix="wd-x11-"))
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    env.pop("WARRANTY_DESK_BENCH_EXIT", None)  # the window stays open until it is seen
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed program runs from compiled bytecode
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    env["XDG_CONFIG_HOME"] = str(work / "config")  # the program's own settings: not the user's
    env["XDG_DATA_HOME"] = str(work / "data")
    env["WARRANTY_DESK_DATA"] = str(work / "wd-data")
    env.setdefault("WARRANTY_DESK_USER", "benchmark")
    # this PC's operator already chosen, as on every start after the first: otherwise each start shows
    # the first start's 操作员 dialog (#16) — a window of the process, which is what xdotool would find
    env["WARRANTY_DESK_CONFIG"] = str(work / "wd-config")
    (work / "wd-config").mkdir(parents=True, exist_ok=True)
    (work / "wd-config" / "config.json").write_text(json.dumps({"operator": "benchmark"}), encoding="utf-8")
    bare_cmd = [sys.executable, str(ROOT / "benchmarks" / "bare_window.py")]
    app_cmd = [sys.executable, str(root / "main.py"), "--db", str(db_path)]
    failures: list[str] = []

    def timed(cmd, cwd) -> float:
        for _attempt in range(3):  # Qt's xcb plugin now and then fails to connect to a busy Xvfb: again
            try:
                return time_to_visible(cmd, env, cwd)
            except RuntimeError as exc:
                failures.append(str(exc))
                log(f"a start failed, once more: {str(exc)[:300]}")
        raise RuntimeError(failures[-1])

    with Xvfb(display) as server:
        env["DISPLAY"] = server.display
        timed(bare_cmd, ROOT)
        timed(app_cmd, root)
        bare, app = [], []
        for _ in range(runs):
            bare.append(timed(bare_cmd, ROOT))
            app.append(timed(app_cmd, root))
    result = {"app": [round(a, 4) for a in app], "bare": [round(b, 4) for b in bare],
              "app_median": statistics.median(app), "bare_median": statistics.median(bare),
              "display": server.display, "failed_starts": len(failures)}
    result["ratio"] = result["app_median"] / result["bare_median"]
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.x11_start", description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="the office database (a copy is started)")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--display", help="X display for the Xvfb server (default: a free one)")
    parser.add_argument("--root", help="checkout whose main.py is started (default: this one)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="wd-x11-"))
    try:
        copy = work / "office.db"
        shutil.copy(args.db, copy)
        found = measure(copy, args.runs, args.display, Path(args.root).resolve() if args.root else ROOT, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"visible window: app {found['app_median']:.3f} s, bare {found['bare_median']:.3f} s, "
          f"{found['ratio']:.2f}× ({args.runs} interleaved runs each on Xvfb {found['display']})")
    print(f"  app  {found['app']}\n  bare {found['bare']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
