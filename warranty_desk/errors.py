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
    """One bad cell of an import sheet."""

    def __init__(self, row: int, column: str, message: str):
        super().__init__(_("第{row}行 “{column}”：{message}").format(row=row, column=column, message=message),
                         field=column)
        self.row = row
        self.column = column


class ImportFailed(ValidationError):
    """An import refused whole, listing every bad row."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        lines = "\n".join(e.message for e in errors)
        super().__init__(_("导入失败，未导入任何数据。共{n}处错误：\n{lines}").format(n=len(errors), lines=lines))


class NotFound(ValidationError):
    pass
