"""The latest run at each size side by side: `python -m benchmarks.report [--write]`.

Reads benchmarks/out/results-<size>.json (written by every `python -m benchmarks --size …` run) and
prints one table — a row per measurement, a column per size (default = 1×, 3x, 10x) with PASS/MISS,
and how it grows from 1× to 10× — with the machine's load noted for each run. `--write` puts it into
benchmarks/RESULTS.md between the `sizes` markers.
"""

from __future__ import annotations

import argparse
import json
import sys

from .generate import OUT_DIR
from .results_md import RESULTS_MD, write_section

BEGIN = "<!-- sizes:begin -->"
END = "<!-- sizes:end -->"
SIZES = (("default", "1×"), ("3x", "3×"), ("10x", "10×"))


def _load() -> dict[str, dict]:
    runs = {}
    for size, _label in SIZES:
        path = OUT_DIR / f"results-{size}.json"
        if path.exists():
            runs[size] = json.loads(path.read_text(encoding="utf-8"))
    return runs


def _shown(r: dict) -> str:
    if r.get("value") is None:
        return "ERROR" if r.get("error") else "n/a"
    value = f"{r['value']:.3f} s" if r["unit"] == "s" else f"{r['value']:.1f} {r['unit']}"
    if r.get("ratio") is not None:
        value += f" ({r['ratio']:.2f}×)"
    return value + ("" if r.get("passed") else " **MISS**")


def _growth(first: dict | None, last: dict | None) -> str:
    if not first or not last or first.get("value") in (None, 0) or last.get("value") is None:
        return ""
    factor = last["value"] / first["value"]
    return f"×{factor:.1f}"


def table(runs: dict[str, dict]) -> str:
    order: list[str] = []
    titles: dict[str, str] = {}
    targets: dict[str, str] = {}
    by_size: dict[str, dict[str, dict]] = {}
    for size, _label in SIZES:
        if size not in runs:
            continue
        by_size[size] = {}
        for r in runs[size]["results"]:
            if r["name"] not in order:
                order.append(r["name"])
            titles.setdefault(r["name"], r["title"])
            targets.setdefault(r["name"], r["target"])
            by_size[size][r["name"]] = r
    sizes = [(s, label) for s, label in SIZES if s in runs]
    lines = ["| measurement | target | " + " | ".join(label for _s, label in sizes) + " | 1× → 10× |",
             "|---|---|" + "---|" * len(sizes) + "---|"]
    for name in order:
        cells = [_shown(by_size[s][name]) if name in by_size[s] else "–" for s, _label in sizes]
        grow = _growth(by_size.get("default", {}).get(name), by_size.get("10x", {}).get(name))
        title = titles[name].replace("|", "/")
        lines.append(f"| {title} | {targets[name]} | " + " | ".join(cells) + f" | {grow} |")
    notes = []
    for s, label in sizes:
        run = runs[s]
        params = run["size_params"]
        load = run.get("load", {})
        notes.append(f"- {label} (`--size {s}`): {params['projects']} projects, {params['units']} units, "
                     f"{params['visits']} visits, {params['tickets']} tickets; run of {run['when']}, "
                     f"{run['runs']} runs per measurement, whole run {run['elapsed_s']:.0f} s; load average "
                     f"{load.get('start', '?')} at the start, {load.get('end', '?')} at the end"
                     + (f"; only {', '.join(run['only'])}" if run.get("only") else "")
                     + "".join(f"; {', '.join(a['only'])} measured again at {a['when']} (load {a['load'].get('start')})"
                               for a in run.get("again", [])))
    return "\n".join(lines) + "\n\n" + "\n".join(notes)


def write(text: str) -> None:
    write_section(BEGIN, END, text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.report", description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the table into benchmarks/RESULTS.md")
    args = parser.parse_args(argv)
    runs = _load()
    if not runs:
        print("no results yet: run python -m benchmarks --size default|3x|10x first")
        return 1
    text = table(runs)
    print(text)
    if args.write:
        write(text)
        print(f"written into {RESULTS_MD}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
