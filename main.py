"""Start the 保修台 desktop app: parse the arguments, open the database, show the main window."""

from __future__ import annotations

import argparse
import sys


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="warranty-desk-gui", description="保修台 Warranty Desk")
    parser.add_argument("--db", help="数据库文件路径或 postgresql:// 地址")
    parser.add_argument("--smoke", action="store_true", help="打开主窗口后立即退出（自检）")
    parser.add_argument("--lang", choices=("zh_CN", "en"), help="界面语言（只对本次运行有效，默认用设置里的语言）")
    parser.add_argument("file", nargs="?", help="要打开的文件：备份（.wdbak）打开恢复对话框，表格（.xlsx/.csv）打开导入")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from warranty_desk import drivers, early_check
    from warranty_desk.paths import default_database

    target = args.db or default_database()
    if "://" not in target:  # an office on a file: the server drivers only if a server is ever opened
        drivers.defer_server_drivers()
    # the integrity check of the database file starts now, on its own thread, while the program loads
    early = early_check.start(target)
    from ui.app import run

    return run(args, early)


if __name__ == "__main__":
    sys.exit(main())
