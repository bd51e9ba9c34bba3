"""Where generated reports are kept: in PostgreSQL by default, so every web
replica on every machine serves a report any worker made, with no shared disk,
and the database backup holds them too.

`DatabaseStorage` is a Django storage over the `StoredFile` table (one row per
file name, the bytes in a bytea column). The `reports` entry of STORAGES picks
the backend: set REPORT_STORAGE_BACKEND (and that backend's own settings, e.g.
django-storages' S3 backend and its AWS_* variables) to keep them in an
S3-compatible store instead.
"""

from __future__ import annotations

import io

from django.core.files.base import File
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.utils.deconstruct import deconstructible


def report_storage() -> Storage:
    """The storage of generated reports (a callable, so settings choose it at run time)."""
    return storages["reports"]


@deconstructible
class DatabaseStorage(Storage):
    def _model(self):
        from reports.models import StoredFile

        return StoredFile

    def _open(self, name: str, mode: str = "rb") -> File:
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("Stored reports are written with save(), not opened for writing.")
        row = self._model().objects.filter(name=name).only("content").first()
        if row is None:
            raise FileNotFoundError(name)
        return File(io.BytesIO(bytes(row.content)), name=name)

    def _save(self, name: str, content) -> str:
        content.seek(0)
        data = content.read()
        if isinstance(data, str):
            data = data.encode()
        with transaction.atomic():
            self._model().objects.update_or_create(
                name=name, defaults={"content": data, "size": len(data)}
            )
        return name

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        # A report is saved under its run's name, replacing the previous PDF.
        return name

    def delete(self, name: str) -> None:
        self._model().objects.filter(name=name).delete()

    def exists(self, name: str) -> bool:
        return self._model().objects.filter(name=name).exists()

    def size(self, name: str) -> int:
        row = self._model().objects.filter(name=name).only("size").first()
        if row is None:
            raise FileNotFoundError(name)
        return row.size

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        prefix = path.rstrip("/") + "/" if path else ""
        names = self._model().objects.filter(name__startswith=prefix).values_list("name", flat=True)
        return [], [name.removeprefix(prefix) for name in names if "/" not in name[len(prefix) :]]

    def url(self, name: str) -> str:
        raise NotImplementedError("Reports are downloaded through their page, never by URL.")
