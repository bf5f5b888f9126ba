#!/usr/bin/env python3
"""Screenshots of each step of the import window (从表格导入), taken from a real X server:

    Xvfb :99 -screen 0 1366x768x24 &
    DISPLAY=:99 .venv/bin/python packaging/import_screenshots.py

writes docs/screenshots/11-import-*.png: an office's own sheet (a title row, a merged 建设单位,
Excel serial dates, a column the program does not know and one the clerk maps by hand), then a
sheet with mistakes, on a new database in a temporary folder, with the app's own fonts.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"


def office_sheet(path: Path, bad: bool = False) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "2024年竣工"
    sheet.append(["华建三公司 2024年竣工工程一览表"])
    sheet.merge_cells("A1:I1")
    sheet.append(["工程\n编号", "工程名称", "建设单位", "工程类型", "工程规模", "竣工验收日期", "交付日期",
                  "合同金额（万元）", "采暖地区", "负责人", "备注", "负责人微信"])
    rows = [
        ["GC-2024-001", "阳光花园一期住宅楼", "阳光置业有限公司", "住宅", "中型", 45458, 45474, 1250.5, "北京", "李强", "一期", "lq01"],
        ["GC-2024-002", "阳光花园二期住宅楼", None, "住宅", "大型", dt.date(2024, 7, 20), dt.date(2024, 8, 1), 3200, "北京", "赵磊", "", "zl02"],
        ["ＧＣ－２０２４－００３", "实验小学教学楼", "新城区教育局", "公共建筑", "中型", dt.date(2024, 9, 2), dt.date(2024, 9, 10), 860, "天津", "黄勇", "", ""],
        ["GC-2024-004", "人民医院门诊楼装修", "人民医院", "装饰装修", "小型", dt.date(2024, 10, 8), dt.date(2024, 10, 15), 95, "济南", "李强", "", ""],
    ]
    if bad:
        for row in rows:
            row[0] = row[0].replace("2024", "2025")
        rows[1][3] = "别墅"
        rows[2][6] = dt.date(2024, 8, 1)
        rows[3][1] = ""
    for row in rows:
        sheet.append(row)
    if not bad:
        sheet.merge_cells("C3:C4")
    book.save(path)
    return path


def main() -> int:
    from x_app import x_application

    started = x_application("wd-import-shots-")
    if started is None:
        return 2
    app, work = started

    from ui import import_window
    from warranty_desk.db import open_database
    from warranty_desk.services import settings

    open_database(str(work / "office.db"))
    settings.ensure_defaults()

    def settle() -> None:
        for _ in range(30):
            app.processEvents()
            time.sleep(0.01)

    def wait() -> None:
        while import_window.busy():
            app.processEvents()
            time.sleep(0.02)
        settle()

    def shoot(window, name: str) -> None:
        settle()
        window.grab().save(str(OUT / f"{name}.png"))
        print("wrote", name)

    OUT.mkdir(parents=True, exist_ok=True)
    good = office_sheet(work / "2024年竣工工程.xlsx")
    window = import_window.ImportWindow(None, "projects", str(good))
    window.show()
    wait()
    shoot(window, "11-import-1-file")
    window.forward()
    manager = next(window.columns_table.cellWidget(r, 3) for r in range(window.columns_table.rowCount())
                   if window.columns_table.item(r, 1).text() == "负责人")
    manager.setCurrentIndex(manager.findData("manager"))
    shoot(window, "11-import-2-columns")
    window.forward()
    wait()
    shoot(window, "11-import-3-preview")
    window.forward()
    wait()
    shoot(window, "11-import-4-done")
    window.close()
    bad = import_window.ImportWindow(None, "projects", str(office_sheet(work / "有错误的表.xlsx", bad=True)))
    bad.show()
    wait()
    bad.forward()
    bad.forward()
    wait()
    shoot(bad, "11-import-3b-problems")
    bad.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
