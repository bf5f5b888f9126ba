"""Two languages: the English catalog covers every string in the code, no user text bypasses `_()`,
and dates and money follow the active locale."""

from __future__ import annotations

import ast
import datetime as dt
import importlib.util
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from warranty_desk import i18n

ROOT = Path(__file__).resolve().parents[2]
EN_PO = ROOT / "resources" / "locale" / "en" / "LC_MESSAGES" / "messages.po"
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?:![rsa])?(?::[^{}]*)?\}|%\([a-z_]+\)[sd]|%[sd]")


def _tool():
    spec = importlib.util.spec_from_file_location("wd_i18n_tool", ROOT / "packaging" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def locale():
    """Switch the locale inside a test; Chinese again afterwards."""
    yield i18n.set_locale
    i18n.set_locale("zh_CN")


def _en_catalog():
    with open(EN_PO, "rb") as fp:
        return read_po(fp, locale="en")


# --- dates and money ------------------------------------------------------------------------

def test_chinese_dates_and_money(locale):
    locale("zh_CN")
    assert i18n.format_date(dt.date(2026, 3, 15)) == "2026年3月15日"
    assert i18n.format_money(Decimal("1234.5")) == "¥1,234.50"
    assert i18n.format_money(-80) == "-¥80.00"
    assert i18n.format_number(1234567) == "1,234,567"
    assert i18n.format_date(None) == ""


def test_english_dates_and_money(locale):
    locale("en")
    assert i18n.format_date(dt.date(2026, 3, 15)) == "Mar 15, 2026"
    assert i18n.format_money(Decimal("1234.5")) == "¥1,234.50"
    assert i18n.format_money(0) == "¥0.00"
    assert i18n.format_number(Decimal("1234.567"), 2) == "1,234.57"


def test_unknown_locale_falls_back_to_chinese(locale):
    locale("fr_FR")
    assert i18n.current_locale() == "zh_CN"
    assert i18n.format_date(dt.date(2026, 11, 29)) == "2026年11月29日"


# --- catalogs -------------------------------------------------------------------------------

def test_english_catalog_translates_at_runtime(locale):
    catalog = _en_catalog()
    pairs = [(m.id, m.string) for m in catalog if m.id and isinstance(m.id, str) and m.string]
    assert pairs, "the English catalog has no translations"
    locale("en")
    for msgid, msgstr in pairs[:50]:
        assert i18n._(msgid) == msgstr
    locale("zh_CN")
    assert i18n._(pairs[0][0]) == pairs[0][0]


def test_po_is_compiled_in_memory_when_no_mo(tmp_path, monkeypatch, locale):
    """A fresh clone has no .mo files (they are build products): English still works."""
    folder = tmp_path / "resources" / "locale" / "en" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(EN_PO, folder / "messages.po")
    monkeypatch.setattr(i18n, "resources_dir", lambda: tmp_path / "resources")
    msgid, msgstr = next((m.id, m.string) for m in _en_catalog() if m.id and isinstance(m.id, str) and m.string)
    locale("en")
    assert i18n._(msgid) == msgstr
    assert not (folder / "messages.mo").exists()  # nothing written into the program's folder


def test_missing_catalog_shows_chinese(tmp_path, monkeypatch, locale):
    monkeypatch.setattr(i18n, "resources_dir", lambda: tmp_path)
    locale("en")
    assert i18n._("保存") == "保存"
    assert i18n.current_locale() == "en"  # formatting still English


def test_empty_value_stays_empty(locale):
    """`_(stored_value)` of an empty value must not answer the catalog header."""
    locale("en")
    assert i18n._("") == ""
    assert i18n.gettext_for("en")("") == ""


def test_gettext_for_a_document_language(locale):
    msgid, msgstr = next((m.id, m.string) for m in _en_catalog() if m.id and isinstance(m.id, str) and m.string)
    locale("zh_CN")
    assert i18n.gettext_for("en")(msgid) == msgstr
    assert i18n.gettext_for("zh_CN")(msgid) == msgid


def test_pipeline_extract_update_compile(tmp_path):
    """packaging/i18n.py: a template from the code, catalogs for both languages, .mo that load."""
    tool = _tool()
    locale_dir = tmp_path / "locale"
    shutil.copytree(ROOT / "resources" / "locale", locale_dir, ignore=shutil.ignore_patterns("*.mo"))
    tool.extract(locale_dir)
    tool.update(locale_dir)
    written = tool.compile_all(locale_dir)
    assert {p.parent.parent.name for p in written} == {"zh_CN", "en"}
    from babel.support import Translations

    with open(locale_dir / "en" / "LC_MESSAGES" / "messages.mo", "rb") as fp:
        en = Translations(fp)
    msgid, msgstr = next((m.id, m.string) for m in _en_catalog() if m.id and isinstance(m.id, str) and m.string)
    assert en.gettext(msgid) == msgstr


def test_every_extracted_string_has_an_english_translation():
    """Fails when code gained a `_()` string that the English catalog lacks. Fix: run
    `python packaging/i18n.py extract && python packaging/i18n.py update`, then translate the
    empty msgstr in resources/locale/en/LC_MESSAGES/messages.po."""
    tool = _tool()
    template = tool.extract_catalog()
    en = {m.id: m for m in _en_catalog() if m.id}
    missing = []
    for message in template:
        if not message.id:
            continue
        entry = en.get(message.id)
        strings = entry.string if entry is not None and isinstance(entry.string, (list, tuple)) else [
            entry.string if entry is not None else ""]
        if entry is None or entry.fuzzy or not all(strings):
            missing.append(f"{message.locations[0][0] if message.locations else '?'}: {message.id!r}")
    assert not missing, f"{len(missing)} strings lack English:\n" + "\n".join(missing[:40])


def test_translations_keep_the_placeholders():
    """`_("{n} 个工单").format(n=3)` must not crash in English: same placeholders on both sides."""
    wrong = []
    for message in _en_catalog():
        if not message.id or not message.string or not isinstance(message.id, str):
            continue
        if sorted(PLACEHOLDER.findall(message.id)) != sorted(PLACEHOLDER.findall(message.string)):
            wrong.append(f"{message.id!r} → {message.string!r}")
    assert not wrong, "\n".join(wrong)


# what English text must not hold: Chinese, CJK punctuation and full-width forms (（，：), and the
# typographic quotes the shipped CJK fonts draw full-width ("" and '' print as they should)
NOT_ENGLISH = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’]")


def test_english_translations_are_english_through_and_through():
    """An English paper, message or help text never shows a Chinese word, a full-width bracket or
    a full-width quote (an example in the source, like 1号楼-1单元-101, gets an English example)."""
    wrong = []
    for message in _en_catalog():
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        wrong += [f"{message.id!r} → {text!r}" for text in strings if text and NOT_ENGLISH.search(text)]
    assert not wrong, "\n".join(wrong[:40])


# --- no user text bypasses _() --------------------------------------------------------------

# Whole files whose Chinese strings are not program text, each with its reason:
FILE_ALLOW = {
    # the demo office's content (people, addresses, complaints) is data a clerk would type
    "warranty_desk/services/demo.py",
}
FILE_ALLOW_PREFIX = (
    "warranty_desk/migrations/",  # frozen schema steps
)
TRANSLATING = {"_", "N_", "NP_", "ngettext", "gettext", "pgettext", "npgettext"}
LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical", "log"}
MARKER = "i18n: data"  # a trailing `# i18n: data` marks Chinese domain values on that line


def _callee(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _is_log_call(node: ast.Call) -> bool:
    func = node.func
    return (isinstance(func, ast.Attribute) and func.attr in LOG_METHODS
            and isinstance(func.value, ast.Name) and func.value.id in {"log", "logger", "logging", "_log"})


def _is_re_call(node: ast.Call) -> bool:
    func = node.func
    return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "re"


def untranslated_literals(path: Path, rel: str) -> list[str]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(first.value)
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str) and CJK.search(node.value)):
            continue
        if node in docstrings or MARKER in lines[node.lineno - 1]:
            continue
        child, parent, allowed = node, parents.get(node), False
        while parent is not None:
            if isinstance(parent, ast.Call) and (_callee(parent) in TRANSLATING or _is_log_call(parent)
                                                 or _is_re_call(parent)):
                allowed = True
            elif isinstance(parent, ast.Compare):  # `urgency == "紧急"`: a stored value, not shown text
                allowed = True
            elif isinstance(parent, ast.Subscript) and child is parent.slice:  # row["工程编号"]
                allowed = True
            elif isinstance(parent, ast.Dict) and child in parent.keys:  # {"紧急": …}: keys are values
                allowed = True
            if allowed or isinstance(parent, (ast.stmt,)):
                break
            child, parent = parent, parents.get(parent)
        if not allowed:
            found.append(f"{rel}:{node.lineno}: {node.value[:60]!r}")
    return found


def _scanned_files():
    for folder in ("ui", "warranty_desk"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel in FILE_ALLOW or rel.startswith(FILE_ALLOW_PREFIX):
                continue
            yield path, rel


def test_no_chinese_text_bypasses_translation():
    """Every Chinese string constant in ui/ and warranty_desk/ is inside `_()` / `N_()`, or is a
    docstring, a log message, a regular expression, a stored value being
    compared or looked up (`== "紧急"`, `row["工程编号"]`, a dict key), or sits on a line marked
    `# i18n: data` (Chinese domain values: stored codes, import headers)."""
    found = []
    for path, rel in _scanned_files():
        found += untranslated_literals(path, rel)
    assert not found, f"{len(found)} Chinese strings outside _():\n" + "\n".join(found[:60])


def test_scanner_flags_a_bare_string(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        'from warranty_desk.i18n import _\n'
        'import logging\nlog = logging.getLogger()\n'
        'def f(x, zh):\n'
        '    """文档字符串"""\n'
        '    log.info("日志")\n'
        '    a = _("已翻译")\n'
        '    b = "未翻译"\n'
        '    c = x == "紧急"\n'
        '    d = "第 1 页" if zh else "Page 1"\n'
        '    e = "住宅"  # i18n: data\n'
        '    raise ValueError(f"没有{x}")\n',
        encoding="utf-8",
    )
    found = untranslated_literals(sample, "sample.py")
    # an inline pair `"第 1 页" if zh else "Page 1"` is no translation either: the catalog says it
    assert [line.split(": ", 1)[1] for line in found] == ["'未翻译'", "'第 1 页'", "'没有'"]


def _built_string(node: ast.AST) -> bool:
    """An f-string, a concatenation or a %/.format() built from a literal: text made at run time."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return any(isinstance(n, (ast.Constant, ast.JoinedStr)) for n in (node.left, node.right))
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"
            and isinstance(node.func.value, ast.Constant))


def test_no_fstring_inside_translation_calls():
    """`_(f"…{x}")` can never be found in the catalog: use `_("…{x}").format(x=…)`. (`_(value)` of a
    stored value marked with `N_()` elsewhere is fine.)"""
    bad = []
    for path, rel in _scanned_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _callee(node) in {"_", "N_"} and node.args and _built_string(node.args[0]):
                bad.append(f"{rel}:{node.lineno}: {ast.unparse(node)[:70]}")
    assert not bad, "translation calls of text built at run time:\n" + "\n".join(bad)


# --- document texts -------------------------------------------------------------------------

TEXTS = ROOT / "resources" / "texts"


def _shape(path: Path) -> tuple[list[str], list[str], int]:
    """Placeholders, @directives and the number of headings and table rows of a text file."""
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("%")]
    placeholders = sorted(re.findall(r"\{([A-Za-z_][A-Za-z0-9_]*)\}", "\n".join(lines)))
    directives = [line for line in lines if line.startswith("@")]
    structure = sum(1 for line in lines if line.startswith(("#", "|")))
    return placeholders, directives, structure


def test_english_document_texts_mirror_chinese():
    """Every certificate clause and manual chapter has an English file with the same placeholders,
    tables and headings (so the fallback to Chinese stays the exception), and no Chinese in it."""
    chinese = sorted(p.relative_to(TEXTS / "zh_CN") for p in (TEXTS / "zh_CN").rglob("*.md"))
    assert chinese
    problems = []
    for rel in chinese:
        en = TEXTS / "en" / rel
        if not en.is_file():
            problems.append(f"missing: en/{rel}")
            continue
        if _shape(TEXTS / "zh_CN" / rel) != _shape(en):
            problems.append(f"differs: en/{rel} {_shape(en)} vs zh_CN {_shape(TEXTS / 'zh_CN' / rel)}")
        printed = "\n".join(line for line in en.read_text(encoding="utf-8").splitlines() if not line.startswith("%"))
        if CJK.search(printed):
            problems.append(f"Chinese in en/{rel}")
    assert not problems, "\n".join(problems)


def test_the_catalog_check_and_build_refuse_a_missing_document_text(tmp_path, capsys):
    """A missing English text file is an error when the catalogs are checked or built, not a
    fall-back to Chinese at print time."""
    tool = _tool()
    shutil.copytree(TEXTS, tmp_path / "texts")
    assert tool.check_texts(tmp_path / "texts") == 0
    (tmp_path / "texts" / "en" / "manual" / "05-electrical.md").unlink()
    assert tool.check_texts(tmp_path / "texts") == 1
    assert "resources/texts/en/manual/05-electrical.md" in capsys.readouterr().out
