"""Storage of confidential files (project attachments, dossier copies).

Files live under `PRIVATE_MEDIA_ROOT`, never under `MEDIA_URL`: they have no public URL and
are served only by views that check who asks. The location is read from the settings at each
use, so that tests (and operators) can move it.
"""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages


class PrivateStorage(FileSystemStorage):
    def __init__(self, **kwargs):
        kwargs.pop("location", None)
        kwargs["base_url"] = None
        super().__init__(**kwargs)

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return str(Path(self.base_location).resolve())

    def url(self, name):
        raise ValueError("Confidential files have no URL: serve them through a view.")


def private_storage():
    """The storage of confidential files (a callable, for `FileField(storage=...)`)."""
    return storages["private"]
