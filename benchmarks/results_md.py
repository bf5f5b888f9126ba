"""benchmarks/RESULTS.md is written by several scripts (the sizes' table, the phone service under load,
the phone pages on a slow network), each into its own section between two markers: a new run replaces
its section and leaves the others as they are."""

from __future__ import annotations

from pathlib import Path

RESULTS_MD = Path(__file__).resolve().parent / "RESULTS.md"


def write_section(begin: str, end: str, text: str, heading: str = "", path: Path = RESULTS_MD) -> None:
    """Put `text` between the markers `begin` and `end` of RESULTS.md: in place of what they held, or at
    the end of the file (under `## heading` when given) the first time."""
    md = path.read_text(encoding="utf-8")
    section = f"{begin}\n{text}\n{end}"
    if begin in md and end in md:
        before, rest = md.split(begin, 1)
        md = before + section + rest.split(end, 1)[1]
    else:
        md = md.rstrip() + "\n\n" + (f"## {heading}\n\n" if heading else "") + section + "\n"
    path.write_text(md, encoding="utf-8")
