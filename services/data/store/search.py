"""Search without an indexer: case-insensitive substring matches on names, in PostgreSQL,
answered in the shape Zou's indexed search gives (with `matched_terms`)."""

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from services.data import serialize
from services.data.crud.models import PERSON_SECRETS
from services.data.store import entities
from services.data.tables import entity, entity_type, person, preview_file, project

MINIMAL_PERSON = ("id", "first_name", "last_name", "has_avatar", "active", "studio_id")


def _pattern(query: str) -> str:
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def persons(conn: AsyncConnection, query: str, limit: int, offset: int, minimal: bool):
    full_name = sa.func.concat(person.c.first_name, " ", person.c.last_name)
    rows = await conn.execute(
        sa.select(person)
        .where(full_name.ilike(_pattern(query)), person.c.is_bot.is_(False))
        .order_by(person.c.first_name, person.c.last_name)
        .limit(limit)
        .offset(offset)
    )
    out = []
    for r in rows.mappings():
        if minimal:
            item = {k: serialize.value(r[k]) for k in MINIMAL_PERSON}
            item["type"] = "Person"
            item["departments"] = []
        else:
            item = serialize.row(r, "Person", hidden=PERSON_SECRETS)
        item["full_name"] = f"{r['first_name'] or ''} {r['last_name'] or ''}".strip()
        item["matched_terms"] = [query]
        out.append(item)
    return out


async def entities_of(
    conn: AsyncConnection, kind: str, query: str, project_ids: list, limit: int, offset: int
) -> list[dict]:
    parent = entity.alias("parent")
    grand = entity.alias("grand")
    kind_condition = entities.is_asset() if kind == "Asset" else entities.of_type("Shot")
    rows = await conn.execute(
        sa.select(
            entity,
            project.c.name.label("_project_name"),
            project.c.production_type.label("_production_type"),
            entity_type.c.name.label("_type_name"),
            parent.c.name.label("_parent_name"),
            grand.c.id.label("_grand_id"),
            grand.c.name.label("_grand_name"),
            preview_file.c.extension.label("_preview_extension"),
        )
        .join(project, project.c.id == entity.c.project_id)
        .join(entity_type, entity_type.c.id == entity.c.entity_type_id)
        .join(parent, parent.c.id == entity.c.parent_id, isouter=True)
        .join(grand, grand.c.id == parent.c.parent_id, isouter=True)
        .join(preview_file, preview_file.c.id == entity.c.preview_file_id, isouter=True)
        .where(
            kind_condition,
            entity.c.project_id.in_(project_ids),
            entity.c.name.ilike(_pattern(query)),
            entity.c.canceled.is_not(True),
        )
        .order_by(entity.c.name)
        .limit(limit)
        .offset(offset)
    )
    out = []
    for r in rows.mappings():
        item = entities.shape(r, kind)
        item["project_name"] = r["_project_name"]
        if kind == "Asset":
            item["asset_type_name"] = r["_type_name"]
        else:
            item["sequence_name"] = r["_parent_name"] or ""
            if r["_production_type"] == "tvshow" and r["_grand_id"] is not None:
                item["episode"] = r["_grand_name"]
                item["episode_id"] = str(r["_grand_id"])
        item["preview_file_extension"] = r["_preview_extension"]
        item["matched_terms"] = [query]
        out.append(item)
    return out
