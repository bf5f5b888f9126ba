"""Errors whose message a clerk can act on."""

from __future__ import annotations

from .i18n import _


class ValidationError(ValueError):
    """Bad input. `field` names the form field it belongs to, when there is one."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ConflictError(ValidationError):
    """Someone else saved the record since it was read (optimistic locking)."""

    def __init__(self, message: str | None = None):
        super().__init__(message or _("已被他人修改，请重新打开后再保存（您的输入已保留）"))


class RowError(ValidationError):
    """One bad cell of an import sheet: its sheet, row, column letter and header."""

    def __init__(self, row: int, column: str, message: str, sheet: str = "", letter: str = ""):
        where = _("第{row}行").format(row=row)
        if sheet:
            where = _("工作表“{sheet}”").format(sheet=sheet) + where
        if letter:
            where += " " + _("{letter}列").format(letter=letter)
        super().__init__(_("{where}“{column}”：{message}").format(where=where, column=column, message=message)
                         if column else _("{where}：{message}").format(where=where, message=message), field=column)
        self.row = row
        self.column = column
        self.sheet = sheet
        self.letter = letter


class ImportFailed(ValidationError):
    """An import refused whole, listing every bad row (`report`: the import's full report)."""

    def __init__(self, errors: list[RowError], report=None):
        self.errors = errors
        self.report = report
        lines = "\n".join(e.message for e in errors)
        super().__init__(_("导入失败，未导入任何数据。共{n}处错误：\n{lines}").format(n=len(errors), lines=lines))


class NotFound(ValidationError):
    pass


class DatabaseBusy(ValidationError):
    """Another clerk, window or command is writing and did not finish within the wait (busy timeout)."""

    def __init__(self, message: str | None = None):
        super().__init__(message or _("数据库正在被占用（另一位同事、另一个窗口或命令正在保存），请稍后再试。没有保存任何内容"))


class DatabaseUnusable(ValidationError):
    """The database cannot be used at all (damaged, foreign, read-only, server down): said in one line."""


def _chain(exc: BaseException):
    """The exception and the driver errors it wraps."""
    seen = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        nested = getattr(current, "orig", None)  # peewee keeps the driver's error here
        if nested is None and current.args and isinstance(current.args[0], BaseException):
            nested = current.args[0]
        current = nested or current.__cause__ or current.__context__


def _errno_text(exc: OSError) -> str:
    import errno

    name = exc.filename or ""
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1), errno.EFBIG):
        return _("磁盘已满，无法写入{name}。请腾出磁盘空间后再试，没有保存任何不完整的内容").format(
            name=f"“{name}”" if name else "")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return _("没有写入权限：“{name}”是只读的（或所在文件夹不允许写入）。请换一个位置，或请管理员开放写入权限").format(name=name)
    if exc.errno == errno.ENOENT:
        return _("找不到文件或文件夹：{name}").format(name=name)
    if exc.errno == errno.EISDIR:
        return _("“{name}”是一个文件夹，请给出文件名").format(name=name)
    return _("文件操作失败：{error}（{name}）").format(error=exc.strerror or exc.__class__.__name__, name=name)


def explain(exc: BaseException, target: str | None = None) -> str | None:
    """The clerk's one-line text for a failure of the database, the disk or the server (never driver
    text, never a password), or None when `exc` is none of these (a program error).
    `target`: the database address in use, for the server's name and the password to hide."""
    for error in _chain(exc):
        if isinstance(error, ValidationError):
            return error.message
    for error in _chain(exc):
        module = type(error).__module__ or ""
        text = str(error).lower()
        if module.startswith("psycopg2"):
            if "server closed the connection" in text or "terminating connection" in text:
                return _("与数据库服务器的连接断开了，没有保存任何内容。请检查网络后重新打开保修台或重试")
            if "deadlock detected" in text or "could not serialize" in text or "lock timeout" in text:
                return DatabaseBusy().message
            if type(error).__name__ in ("OperationalError", "InterfaceError"):  # connecting: server, name, password
                from .db_check import _postgres_message

                return scrub(_postgres_message(error, target or ""), target)
            continue
        if module.startswith(("sqlite3", "peewee")) or type(error).__name__ in ("OperationalError", "DatabaseError"):
            if "locked" in text or "busy" in text:
                return DatabaseBusy().message
            if "readonly" in text or "read-only" in text:
                return _("数据库文件是只读的（文件或所在文件夹不允许写入），不能保存。请检查写入权限，或请管理员处理")
            if "disk is full" in text or "disk i/o error" in text or "cannot rollback" in text:
                return _("磁盘已满或无法写入数据库，没有保存任何内容。请腾出磁盘空间后再试")
            if "unable to open database" in text:
                return _("打不开数据库文件：文件夹不存在或没有访问权限")
            if "malformed" in text or "not a database" in text:
                return _("数据库文件已损坏，不能使用。请从备份恢复（warranty-desk restore 备份文件.wdbak）")
        if isinstance(error, OSError) and error.errno is not None:
            return _errno_text(error)
    return None


def scrub(text: str, target: str | None) -> str:
    """`text` with the password of `target` (a postgresql:// address) replaced by ••••."""
    from .db_check import mask_password, password_of

    if not target:
        return text
    secret = password_of(target)
    if secret:
        from urllib.parse import quote

        for form in {secret, quote(secret, safe="")}:
            text = text.replace(form, "••••")
    return text.replace(target, mask_password(target))
