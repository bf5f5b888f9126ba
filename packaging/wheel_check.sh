#!/usr/bin/env bash
# The program as `pip install` gives it: build the wheel, install it (not editable) into a NEW
# virtual environment, and from a folder outside the source tree run the demo office, every print
# verb, the quarterly report and the window's smoke test. Fails when anything the installed program
# needs (fonts, texts, icons, translations, migrations) is not in the wheel.
#   packaging/wheel_check.sh            (uses python3; PYTHON=… to choose another)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
PY="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
start=$(date +%s)

# (setuptools warns about each resources folder that looks like a package: the folders are data,
# the warning text only shows when the build fails)
"$PY" -m pip wheel -q --no-deps "$root" -w "$work/wheel" 2> "$work/build.log" || { cat "$work/build.log" >&2; exit 1; }
wheel="$(ls "$work"/wheel/warranty_desk-*.whl)"
"$PY" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q "$wheel"
echo "wheel: $(basename "$wheel") ($(du -k "$wheel" | cut -f1) KB), installed into a new virtualenv"

# outside the source tree, so that nothing can be found there by accident
cd "$work"
export WARRANTY_DESK_DATA="$work/data" WARRANTY_DESK_CONFIG="$work/config" HOME="$work" QT_QPA_PLATFORM=offscreen
unset WARRANTY_DESK_DB
wd="$work/venv/bin/warranty-desk"
db="$work/office.db"
out="$work/out"
mkdir -p "$out"
"$work/venv/bin/python" - <<'PY'
import importlib.resources, sys
from pathlib import Path
here = Path(str(importlib.resources.files("warranty_desk.resources")))
assert "site-packages" in here.parts, f"resources found outside the installed wheel: {here}"
print(f"resources: {here}")
PY
"$wd" --db "$db" demo
read -r code ticket < <("$work/venv/bin/python" - "$db" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
code = con.execute("SELECT p.code FROM project p JOIN unit u ON u.project_id = p.id ORDER BY p.id LIMIT 1").fetchone()[0]
ticket = con.execute("SELECT number FROM ticket ORDER BY id LIMIT 1").fetchone()[0]
print(code, ticket)
PY
)
run() { "$wd" --db "$db" "$@" >/dev/null; }
run print certificate "$code" -o "$out/certificate.pdf"
run print certificate "$code" -o "$out/certificate-en.pdf" --lang en
run print cards "$code" -o "$out/cards.pdf"
run print manual "$code" -o "$out/manual.pdf"
for form in visit notice record; do run print form "$form" -o "$out/form-$form.pdf"; done
run print form record --ticket "$ticket" -o "$out/form-record-ticket.pdf"
run print dispatch "$ticket" -o "$out/dispatch.pdf"
run report quarterly 2026Q3 -o "$out/quarterly.pdf"
# the structural-safety report prints only for a ticket marked as a safety hazard
run ticket safety mark "$ticket" --reason "承重墙裂缝（检查）" --measures "设置警戒线"
run print safety-report "$ticket" -o "$out/safety-report.pdf"
# every print verb the installed program has was run above (a new verb must be added here)
"$work/venv/bin/python" - <<'PY'
import argparse
from warranty_desk.cli import build_parser

def verbs(parser, name):
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    inner = sub.choices[name]
    return set(next(a for a in inner._actions if isinstance(a, argparse._SubParsersAction)).choices)

parser = build_parser()
missing = verbs(parser, "print") - {"certificate", "cards", "manual", "form", "dispatch", "safety-report"}
missing |= {f"report {v}" for v in verbs(parser, "report") - {"quarterly"}}
assert not missing, f"packaging/wheel_check.sh does not try: {sorted(missing)}"
PY
for pdf in "$out"/*.pdf; do
  head -c 5 "$pdf" | grep -q '%PDF-' || { echo "not a PDF: $pdf" >&2; exit 1; }
done
echo "printed $(ls "$out"/*.pdf | wc -l) documents from the installed wheel"
"$work/venv/bin/warranty-desk-gui" --smoke
echo "wheel check passed in $(( $(date +%s) - start ))s"
