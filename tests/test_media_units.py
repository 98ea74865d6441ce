"""Media's pure logic: reading multipart bodies in any chunking, and Zou's picture sizes."""

import asyncio

import pytest
from starlette.requests import Request

from libs.common import uploads
from libs.common.errors import WrongParameter
from services.media import pictures

BOUNDARY = b"xYzZY"
BODY = (
    b"--xYzZY\r\n"
    b'Content-Disposition: form-data; name="note"\r\n\r\n'
    b"hello\r\n"
    b"--xYzZY\r\n"
    b'Content-Disposition: form-data; name="file"; filename="my shot.v2.png"\r\n'
    b"Content-Type: image/png\r\n\r\n"
    b"\x89PNG\r\n--xYz almost a boundary\r\n\r\nend"
    b"\r\n--xYzZY--\r\n"
)


def _request(body: bytes, chunk: int) -> Request:
    chunks = [body[i : i + chunk] for i in range(0, len(body), chunk)] or [b""]
    messages = [
        {"type": "http.request", "body": part, "more_body": n < len(chunks) - 1}
        for n, part in enumerate(chunks)
    ]

    async def receive():
        return messages.pop(0)

    headers = [(b"content-type", b"multipart/form-data; boundary=" + BOUNDARY)]
    return Request({"type": "http", "method": "POST", "headers": headers}, receive)


async def _read(body: bytes, chunk: int, folder):
    async with uploads.received(_request(body, chunk), folder) as form:
        upload = form.files["file"]
        return form.fields, upload.filename, upload.path.read_bytes(), upload.size


@pytest.mark.parametrize("size", [1, 7, 1 << 16])
def test_multipart_parts_survive_any_chunking(tmp_path, size):
    fields, filename, content, length = asyncio.run(_read(BODY, size, tmp_path))
    assert fields == {"note": "hello"}
    assert filename == "my shot.v2.png"
    assert content == b"\x89PNG\r\n--xYz almost a boundary\r\n\r\nend"
    assert length == len(content)
    assert not any(tmp_path.iterdir()), "uploaded files outlive the block"


def test_a_truncated_body_yields_no_file_and_leaves_nothing(tmp_path):
    async def read():
        async with uploads.received(_request(BODY[:-40], 5), tmp_path) as form:
            return dict(form.files)

    assert asyncio.run(read()) == {}
    assert not any(tmp_path.iterdir())


def test_a_body_that_is_not_multipart_is_a_clear_400(tmp_path):
    broken = b"--xYzZY\r\nno headers end here"

    async def read():
        async with uploads.received(_request(broken, 4), tmp_path) as form:
            return dict(form.files)

    with pytest.raises(WrongParameter, match="not a readable multipart form"):
        asyncio.run(read())
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize(
    "size, box, canvas, inner",
    [
        ((640, 360), pictures.RECTANGLE, (150, 100), (150, 84)),
        ((100, 400), pictures.RECTANGLE, (150, 100), (25, 100)),
        ((640, 360), pictures.PREVIEW, (1200, 675), (1200, 675)),
        ((100, 400), pictures.PREVIEW, (1200, 4800), (1200, 4800)),
        ((50, 80), pictures.BIG_SQUARE, (400, 400), (250, 400)),
    ],
)
def test_variant_sizes_follow_zou(size, box, canvas, inner):
    assert pictures.box_for(size, box) == canvas
    assert pictures.fitted(size, canvas) == inner
