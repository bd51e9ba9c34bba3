"""Structured logs: one JSON object per line, with the request id of the request
being served (the X-Request-ID the audit trail also records), so a line in the
web, worker or beat logs can be joined to the request and audit events."""

from __future__ import annotations

import datetime as dt
import json
import logging

from audit.request_context import current_request

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (empty outside a request) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = current_request.get()
        record.request_id = context.request_id if context else ""
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", ""),
            "process": record.process,
        }
        extra = {
            key: value
            for key, value in vars(record).items()
            if key not in _STANDARD and key != "request_id" and not key.startswith("_")
        }
        if extra:
            entry["extra"] = {key: _plain(value) for key, value in extra.items()}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def _plain(value: object) -> object:
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)
