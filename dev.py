#!/usr/bin/env python3
"""One command each for the README: set up a local environment if needed, then run.

    python3 dev.py run [ARGS…]   start the program (creates .venv and installs on first use)
    python3 dev.py test [ARGS…]  run the whole test suite
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
STAMP = VENV / ".installed"


def _wanted() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def ensure_env() -> None:
    if not PY.exists():
        print("首次运行：正在创建 Python 环境（.venv）…", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    if not STAMP.exists() or STAMP.read_text() != _wanted():
        print("正在安装依赖…", flush=True)
        subprocess.check_call([str(PY), "-m", "pip", "install", "-q", "--upgrade", "pip"])
        subprocess.check_call([str(PY), "-m", "pip", "install", "-q", "-e", f"{ROOT}[dev]"])
        STAMP.write_text(_wanted())


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in ("run", "test", "setup"):
        print(__doc__)
        return 2
    ensure_env()
    verb, rest = sys.argv[1], sys.argv[2:]
    if verb == "setup":
        return 0
    if verb == "run":
        return subprocess.call([str(PY), str(ROOT / "main.py"), *rest])
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    return subprocess.call([str(PY), "-m", "pytest", *rest], cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main())
