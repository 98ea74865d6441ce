"""The file field of a multipart upload. CSV sheets are small, so the body is read whole
and split with the standard library's MIME parser."""

from email import policy
from email.parser import BytesParser

from fastapi import Request

from libs.common.errors import WrongParameter


async def uploaded_file(request: Request, field: str = "file") -> bytes:
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        raise WrongParameter(f"A file is expected in the `{field}` field of a multipart form.")
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=policy.HTTP).parsebytes(head + await request.body())
    for part in message.iter_parts() if message.is_multipart() else ():
        if part.get_param("name", header="content-disposition") == field:
            return part.get_payload(decode=True) or b""
    raise WrongParameter(f"A file is expected in the `{field}` field of a multipart form.")
