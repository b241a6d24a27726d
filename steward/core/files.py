"""Upload safety: names made harmless, types sniffed from content, never trusted."""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath, PureWindowsPath

import filetype

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
