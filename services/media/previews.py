"""Uploaded previews: the picture normalised to PNG with its three smaller variants, or
a document kept as it is; the preview-file record told what it now holds."""

import asyncio
import re
import unicodedata
import uuid

from libs.common.errors import WrongParameter
from libs.common.uploads import UploadedFile
from services.media import pictures
from services.media.storage import key
from services.media.store import files

PICTURES = "pictures"
FILES = "files"
MOVIE_EXTENSIONS = frozenset({"avi", "m4v", "mkv", "mov", "mp4", "webm", "wmv"})
FILE_EXTENSIONS = frozenset(
    "ae ai blend clip comp diff exr fbx fla flv gif glb gltf hip kra ma mb md mp3 obj pdf psd "
    "psb rar rev riv sai sai2 sbbkp svg swf tvpp wav zip".split()
)


def split_name(filename: str) -> tuple[str, str]:
    """`shot.v2.JPG` -> (`shot.v2`, `jpg`), as Zou names the original and its extension."""
    parts = filename.split(".")
    extension = parts.pop().lower()
    return ".".join(parts), extension


async def _store_all(state, preview_file_id, bucket: str, paths: dict, extension: str) -> dict:
    sizes = {}
    for prefix, path in paths.items():
        sizes[prefix] = await state.storage.put_file(
            bucket, key(prefix, preview_file_id, extension), path
        )
    file_id = str(preview_file_id)
    stored = [
        files.Stored(bucket, key(prefix, preview_file_id, extension), prefix, file_id, size)
        for prefix, size in sizes.items()
    ]
    async with state.db.write() as conn:
        await files.record(conn, stored)
        await files.record_preview_states(conn, preview_file_id, bucket, list(sizes))
    return sizes


async def _picture(state, preview_file_id: uuid.UUID, upload: UploadedFile) -> dict:
    stem = uuid.uuid4().hex
    folder = state.storage.scratch()
    paths: dict = {}
    try:
        (width, height), paths = await asyncio.to_thread(
            pictures.preview_variants, upload.path, folder, stem
        )
        sizes = await _store_all(state, preview_file_id, PICTURES, paths, "png")
    finally:
        for path in paths.values():
            path.unlink(missing_ok=True)
    return {
        "extension": "png",
        "width": width,
        "height": height,
        "file_size": sizes["original"],
        "status": "ready",
    }


async def _document(state, preview_file_id, upload: UploadedFile, extension: str) -> dict:
    sizes = await _store_all(state, preview_file_id, FILES, {"previews": upload.path}, extension)
    return {"extension": extension, "file_size": sizes["previews"], "status": "ready"}


async def save(state, preview_file_id: uuid.UUID, upload: UploadedFile, user) -> dict:
    original_name, extension = split_name(upload.filename)
    if extension in pictures.PICTURE_EXTENSIONS:
        values = await _picture(state, preview_file_id, upload)
    elif extension in FILE_EXTENSIONS:
        values = await _document(state, preview_file_id, upload, extension)
    elif extension in MOVIE_EXTENSIONS:
        # Movies need ffmpeg's normalisation, which prodtrack does not run yet.
        raise WrongParameter("Movie previews are not supported yet.", data=None)
    else:
        # Zou drops a preview whose file it cannot take.
        await state.facts.delete_preview_file(preview_file_id, user.id)
        raise WrongParameter(f"Wrong file format, extension: {extension}", data=None)
    values["original_name"] = original_name
    return await state.facts.update_preview_file(preview_file_id, values, user.id)


NON_ASSET_TYPES = frozenset({"Shot", "Scene", "Sequence", "Episode", "Edit", "Concept"})


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")


def download_name(facts: dict) -> str:
    """`<project>_<entity path>_<task type>_v<revision>.<ext>`, slugged, as Zou names
    downloads; the original name when the organisation says so."""
    record = facts["preview_file"]
    if facts.get("use_original_file_name") and record.get("original_name") is not None:
        name = record["original_name"]
    else:
        kind = facts.get("entity_type_name")
        if kind in NON_ASSET_TYPES:
            path = [facts.get("grandparent_name"), facts.get("parent_name")]
        else:
            path = [kind]
        entity = " / ".join(part for part in [*path, facts.get("entity_name")] if part)
        name = _slug(
            f"{facts.get('project_name')}_{entity}_{facts.get('task_type_name')}"
            f"_v{record['revision']}"
        )
    if (record.get("position") or 0) > 1:
        name = f"{name}-{record['position']}"
    return f"{name}.{record['extension']}"
