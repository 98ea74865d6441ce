"""Multipart uploads, parsed by python-multipart through Starlette.

Starlette spools each file part to a temporary file past 1 MB, so memory stays flat
whatever the upload's size; `received` then gives every file a path of its own for the
time of the block (pictures are opened and stored from there).
"""

import shutil
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import anyio
from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from libs.common.errors import WrongParameter

MAX_FILES = 100
MAX_FIELDS = 1000


@dataclass
class UploadedFile:
    filename: str
    path: Path
    size: int = 0


@dataclass
class Form:
    files: dict[str, UploadedFile] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)


def is_multipart(request: Request) -> bool:
    return request.headers.get("content-type", "").lower().startswith("multipart/form-data")


async def _parsed(request: Request):
    try:
        return await request.form(max_files=MAX_FILES, max_fields=MAX_FIELDS)
    except (HTTPException, MultiPartException) as exc:
        detail = getattr(exc, "detail", None) or getattr(exc, "message", "")
        raise WrongParameter(f"The upload is not a readable multipart form: {detail}") from exc


@asynccontextmanager
async def received(request: Request, folder: Path) -> AsyncIterator[Form]:
    """The request's multipart form, its files on disk under `folder` for the block."""
    form = Form()
    parsed = await _parsed(request) if is_multipart(request) else None
    try:
        for name, value in parsed.multi_items() if parsed else ():
            if isinstance(value, UploadFile):
                if name not in form.files:
                    path = folder / f"upload-{uuid.uuid4().hex}"
                    size = await anyio.to_thread.run_sync(_copy, value, path)
                    form.files[name] = UploadedFile(value.filename or "", path, size)
            else:
                form.fields[name] = value
        yield form
    finally:
        for upload in form.files.values():
            upload.path.unlink(missing_ok=True)
        if parsed is not None:
            await parsed.close()


def _copy(upload: UploadFile, path: Path) -> int:
    upload.file.seek(0)
    with path.open("wb") as out:
        shutil.copyfileobj(upload.file, out, 1 << 20)
        return out.tell()


async def file_bytes(request: Request, field: str = "file") -> bytes:
    """The whole content of one small uploaded file (a CSV sheet)."""
    missing = WrongParameter(f"A file is expected in the `{field}` field of a multipart form.")
    if not is_multipart(request):
        raise missing
    parsed = await _parsed(request)
    try:
        upload = parsed.get(field)
        if not isinstance(upload, UploadFile):
            raise missing
        return await upload.read()
    finally:
        await parsed.close()
