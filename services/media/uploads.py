"""Receiving uploads: a multipart body streamed part by part to temporary files.

Only the chunk being parsed is in memory, whatever the size of the upload.
"""

import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import anyio

FIELD_LIMIT = 1 << 16
_PARAM = re.compile(r';\s*([\w*-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))')


@dataclass
class UploadedFile:
    filename: str
    path: Path
    size: int = 0


@dataclass
class Form:
    files: dict[str, UploadedFile] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)


def _params(header_value: str) -> dict[str, str]:
    return {
        m.group(1).lower(): (m.group(2) if m.group(2) is not None else m.group(3))
        for m in _PARAM.finditer(header_value)
    }


def boundary_of(content_type: str | None) -> bytes | None:
    if not content_type or not content_type.lower().startswith("multipart/form-data"):
        return None
    found = _params(content_type).get("boundary")
    return found.encode("latin-1") if found else None


class _Part:
    def __init__(self, headers: bytes, folder: Path):
        disposition = ""
        for line in headers.decode("utf-8", "replace").split("\r\n"):
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-disposition":
                disposition = value
        params = _params(disposition)
        self.name = params.get("name") or ""
        self.filename = params.get("filename")
        self.file: UploadedFile | None = None
        self.handle = None
        self.text = bytearray()
        if self.filename is not None:
            self.file = UploadedFile(self.filename, folder / f"upload-{uuid.uuid4().hex}")

    async def write(self, data: bytes) -> None:
        if not data:
            return
        if self.file is None:
            if len(self.text) + len(data) <= FIELD_LIMIT:
                self.text += data
            return
        if self.handle is None:
            self.handle = await anyio.open_file(self.file.path, "wb")
        await self.handle.write(data)
        self.file.size += len(data)

    async def close(self, form: Form) -> None:
        if self.file is not None:
            if self.handle is None:
                self.file.path.touch()
            else:
                await self.handle.aclose()
            form.files.setdefault(self.name, self.file)
        else:
            form.fields[self.name] = self.text.decode("utf-8", "replace")


async def _parse(chunks: AsyncIterator[bytes], boundary: bytes, folder: Path, form: Form):
    delimiter = b"\r\n--" + boundary
    # The first delimiter has no leading CRLF: pretend the preamble ended with one.
    buffer = b"\r\n"
    part: _Part | None = None
    state = "preamble"
    try:
        async for chunk in chunks:
            buffer += chunk
            while True:
                if state in ("preamble", "body"):
                    at = buffer.find(delimiter)
                    if at < 0:
                        keep = len(delimiter) + 1
                        if part is not None and len(buffer) > keep:
                            await part.write(buffer[:-keep])
                            buffer = buffer[-keep:]
                        elif part is None:
                            buffer = buffer[-keep:]
                        break
                    if part is not None:
                        await part.write(buffer[:at])
                        await part.close(form)
                        part = None
                    buffer = buffer[at + len(delimiter) :]
                    state = "after-delimiter"
                if state == "after-delimiter":
                    if len(buffer) < 2:
                        break
                    if buffer.startswith(b"--"):
                        return
                    end = buffer.find(b"\r\n")
                    if end < 0:
                        break
                    buffer = buffer[end + 2 :]
                    state = "headers"
                if state == "headers":
                    end = buffer.find(b"\r\n\r\n")
                    if end < 0:
                        if len(buffer) > FIELD_LIMIT:
                            return
                        break
                    part = _Part(buffer[:end], folder)
                    buffer = buffer[end + 4 :]
                    state = "body"
    finally:
        if part is not None and part.handle is not None:
            await part.handle.aclose()
            part.file.path.unlink(missing_ok=True)


@asynccontextmanager
async def received(request, folder: Path):
    """The request's multipart form, its files on disk for the time of the block."""
    form = Form()
    try:
        boundary = boundary_of(request.headers.get("content-type"))
        if boundary is not None:
            await _parse(request.stream(), boundary, folder, form)
        yield form
    finally:
        for upload in form.files.values():
            upload.path.unlink(missing_ok=True)
