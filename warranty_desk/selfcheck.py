"""The self-check behind `main.py --smoke` (and the bundle's smoke run in CI): the fonts, document
texts, translations and migrations that a bundle ships are really there and usable.

`sample_certificate` prints the 工程质量保修书 of a tiny project inside a transaction that is rolled
back, so running the check against a real office database leaves no trace in it.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from . import i18n
from .models import database_proxy
from .paths import resources_dir

log = logging.getLogger(__name__)

SAMPLE_CODE = "SMOKE-0001"


class _Rollback(Exception):
    pass


def sample_certificate(path: str | Path, lang: str | None = None) -> Path:
    """Write the certificate of a throw-away project to `path`; the database is left unchanged."""
    from .documents.certificate import build_certificate
    from .services.handover import handover
    from .services.projects import create_project

    target = Path(path)
    lang = lang or i18n.current_locale()
    try:
        with database_proxy.atomic():
            project = create_project({
                "code": SAMPLE_CODE,
                "name": "自检工程（不保存）",  # i18n: data
                "client": "自检建设单位",  # i18n: data
                "type": "residential",
                "scale": "small",
                "heating_region": "北京",  # i18n: data
                "accepted_on": dt.date(2026, 3, 15),
                "handed_over_on": dt.date(2026, 3, 20),
            })
            handover(project.id)
            build_certificate(project, target, lang=lang)
            raise _Rollback
    except _Rollback:
        pass
    return target


def resource_report() -> dict[str, bool]:
    """Which shipped resources are present (for the smoke run's output)."""
    res = resources_dir()
    return {
        "fonts": any((res / "fonts").glob("*.tt[fc]")),
        "icons": (res / "icons" / "warranty_desk_256.png").is_file(),
        "texts": any((res / "texts" / "zh_CN").rglob("*.md")),
        "translations": (res / "locale" / "en" / "LC_MESSAGES").is_dir(),
        "migrations": any((Path(__file__).parent / "migrations").glob("*.sql")),
    }
