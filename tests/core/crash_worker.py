"""Run by the crash-safety tests in a child process, which the test then kills with SIGKILL.

    python crash_worker.py import DB_TARGET FILE.csv     import projects; prints PROGRESS n
    python crash_worker.py signoff DB_TARGET TICKET_ID   sign off and close; prints MID inside the transaction
"""

from __future__ import annotations

import sys
import time


def main() -> None:
    mode, target, arg = sys.argv[1:4]
    from warranty_desk.db import open_database

    open_database(target)
    if mode == "import":
        from warranty_desk.services import importing

        def progress(done, total):
            print(f"PROGRESS {done} {total}", flush=True)

        report = importing.import_projects(arg, progress=progress)
        print(f"DONE {len(report.created)}", flush=True)
    elif mode == "signoff":
        import datetime as dt
        import io

        from PIL import Image

        from warranty_desk.services import tickets

        real = tickets.after_repair.schedule_visit

        def slow(ticket, closed_on):
            visit = real(ticket, closed_on)
            print("MID", flush=True)  # everything written, nothing committed yet
            time.sleep(60)
            return visit

        tickets.after_repair.schedule_visit = slow
        buf = io.BytesIO()
        Image.new("RGB", (200, 80), (0, 0, 0)).save(buf, "PNG")
        tickets.sign_off(int(arg), "screen", "李业主", signature_png=buf.getvalue(), close=True,
                         at=dt.datetime(2026, 11, 5, 10, 0))
        print("DONE", flush=True)


if __name__ == "__main__":
    main()
