"""Upload safety: names made harmless, types sniffed from content, never trusted."""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath, PureWindowsPath

from django.http import FileResponse

MAX_NAME = 150
_UNSAFE = re.compile(r"[^\w.\- ]+")


def safe_filename(name: str) -> str:
    """The last path component, normalised, without control or shell characters."""
    name = unicodedata.normalize("NFKC", name or "")
    name = PureWindowsPath(PurePosixPath(name).name).name  # drop ../ and C:\ parts
    name = _UNSAFE.sub("_", name).strip(" ._")
    if not name:
        return "file"
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        name = (
            (stem[: MAX_NAME - len(ext) - 1] + dot + ext)
            if dot and len(ext) < 10
            else name[:MAX_NAME]
        )
    return name


def sniff(head: bytes) -> str:
    """The media type the bytes say they are; the client's claim is ignored."""
    import filetype  # by the first upload, not by every worker at start-up (reads never sniff)

    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        # a cut multi-byte character at the end of the sample is still text
        try:
            head[:-4].decode("utf-8")
        except UnicodeDecodeError:
            return "application/octet-stream"
    return "text/plain"


def download_response(attachment) -> FileResponse:  # noqa: ANN001 - a core Attachment
    """Always a download, never rendered inline whatever the file claims to be: the API and
    the web pages answer with this one response."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
