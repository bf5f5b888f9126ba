"""The Windows installer script (compiled on Windows only, so checked here as text): Chinese screens
from the shipped ChineseSimplified.isl, no quiet fallback to an English-only installer, the command
line installed beside the window."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

WINDOWS = Path(__file__).resolve().parents[2] / "packaging" / "windows"


def _script() -> str:
    return (WINDOWS / "warranty_desk.iss").read_text(encoding="utf-8-sig")


def test_chinese_messages_are_shipped_with_their_licence():
    isl = (WINDOWS / "ChineseSimplified.isl").read_bytes()
    assert hashlib.sha256(isl).hexdigest() == "e0b0b350e2245f3c5e65586dfe43d574f6e7f06f2261149aba284954b3fc9a8d"
    text = isl.decode("utf-8")
    assert "LanguageName=简体中文" in text and "LanguageID=$0804" in text
    assert "ButtonInstall=安装(&I)" in text
    licence = (WINDOWS / "LICENSE-InnoSetup.txt").read_text(encoding="utf-8")
    assert "Inno Setup License" in licence and "Jordan Russell" in licence


def test_the_build_fails_rather_than_building_an_english_only_installer():
    script = _script()
    languages = re.search(r"^\[Languages\]\n(.*?)\n\n", script, re.M | re.S).group(1)
    assert languages.splitlines()[0] == 'Name: "chinesesimp"; MessagesFile: "ChineseSimplified.isl"'
    assert "#if" not in languages  # no language that silently disappears
    assert "CompilerPath" not in script  # the compiler's own Languages folder is not relied upon
    guard = re.search(r'#if !FileExists\(AddBackslash\(SourcePath\) \+ "ChineseSimplified.isl"\)\n\s*#error', script)
    assert guard and re.search(r"#if Ver < EncodeVer\(6, 5, 0\)\n\s*#error", script)
    for key in ("DesktopIcon", "LaunchApp", "CliShortcut", "BackupFile"):
        assert f"chinesesimp.{key}=" in script and f"english.{key}=" in script


def test_the_command_line_and_backups_are_installed():
    script = _script()
    assert '#define CliExe "warranty-desk.exe"' in script
    assert 'Source: "{#BundleDir}\\*"' in script  # the whole bundle: both programs and _internal
    assert '"""{app}\\{#AppExe}"" ""%1"""' in script  # a .wdbak opens the window with the file
    spec = (WINDOWS.parent / "warranty_desk.spec").read_text(encoding="utf-8")
    assert 'name="warranty-desk"' in spec and "console=True" in spec
