"""Media's pure logic: reading multipart bodies in any chunking, and Zou's picture sizes."""

import asyncio

import pytest

from services.media import pictures, uploads

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


async def _chunks(data: bytes, size: int):
    for start in range(0, len(data), size):
        yield data[start : start + size]


@pytest.mark.parametrize("size", [1, 3, 7, 16, 1 << 16])
def test_multipart_parts_survive_any_chunking(tmp_path, size):
    form = uploads.Form()
    asyncio.run(uploads._parse(_chunks(BODY, size), BOUNDARY, tmp_path, form))
    assert form.fields == {"note": "hello"}
    upload = form.files["file"]
    assert upload.filename == "my shot.v2.png"
    assert upload.path.read_bytes() == b"\x89PNG\r\n--xYz almost a boundary\r\n\r\nend"
    assert upload.size == upload.path.stat().st_size


def test_truncated_body_leaves_no_file(tmp_path):
    form = uploads.Form()
    asyncio.run(uploads._parse(_chunks(BODY[:-40], 5), BOUNDARY, tmp_path, form))
    assert "file" not in form.files
    assert not any(tmp_path.iterdir())


def test_boundary_read_from_content_type():
    assert uploads.boundary_of('multipart/form-data; boundary="a b"') == b"a b"
    assert uploads.boundary_of("multipart/form-data; boundary=abc") == b"abc"
    assert uploads.boundary_of("application/json") is None


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
