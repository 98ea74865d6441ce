"""Answers that carry stored bytes, with Zou's cache headers and conditional requests."""

import datetime as dt
import hashlib
import re
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import Response, StreamingResponse

from libs.common.errors import NotFound, error_response
from services.media.storage import Storage

# Zou's CLIENT_CACHE_MAX_AGE; private because the bytes are gated by the caller's token.
CACHE_CONTROL = "max-age=604800, private"
MIMETYPES = {"png": "image/png", "pdf": "application/pdf"}


def _last_modified(updated_at: str | None) -> dt.datetime | None:
    if not updated_at:
        return None
    return dt.datetime.fromisoformat(updated_at).replace(tzinfo=dt.UTC)


def _not_modified(request: Request, etag: str, modified: dt.datetime | None) -> bool:
    if match := request.headers.get("if-none-match"):
        return etag in [tag.strip() for tag in match.split(",")] or match.strip() == "*"
    since = request.headers.get("if-modified-since")
    if since and modified is not None:
        try:
            return modified.replace(microsecond=0) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


async def stored(
    request: Request,
    storage: Storage,
    bucket: str,
    key: str,
    updated_at: str | None = None,
    extension: str = "png",
    download_name: str | None = None,
):
    size = await storage.size(bucket, key)
    if size is None:
        raise NotFound()
    modified = _last_modified(updated_at)
    digest = hashlib.blake2s(f"{key}:{updated_at}".encode(), digest_size=8).hexdigest()
    etag = f'"{digest}-{size}"'
    headers = {"cache-control": CACHE_CONTROL, "etag": etag}
    if modified is not None:
        headers["last-modified"] = format_datetime(modified, usegmt=True)
    if _not_modified(request, etag, modified):
        return Response(status_code=304, headers=headers)
    if download_name:
        headers["content-disposition"] = _attachment(download_name)
    else:
        headers["content-disposition"] = 'inline; filename=""'
    headers["content-length"] = str(size)
    mimetype = MIMETYPES.get(extension, "application/octet-stream")
    return StreamingResponse(storage.read(bucket, key), media_type=mimetype, headers=headers)


def _attachment(name: str) -> str:
    if re.fullmatch(r"[\w.-]+", name, re.ASCII):
        return f"attachment; filename={name}"
    plain = name.encode("ascii", "ignore").decode().replace('"', "")
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name)}"


def processing(request: Request, preview_file_id: str):
    """A preview whose pictures are still being made: a JSON client is told to come back,
    a browser gets the 404 it handles; neither is cached."""
    accept = request.headers.get("accept", "")
    if _prefers_json(accept):
        return Response(
            content=f'{{"status":"processing","preview_file_id":"{preview_file_id}"}}',
            status_code=202,
            media_type="application/json",
            headers={"retry-after": "5", "cache-control": "no-store"},
        )
    response = error_response(404, "Preview file was not found.")
    response.headers["cache-control"] = "no-store"
    return response


def _quality(accept: str, mimetype: str) -> float:
    best = 0.0
    major = mimetype.split("/")[0]
    for item in accept.split(","):
        kind, *params = [part.strip() for part in item.split(";")]
        if kind not in (mimetype, f"{major}/*", "*/*"):
            continue
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        best = max(best, q)
    return best


def _prefers_json(accept: str) -> bool:
    return _quality(accept, "application/json") > _quality(accept, "image/png")
