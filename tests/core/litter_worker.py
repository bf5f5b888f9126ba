"""Run by the leftover tests in a child process, which the test then kills with SIGKILL half-way.

    python litter_worker.py backup DB_TARGET FILE.wdbak    prints MID while the backup file is being written
    python litter_worker.py restore DB_TARGET FILE.wdbak   prints MID while the restored files are being put in place
"""

from __future__ import annotations

import sys
import time


def main() -> None:
    mode, target, arg = sys.argv[1:4]
    from warranty_desk.db import is_url, open_database
    from warranty_desk.services import backup

    def pause(real):
        def slow(*args, **kwargs):
            print("MID", flush=True)  # work folder and half-written file on disk, nothing finished
            time.sleep(60)
            return real(*args, **kwargs)
        return slow

    if mode == "backup":
        open_database(target)
        backup._write_checked = pause(backup._write_checked)
        backup.backup_to(arg)
    else:
        if is_url(target):
            open_database(target)
        backup._restore_attachments = pause(backup._restore_attachments)
        backup.restore_from(arg, target=target, safety_backup=False)
    print("DONE", flush=True)


if __name__ == "__main__":
    main()
