"""Log filters: a refused request (403) is logged as one line saying who, what and why, not a traceback.

Django logs a ``PermissionDenied`` on ``django.request`` with its traceback, which says nothing a member
pressing a button their role does not allow needs investigating, and buries the log. The line keeps what
does matter: ``Forbidden: erin-em POST /p/social-ml/settings/: role em may not edit_settings``.
"""

import logging


def _who(request) -> str:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return "anonymous"
    return user.get_username()


def _why(record: logging.LogRecord) -> str:
    exception = record.exc_info[1] if record.exc_info else None
    if exception is not None and hasattr(exception, "role") and hasattr(exception, "action"):
        return f"role {exception.role} may not {exception.action}"  # portfolio.permissions.RoleDenied
    if exception is not None:
        return str(exception) or type(exception).__name__
    if record.msg == "Forbidden (%s): %s" and isinstance(record.args, tuple) and record.args:  # the CSRF reason
        return str(record.args[0])
    return record.getMessage()


class ForbiddenOneLine(logging.Filter):
    """Rewrite a 403 record into one line (who, method and path, why) and drop its traceback.

    A record is rewritten once, however many times the filter sees it: logging configured twice in one
    process (``runserver`` does) leaves two of these filters on the logger.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) != 403 or getattr(record, "forbidden_one_line", False):
            return True
        request = getattr(record, "request", None)
        method, path = getattr(request, "method", "?"), getattr(request, "path", "?")
        record.msg, record.args = "Forbidden: %s %s %s: %s", (_who(request), method, path, _why(record))
        record.exc_info = record.exc_text = None
        record.forbidden_one_line = True
        return True
