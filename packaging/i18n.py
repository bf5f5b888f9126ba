#!/usr/bin/env python3
"""The translation pipeline (the pybabel extract → update → compile cycle, as a script).

    python packaging/i18n.py extract   code → resources/locale/messages.pot
    python packaging/i18n.py update    messages.pot → resources/locale/{zh_CN,en}/LC_MESSAGES/messages.po
    python packaging/i18n.py compile   *.po → *.mo (the package build and build.sh run this)
    python packaging/i18n.py check     list the English strings and document texts still missing; exit 1 if any
    python packaging/i18n.py all       extract + update + compile

The document texts (resources/texts/<lang>/…, the 保修书's clauses and the manual's chapters) are part
of the translation: every file of zh_CN must exist in every language. `check`, `compile` and `all`
refuse (exit 1, naming the files) while one is missing — a paper is never printed half in Chinese.

Chinese (zh_CN) is the source language: its msgstr stay empty (gettext then shows the msgid).
English needs a real msgstr for every msgid. Which files are scanned is written in babel.cfg;
the keywords are babel's defaults (_, gettext, ngettext, pgettext, …) plus N_ (a marker for strings
kept in data tables and translated where they are shown) and NP_ (the same with a context).
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "resources" / "locale"
DOMAIN = "messages"
LOCALES = ("zh_CN", "en")
SOURCE_LOCALE = "zh_CN"
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "NP_": ((1, "c"), 2)}
COMMENT_TAGS = ("Translators:",)


def _version() -> str:
    sys.path.insert(0, str(ROOT))
    try:
        from warranty_desk import __version__
    finally:
        sys.path.pop(0)
    return __version__


def extract_catalog(root: Path = ROOT) -> Catalog:
    """Every translatable string in the files babel.cfg names, as a template catalog."""
    with open(root / "babel.cfg", encoding="utf-8") as fp:
        method_map, options_map = parse_mapping_cfg(fp)
    catalog = Catalog(project="Warranty Desk", version=_version(), charset="utf-8",
                      msgid_bugs_address="", copyright_holder="", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(root), method_map, options_map, keywords=KEYWORDS, comment_tags=COMMENT_TAGS, strip_comment_tags=True
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def po_path(locale: str, locale_dir: Path = LOCALE_DIR) -> Path:
    return locale_dir / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def _write_po(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    # no line numbers: they move with every edit and only make the diff noisy
    write_po(buf, catalog, width=100, include_lineno=False, sort_by_file=False, sort_output=False)
    tmp = path.with_suffix(path.suffix + ".part")
    tmp.write_bytes(buf.getvalue())
    tmp.replace(path)


def extract(locale_dir: Path = LOCALE_DIR) -> Catalog:
    template = extract_catalog()
    _write_po(template, locale_dir / f"{DOMAIN}.pot")
    print(f"{len(template)} strings → {locale_dir / f'{DOMAIN}.pot'}")
    return template


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    with open(path, "rb") as fp:
        return read_po(fp, locale=locale)


def update(locale_dir: Path = LOCALE_DIR) -> None:
    template = read_catalog(locale_dir / f"{DOMAIN}.pot")
    for locale in LOCALES:
        path = po_path(locale, locale_dir)
        if path.exists():
            catalog = read_catalog(path, locale)
        else:
            catalog = Catalog(locale=locale, project="Warranty Desk", version=template.version, fuzzy=False)
        # no fuzzy guesses: a near-miss English text is worse than a visible gap the check reports
        catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
        catalog.obsolete.clear()
        catalog.fuzzy = False
        _write_po(catalog, path)
        print(f"{locale}: {len(catalog)} strings, {len(missing(catalog)) if locale != SOURCE_LOCALE else 0} untranslated")


def missing(catalog: Catalog) -> list[str]:
    """msgids of a catalog without a (non-fuzzy) translation."""
    out = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if message.fuzzy or not all(strings):
            out.append(message.id if isinstance(message.id, str) else message.id[0])
    return out


def compile_catalog(po_file: Path) -> bytes:
    catalog = read_catalog(po_file)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def compile_all(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    written = []
    for locale in LOCALES:
        path = po_path(locale, locale_dir)
        if not path.exists():
            continue
        mo = path.with_suffix(".mo")
        tmp = mo.with_suffix(".mo.part")
        tmp.write_bytes(compile_catalog(path))
        tmp.replace(mo)
        written.append(mo)
        print(f"compiled {mo.relative_to(ROOT) if mo.is_relative_to(ROOT) else mo}")
    return written


def missing_texts(texts_root: Path | None = None) -> list[str]:
    """Document text files that a language lacks (the rule lives in warranty_desk.documents.texts)."""
    sys.path.insert(0, str(ROOT))
    try:
        from warranty_desk.documents.texts import missing_texts as find
    finally:
        sys.path.pop(0)
    return find(texts_root)


def check_texts(texts_root: Path | None = None) -> int:
    gaps = missing_texts(texts_root)
    for rel in gaps:
        print(f"missing document text: resources/texts/{rel}")
    return 1 if gaps else 0


def check(locale_dir: Path = LOCALE_DIR, texts_root: Path | None = None) -> int:
    template = extract_catalog()
    en = read_catalog(po_path("en", locale_dir), "en")
    gaps = []
    for m in template:
        if not m.id:
            continue
        entry = en.get(m.id, context=m.context)  # a plural's id is a tuple; a context is part of the key
        strings = entry.string if entry is not None and isinstance(entry.string, (list, tuple)) else [
            entry.string if entry is not None else ""]
        if entry is None or entry.fuzzy or not all(strings):
            gaps.append((m.context, m.id))
    for context, msgid in gaps:
        print(f"untranslated: {msgid!r}" + (f" (context {context!r})" if context else ""))
    print(f"{len(gaps)} of {len(template) - 1} strings lack an English translation")
    texts_missing = check_texts(texts_root)
    return 1 if gaps or texts_missing else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("verb", choices=("extract", "update", "compile", "check", "all"))
    args = parser.parse_args(argv)
    if args.verb in ("extract", "all"):
        extract()
    if args.verb in ("update", "all"):
        update()
    if args.verb in ("compile", "all"):
        if check_texts():
            return 1
        compile_all()
    if args.verb == "check":
        return check()
    return 0


if __name__ == "__main__":
    sys.exit(main())
