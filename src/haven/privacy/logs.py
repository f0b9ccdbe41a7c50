"""A safety net under Haven's logs: whatever reaches a log record, an email address or one of
Haven's secrets (API keys, staff tokens, webhook secrets, the disclosure programme's tracking
tokens) is masked before any handler sees it.

The sources are what keep personal data out of the logs (the access log names routes, not
paths; job failures name the error's type, not its message); this catches what a library or a
future change lets through. User ids cannot be recognised by their shape, so they rely on the
sources alone.
"""

from __future__ import annotations

import logging
import re
from typing import Any

MASK = "[redacted]"
PATTERNS = [
    re.compile(r"[^@\s\"'<>()\[\],;:]{1,64}@[^@\s\"'<>()\[\],;:]{1,255}\.[A-Za-z]{2,}"),
    re.compile(r"\b(?:hvn|hvs|hvr|whsec)_[A-Za-z0-9_-]{8,}"),
]
_INSTALLED = "_haven_redacting"


def redact(text: str) -> str:
    for pattern in PATTERNS:
        text = pattern.sub(MASK, text)
    return text


def _clean(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Mask the message, its arguments and any traceback, keeping their structure (some
    formatters unpack the arguments)."""
    if isinstance(record.msg, str):
        record.msg = redact(record.msg)
    if isinstance(record.args, tuple):
        record.args = tuple(_clean(a) for a in record.args)
    elif isinstance(record.args, dict):
        record.args = {k: _clean(v) for k, v in record.args.items()}
    if record.exc_info and not record.exc_text:
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    return record


def install_log_redaction() -> None:
    """Mask every record this process makes, from now on (idempotent: once per process)."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, _INSTALLED, False):
        return

    def redacting(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact_record(factory(*args, **kwargs))

    setattr(redacting, _INSTALLED, True)
    logging.setLogRecordFactory(redacting)
