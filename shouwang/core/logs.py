"""Logging filters named in ``settings.LOGGING``."""

import logging

# Django logs each SuspiciousOperation it answers with a 400 (a request for a host not
# in ALLOWED_HOSTS, too many form fields, a forged session key, ...) as an error with
# its traceback, on ``django.security.<the exception's class name>``: these loggers
# get the filter below. A test checks the list against Django's own classes.
SUSPICIOUS_OPERATIONS = [
    "SuspiciousOperation",
    "DisallowedHost",
    "DisallowedRedirect",
    "RequestDataTooBig",
    "TooManyFieldsSent",
    "TooManyFilesSent",
    "SuspiciousFileOperation",
    "SuspiciousMultipartForm",
    "SuspiciousSession",
    "InvalidSessionKey",
    "DisallowedModelAdminLookup",
    "DisallowedModelAdminToField",
]


class ClientErrorsWithoutTraceback(logging.Filter):
    """On ``django.request`` and the ``django.security.*`` loggers: a request refused
    with a 4xx (a 403 permission denied, a 400 unreadable body, a bad Host header)
    stays one warning line. Django attaches the exception's traceback to those lines,
    and logs a SuspiciousOperation as an error; scanners send hundreds a day, which
    would bury the 500s, whose tracebacks are kept. Who was refused what is in the
    audit log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) >= 500:
            return True
        record.exc_info = None
        record.exc_text = None
        if record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            # Demoted after the logger's level check: a log set to errors only
            # drops it, as it would have dropped a warning.
            return logging.getLogger(record.name).isEnabledFor(logging.WARNING)
        return True
