"""A ``multipart/form-data`` action body as a payload: each form field as a
string, each file as a ``core.domain.Upload``.

The body is decoded as it arrives, a chunk at a time: a file is refused the
moment it grows past ``UPLOAD_MAX_BYTES``, so no more than that and one chunk
is ever held, and a body longer than the app's ``MAX_CONTENT_LENGTH`` is
refused before any of it is read. Nothing touches the disk: a file's name is
kept only as text.
"""

from __future__ import annotations

from flask import Request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData

from adapters.web.converter import Unreadable
from core.domain import UPLOAD_MAX_BYTES, Upload

CHUNK = 64 * 1024
FIELD_MAX = 64 * 1024
"""The longest a form field (not a file) may be, in bytes."""
MAX_PARTS = 16
FILENAME_MAX = 255


class UploadTooLarge(Exception):
    """A file over the limit, or a body over the app's limit."""


def is_multipart(request: Request) -> bool:
    """``request.mimetype == "multipart/form-data"``, with the mimetype taken
    from the environ as Werkzeug takes it (before any ``;``, stripped of
    spaces and tabs, lowercased), not parsing the parameters of every JSON
    action's ``Content-Type``."""
    content_type: str = request.environ.get("CONTENT_TYPE", "")
    return content_type.partition(";")[0].strip(" \t").lower() == "multipart/form-data"


def read_form_body(request: Request) -> dict[str, object] | Unreadable:
    """The form's fields and files by name, or ``Unreadable`` with a reason
    a person can read; raises ``UploadTooLarge``."""
    limit = request.max_content_length
    if limit is not None and request.content_length is not None and request.content_length > limit:
        raise UploadTooLarge
    boundary = request.mimetype_params.get("boundary", "")
    if not boundary or not boundary.isascii():
        return Unreadable("Body must be multipart/form-data with a boundary")
    try:
        return _Form(boundary.encode("ascii")).read(request)
    except RequestEntityTooLarge:  # a body without a length, read past the limit
        raise UploadTooLarge from None
    except UploadTooLarge:
        discard_rest(request)
        raise
    except ValueError:  # the decoder's word for a malformed body
        return Unreadable("Body is not valid multipart/form-data")


def discard_rest(request: Request) -> None:
    """Read what is left of a refused body, keeping none of it, so that the
    client, still sending, gets the answer instead of a reset connection.
    There is at most the app's limit of it: the stream ends there."""
    try:
        while request.stream.read(CHUNK):
            pass
    except (RequestEntityTooLarge, OSError):
        pass


class _Form:
    def __init__(self, boundary: bytes) -> None:
        self._decoder = MultipartDecoder(boundary)
        self._payload: dict[str, object] = {}
        self._part: Field | File | None = None
        self._data: list[bytes] = []
        self._size = 0

    def read(self, request: Request) -> dict[str, object] | Unreadable:
        stream = request.stream
        while True:
            chunk = stream.read(CHUNK)
            self._decoder.receive_data(chunk or None)
            event = self._decoder.next_event()
            while not isinstance(event, Epilogue | NeedData):
                problem = self._take(event)
                if problem is not None:
                    return Unreadable(problem)
                event = self._decoder.next_event()
            if isinstance(event, Epilogue):
                return self._payload
            if not chunk:
                return Unreadable("Body is not valid multipart/form-data")

    def _take(self, event: object) -> str | None:
        """Take one decoder event; the reason to refuse the body, if any."""
        if isinstance(event, Field | File):
            if event.name in self._payload:
                return f"Field {event.name[:100]!r} is given more than once"
            if len(self._payload) >= MAX_PARTS:
                return f"A form may have at most {MAX_PARTS} fields"
            self._part, self._data, self._size = event, [], 0
        elif isinstance(event, Data) and self._part is not None:
            self._size += len(event.data)
            if isinstance(self._part, File) and self._size > UPLOAD_MAX_BYTES:
                raise UploadTooLarge
            if isinstance(self._part, Field) and self._size > FIELD_MAX:
                return f"Field {self._part.name[:100]!r} is too long"
            self._data.append(event.data)
            if not event.more_data:
                return self._finish(self._part, b"".join(self._data))
        return None

    def _finish(self, part: Field | File, data: bytes) -> str | None:
        self._data = []
        if isinstance(part, File):
            self._payload[part.name] = Upload(data, part.filename[:FILENAME_MAX])
            return None
        try:
            self._payload[part.name] = data.decode("utf-8")
        except UnicodeDecodeError:
            return f"Field {part.name[:100]!r} must be UTF-8 text"
        return None
