"""Run by the write-lock tests in a child process.

    python lock_worker.py import DB_TARGET FILE.csv        import projects; prints PROGRESS n (inside the transaction)
    python lock_worker.py hold DB_TARGET SECONDS           a write transaction kept open; prints HOLDING
    python lock_worker.py restore DB_TARGET FILE.wdbak     a restore that pauses inside the lock; prints LOCKED
"""

from __future__ import annotations

import sys
import time


def main() -> None:
    mode, target, arg = sys.argv[1:4]
    from warranty_desk.db import is_url, open_database
    from warranty_desk.errors import ValidationError

    try:
        if mode == "import":
            from warranty_desk.services import importing

            open_database(target, busy_timeout_ms=30_000)
            created = importing.import_projects(arg, progress=lambda done, total: print(f"PROGRESS {done}", flush=True))
            print(f"DONE {len(created.new)}", flush=True)
        elif mode == "hold":
            from warranty_desk.models import Setting, database_proxy

            open_database(target)
            with database_proxy.atomic():
                Setting.insert(key="lock_test", value="1").on_conflict(
                    conflict_target=[Setting.key], update={Setting.value: "1"}).execute()
                print("HOLDING", flush=True)
                time.sleep(float(arg))
            print("DONE", flush=True)
        else:
            from warranty_desk.services import backup

            if is_url(target):
                open_database(target)
            real = backup._restore_attachments

            def slow(*args, **kwargs):
                print("LOCKED", flush=True)
                time.sleep(4)
                return real(*args, **kwargs)

            backup._restore_attachments = slow
            result = backup.restore_from(arg, target=target)
            print(f"DONE {result.counts['project']}", flush=True)
    except ValidationError as exc:
        print(f"REFUSED {exc.message}", flush=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
