"""Where media's bytes live: a small backend interface, the local filesystem for now.

Objects are addressed by bucket (`pictures`, `movies`, `files`) and key
(`<prefix>/<id>.<ext>`), the layout an S3 backend would use as object keys.
"""

import os
import shutil
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Protocol

import anyio

CHUNK = 1 << 16


class Storage(Protocol):
    async def put_file(self, bucket: str, key: str, source: Path) -> int:
        """Stores the file at `source` (a local temporary file) and returns its size."""

    async def size(self, bucket: str, key: str) -> int | None:
        """The object's size, or None when there is none."""

    def read(self, bucket: str, key: str) -> AsyncIterator[bytes]:
        """The object's bytes, in chunks."""

    async def delete(self, bucket: str, key: str) -> bool: ...

    def scratch(self) -> Path:
        """A local folder for uploads being received and pictures being made."""


def key(prefix: str, instance_id: uuid.UUID | str, extension: str = "png") -> str:
    return f"{prefix}/{instance_id}.{extension}"


class LocalStorage:
    def __init__(self, root: Path):
        self.root = root
        (root / "tmp").mkdir(parents=True, exist_ok=True)

    def _path(self, bucket: str, key: str) -> Path:
        return self.root / bucket / key

    async def put_file(self, bucket: str, key: str, source: Path) -> int:
        target = self._path(bucket, key)

        def copy() -> int:
            target.parent.mkdir(parents=True, exist_ok=True)
            # Written beside the target then renamed, so a reader never sees half a file.
            partial = target.with_name(f".{target.name}.{uuid.uuid4().hex}")
            shutil.copyfile(source, partial)
            os.replace(partial, target)
            return target.stat().st_size

        return await anyio.to_thread.run_sync(copy)

    async def size(self, bucket: str, key: str) -> int | None:
        path = self._path(bucket, key)
        try:
            return (await anyio.Path(path).stat()).st_size
        except FileNotFoundError:
            return None

    async def read(self, bucket: str, key: str) -> AsyncIterator[bytes]:
        async with await anyio.open_file(self._path(bucket, key), "rb") as handle:
            while chunk := await handle.read(CHUNK):
                yield chunk

    async def delete(self, bucket: str, key: str) -> bool:
        try:
            await anyio.Path(self._path(bucket, key)).unlink()
        except FileNotFoundError:
            return False
        return True

    def scratch(self) -> Path:
        return self.root / "tmp"
