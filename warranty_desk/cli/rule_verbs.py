"""Every rule from the command line (issue #18): the verb groups of agree, deposits,
visit_records, safety and settings, registered here with one call from build_parser.

Each verb prints `--json` when asked, exits 0 on success and 2 with a one-line reason on stderr when
it refuses (a ValidationError, turned into that by cli.main)."""

from __future__ import annotations


def register(sub) -> None:
    from . import agree as cli_agree
    from . import deposits as cli_deposits
    from . import safety as cli_safety
    from . import settings as cli_settings
    from . import visit_records as cli_visit_records

    for module in (cli_agree, cli_deposits, cli_visit_records, cli_safety, cli_settings):
        module.register(sub)
