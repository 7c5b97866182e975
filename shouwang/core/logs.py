"""Logging filters named in ``settings.LOGGING``."""

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """On ``django.request``: a request refused with a 4xx (a 403 permission denied, a
    400 unreadable body) stays one warning line. Django attaches the exception's
    traceback to those lines; hundreds of refusals a day would bury the 500s, whose
    tracebacks are kept. Who was refused what is in the audit log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
