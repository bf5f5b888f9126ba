"""The print and report verbs: the PDF is written, holds the project's values; bad input exits 2."""

import subprocess
import sys

import pytest
from pypdf import PdfReader


def run(db, *args):
    return subprocess.run([sys.executable, "-m", "warranty_desk.cli", "--db", str(db), *args],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    db = tmp_path_factory.mktemp("print") / "p.db"
    assert run(db, "demo").returncode == 0
    from warranty_desk.db import open_database
    from warranty_desk.models import Project, Ticket

    database = open_database(str(db))
    project = Project.select().where(Project.type == "residential").order_by(Project.id).first()
    values = {"code": project.code, "name": project.name, "accepted": project.accepted_on,
              "unit": project.units[0].label, "ticket": Ticket.select().first().number}
    database.close()
    return db, values


def _text(path):
    return "".join(page.extract_text() for page in PdfReader(str(path)).pages)


@pytest.mark.parametrize("verb", ["certificate", "cards", "manual"])
def test_print_project_documents(office, tmp_path, verb):
    db, values = office
    out = tmp_path / f"{verb}.pdf"
    result = run(db, "print", verb, values["code"], "-o", str(out))
    assert result.returncode == 0, result.stderr
    text = _text(out)
    assert values["name"] in text
    assert "400-810-2468" in text  # the hotline from the settings


def test_print_one_card_for_a_unit(office, tmp_path):
    db, values = office
    out = tmp_path / "one.pdf"
    assert run(db, "print", "cards", values["code"], "--unit", values["unit"], "--layout", "a5", "-o", str(out)).returncode == 0
    assert len(PdfReader(str(out)).pages) == 1
    assert run(db, "print", "cards", values["code"], "--unit", "99号楼-9-999", "-o", str(out)).returncode == 2


def test_forms_blank_and_filled(office, tmp_path):
    db, values = office
    assert run(db, "print", "form", "visit", "-o", str(tmp_path / "v.pdf")).returncode == 0
    out = tmp_path / "r.pdf"
    assert run(db, "print", "form", "record", "--ticket", values["ticket"], "-o", str(out)).returncode == 0
    assert values["ticket"] in _text(out)
    assert run(db, "print", "form", "notice", "--ticket", "BX-1999-9999", "-o", str(out)).returncode == 2


def test_quarterly_report(office, tmp_path):
    db, _values = office
    out = tmp_path / "q.pdf"
    result = run(db, "report", "quarterly", "2026Q3", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "2026" in _text(out)


@pytest.mark.parametrize("args, words", [
    (["report", "quarterly", "2026Q5"], "2026Q3"),
    (["print", "certificate", "NOPE"], "NOPE"),
])
def test_bad_input_exits_2_and_writes_nothing(office, tmp_path, args, words):
    db, _values = office
    out = tmp_path / "bad.pdf"
    result = run(db, *args, "-o", str(out))
    assert result.returncode == 2 and words in result.stderr
    assert not out.exists() and not list(tmp_path.glob("*.part"))


def test_a_character_no_font_has_is_printed_as_a_mark_and_named_on_stderr(tmp_path):
    db = tmp_path / "e.db"
    from warranty_desk.db import open_database
    from warranty_desk.services import settings
    from warranty_desk.services.handover import handover
    from warranty_desk.services.projects import create_project

    database = open_database(str(db))
    settings.ensure_defaults()
    import datetime as dt

    project = create_project({"code": "E-1", "name": "笑脸😀花园", "type": "住宅", "scale": "小型"})
    handover(project.id, dt.date(2025, 6, 1), dt.date(2025, 6, 10))
    database.close()
    out = tmp_path / "c.pdf"
    result = run(db, "print", "certificate", "E-1", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "U+1F600" in result.stderr and "□" in result.stderr
    assert "笑脸□花园" in _text(out)
