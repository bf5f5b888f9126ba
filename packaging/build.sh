#!/usr/bin/env bash
# Build the one-folder app with PyInstaller (Linux; Windows: packaging/windows/build.ps1), then run
# its smoke test: the built program opens a new database in a fresh user data folder, shows the
# main window offscreen, prints a certificate and exits 0; the bundled command line (warranty-desk,
# beside warranty-desk-gui) fills a demo office and prints its warranty cards.
#   packaging/build.sh            build + smoke run      (uses .venv; installs the `build` extra)
#   packaging/build.sh --no-smoke build only
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
if ! "$PY" -c "import PyInstaller" 2>/dev/null; then
  "$PY" -m pip install -q -e ".[build]"
fi
version="$("$PY" -c 'from warranty_desk import __version__; print(__version__)')"
bundle="dist/WarrantyDesk-${version}-linux"
start=$(date +%s)
"$PY" packaging/i18n.py compile
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/warranty_desk.spec
echo "built $bundle in $(( $(date +%s) - start ))s, $(du -sh "$bundle" | cut -f1) ($(find "$bundle" -type f | wc -l) files)"

if [[ "${1:-}" != "--no-smoke" ]]; then
  smoke_home="$(mktemp -d)"
  trap 'rm -rf "$smoke_home"' EXIT
  # a fresh user data folder: the program must create its database there by itself
  QT_QPA_PLATFORM=offscreen WARRANTY_DESK_DATA="$smoke_home/data" HOME="$smoke_home" \
    timeout 120 "$bundle/warranty-desk-gui" --smoke
  QT_QPA_PLATFORM=offscreen WARRANTY_DESK_DATA="$smoke_home/data" HOME="$smoke_home" \
    timeout 120 "$bundle/warranty-desk-gui" --smoke --lang en
  test -s "$smoke_home/data/warranty_desk.db" || { echo "smoke: no database in the user data folder" >&2; exit 1; }
  # the command line beside the window, from the unpacked bundle: a demo office, its warranty cards
  cli="$bundle/warranty-desk"
  WARRANTY_DESK_DATA="$smoke_home/data" HOME="$smoke_home" timeout 300 "$cli" --db "$smoke_home/x.db" demo
  code="$("$PY" -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT code FROM project ORDER BY id").fetchone()[0])' "$smoke_home/x.db")"
  WARRANTY_DESK_DATA="$smoke_home/data" HOME="$smoke_home" timeout 300 "$cli" --db "$smoke_home/x.db" \
    print cards "$code" -o "$smoke_home/保修卡.pdf"
  head -c 5 "$smoke_home/保修卡.pdf" | grep -q '%PDF-' || { echo "smoke: print cards wrote no PDF" >&2; exit 1; }
  if WARRANTY_DESK_DATA="$smoke_home/data" "$cli" --db "$smoke_home/x.db" print cards NO-SUCH-CODE -o "$smoke_home/x.pdf" 2>/dev/null; then
    echo "smoke: a wrong project code was not refused" >&2; exit 1
  fi
  echo "smoke run passed (window, certificate, command line: demo and print cards $code)"
fi
