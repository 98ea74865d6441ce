"""Asset instances: numbered copies of an asset living in a scene or inside another
asset, linked to the shots that use them. Lists come grouped as Zou groups them."""

import re
import unicodedata

import sqlalchemy as sa

from services.data import serialize
from services.data import tables as t

ai, link = t.asset_instance, t.asset_instance_link


def shape(row) -> dict:
    return serialize.row(row, "AssetInstance")


def _grouped(rows, key: str) -> dict:
    out: dict = {}
    for row in rows:
        item = dict(row)
        group = str(item.pop("_group"))
        out.setdefault(group, []).append(shape(item))
    return out


async def grouped(conn, *conditions, by=ai.c.asset_id, join=None) -> dict:
    """Instances matching the conditions, grouped by `by` (asset, shot or scene id)."""
    statement = sa.select(ai, by.label("_group"))
    if join is not None:
        statement = statement.select_from(join)
    statement = statement.where(*conditions).order_by(ai.c.asset_id, ai.c.number)
    return _grouped((await conn.execute(statement)).mappings(), "_group")


def of_type(type_id):
    """Keeps instances of assets of this type."""
    return ai.c.asset_id.in_(sa.select(t.entity.c.id).where(t.entity.c.entity_type_id == type_id))


def in_shot(shot_id):
    return ai.c.id.in_(sa.select(link.c.asset_instance_id).where(link.c.entity_id == shot_id))


def shots_of_asset_join():
    return ai.join(link, link.c.asset_instance_id == ai.c.id)


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "_", ascii_name).strip("_")


async def create(conn, outbox, asset: dict, holder: dict, user_id, description=None) -> dict:
    """The next numbered instance of `asset` in `holder` (a scene or an asset), named
    `<Asset_Name>_<0001>` as Zou names it."""
    column = ai.c.scene_id if holder["_kind"] == "Scene" else ai.c.target_asset_id
    last = (
        await conn.execute(
            sa.select(sa.func.max(ai.c.number)).where(
                column == holder["id"], ai.c.asset_id == asset["id"]
            )
        )
    ).scalar()
    number = (last or 0) + 1
    values = {
        "asset_id": asset["id"],
        column.name: holder["id"],
        "number": number,
        "name": f"{_slug(asset['name'])}_{number:04d}",
        "description": description,
    }
    row = (await conn.execute(sa.insert(ai).values(**values).returning(*ai.c))).mappings().one()
    data = {"asset_instance_id": str(row["id"])}
    if holder["_kind"] == "Scene":
        data.update(scene_id=str(holder["id"]), asset_id=str(asset["id"]))
    else:
        data.update(asset_id=str(holder["id"]), asset_instantiated=str(asset["id"]))
    await outbox.emit(
        conn, "asset_instance:new", data, project_id=holder["project_id"], user_id=user_id
    )
    return shape(row)


async def get(conn, instance_id) -> dict | None:
    found = (await conn.execute(sa.select(ai).where(ai.c.id == instance_id))).mappings().first()
    return dict(found) if found else None


async def add_to_shot(conn, outbox, shot: dict, instance_id, user_id) -> None:
    await conn.execute(
        sa.dialects.postgresql.insert(link)
        .values(entity_id=shot["id"], asset_instance_id=instance_id)
        .on_conflict_do_nothing()
    )
    await outbox.emit(
        conn,
        "asset_instance:add-to-shot",
        {"shot_id": str(shot["id"]), "asset_instance_id": str(instance_id)},
        project_id=shot["project_id"],
        user_id=user_id,
    )
