"""Casting (entity_link) and asset instances: reads as Zou shapes them, writes with events."""

import sqlalchemy as sa

from services.data import serialize
from services.data import tables as t
from services.data.store import entities

link, e, et = t.entity_link, t.entity, t.entity_type


def _casting_columns(asset):
    asset_type = et.alias("asset_type")
    return asset_type, [
        link.c.entity_in_id,
        link.c.entity_out_id.label("asset_id"),
        asset.c.name.label("asset_name"),
        asset_type.c.name.label("asset_type_name"),
        asset.c.preview_file_id,
        asset.c.source_id,
        asset.c.ready_for,
        asset.c.is_shared,
        asset.c.project_id,
        link.c.nb_occurences,
        link.c.label,
    ]


async def casting_of(conn, entity_id) -> list[dict]:
    asset = e.alias("asset")
    asset_type, columns = _casting_columns(asset)
    statement = (
        sa.select(*columns)
        .join(asset, asset.c.id == link.c.entity_out_id)
        .join(asset_type, asset_type.c.id == asset.c.entity_type_id)
        .where(link.c.entity_in_id == entity_id, asset.c.canceled.is_not(True))
        .order_by(asset_type.c.name, asset.c.name)
    )
    return [
        {
            "asset_id": str(r["asset_id"]),
            "asset_name": r["asset_name"],
            "asset_type_name": r["asset_type_name"],
            "ready_for": serialize.value(r["ready_for"]),
            "episode_id": serialize.value(r["source_id"]),
            "preview_file_id": serialize.value(r["preview_file_id"]),
            "nb_occurences": r["nb_occurences"],
            "label": r["label"],
            "is_shared": r["is_shared"],
            "project_id": str(r["project_id"]),
        }
        for r in (await conn.execute(statement)).mappings()
    ]


async def castings_by(conn, *conditions, holder=None, with_sequence=False, order=()) -> dict:
    """{entity_in_id: [cast asset...]} for the casting links matching the conditions."""
    asset = e.alias("asset")
    asset_type, columns = _casting_columns(asset)
    statement = (
        sa.select(*columns)
        .join(asset, asset.c.id == link.c.entity_out_id)
        .join(asset_type, asset_type.c.id == asset.c.entity_type_id)
        .where(asset.c.canceled.is_not(True), *conditions)
    )
    if holder is not None:
        statement = statement.join(holder, holder.c.id == link.c.entity_in_id)
    sequence = None
    if with_sequence:
        sequence = e.alias("sequence")
        statement = statement.join(sequence, sequence.c.id == holder.c.parent_id).add_columns(
            sequence.c.name.label("sequence_name")
        )
    statement = statement.order_by(*order, asset_type.c.name, asset.c.name)
    out: dict = {}
    for r in (await conn.execute(statement)).mappings():
        item = {
            "asset_id": str(r["asset_id"]),
            "name": r["asset_name"],
            "asset_name": r["asset_name"],
            "asset_type_name": r["asset_type_name"],
        }
        if with_sequence:
            item["sequence_name"] = r["sequence_name"]
        item.update(
            preview_file_id=serialize.value(r["preview_file_id"]),
            nb_occurences=r["nb_occurences"],
            label=r["label"],
            is_shared=r["is_shared"],
            project_id=str(r["project_id"]),
        )
        out.setdefault(str(r["entity_in_id"]), []).append(item)
    return out


async def shots_casting(conn, project_id=None, sequence_id=None, episode_id=None) -> dict:
    shot = e.alias("shot")
    sequence_alias_conditions = [shot.c.entity_type_id == entities.of_type("Shot").right]
    if project_id is not None:
        sequence_alias_conditions.append(shot.c.project_id == project_id)
    if sequence_id is not None:
        sequence_alias_conditions.append(shot.c.parent_id == sequence_id)
    if episode_id is not None:
        sequences = sa.select(e.c.id).where(e.c.parent_id == episode_id)
        sequence_alias_conditions.append(shot.c.parent_id.in_(sequences))
    return await castings_by(
        conn,
        *sequence_alias_conditions,
        holder=shot,
        with_sequence=True,
        order=(shot.c.name,),
    )


async def episodes_casting(conn, project_id) -> dict:
    episode = e.alias("episode")
    return await castings_by(
        conn,
        episode.c.project_id == project_id,
        episode.c.entity_type_id == entities.of_type("Episode").right,
        holder=episode,
    )


async def asset_type_casting(conn, project_id, asset_type_id) -> dict:
    holder = e.alias("holder")
    found = await castings_by(
        conn,
        holder.c.project_id == project_id,
        holder.c.entity_type_id == asset_type_id,
        holder=holder,
    )
    for items in found.values():
        for item in items:
            for key in ("is_shared", "project_id"):
                item.pop(key, None)
    return found


async def _set_link(conn, outbox, entity, asset_id, nb, label, user_id, data=None) -> bool:
    """Creates or updates one casting link; True when it is new."""
    existing = (
        await conn.execute(
            sa.select(link.c.id).where(
                link.c.entity_in_id == entity["id"], link.c.entity_out_id == asset_id
            )
        )
    ).scalar()
    if existing is None:
        new_id = (
            await conn.execute(
                sa.insert(link)
                .values(
                    entity_in_id=entity["id"],
                    entity_out_id=asset_id,
                    nb_occurences=nb,
                    label=label,
                    data=data,
                )
                .returning(link.c.id)
            )
        ).scalar()
        await outbox.emit(
            conn,
            "entity-link:new",
            {
                "entity_link_id": str(new_id),
                "entity_in_id": str(entity["id"]),
                "entity_out_id": str(asset_id),
                "nb_occurences": nb,
            },
            project_id=entity["project_id"],
            user_id=user_id,
        )
        return True
    await conn.execute(
        sa.update(link).where(link.c.id == existing).values(nb_occurences=nb, label=label)
    )
    await outbox.emit(
        conn,
        "entity-link:update",
        {"entity_link_id": str(existing), "nb_occurences": nb},
        project_id=entity["project_id"],
        user_id=user_id,
    )
    return False


async def _episode_of_shot(conn, shot) -> dict | None:
    if shot["_kind"] != "Shot" or shot["parent_id"] is None:
        return None
    sequence = await entities.get(conn, shot["parent_id"])
    if sequence is None or sequence["parent_id"] is None:
        return None
    return await entities.get(conn, sequence["parent_id"])


async def _count(conn, entity_id) -> int:
    asset = e.alias("asset")
    statement = (
        sa.select(sa.func.count())
        .select_from(link)
        .join(asset, asset.c.id == link.c.entity_out_id)
        .where(link.c.entity_in_id == entity_id, asset.c.canceled.is_not(True))
    )
    count = (await conn.execute(statement)).scalar()
    await conn.execute(sa.update(e).where(e.c.id == entity_id).values(nb_entities_out=count))
    return count


async def set_casting(conn, outbox, entity: dict, casting: list[dict], user_id) -> None:
    """Replaces the casting of an entity; a shot's assets are cast in its episode too."""
    before = {
        str(v)
        for v in (
            await conn.execute(
                sa.select(link.c.entity_out_id).where(link.c.entity_in_id == entity["id"])
            )
        ).scalars()
    }
    wanted = {str(c["asset_id"]) for c in casting}
    await conn.execute(
        sa.delete(link).where(
            link.c.entity_in_id == entity["id"],
            link.c.entity_out_id.not_in([c["asset_id"] for c in casting]),
        )
    )
    episode = await _episode_of_shot(conn, entity)
    for cast in casting:
        await _set_link(
            conn, outbox, entity, cast["asset_id"], cast["nb_occurences"], cast["label"], user_id
        )
        if episode is not None:
            await _auto_cast_episode(conn, outbox, episode, cast, user_id)
        if entity["_kind"] == "Episode":
            await outbox.emit(
                conn,
                "asset:update",
                {"asset_id": str(cast["asset_id"])},
                project_id=entity["project_id"],
                user_id=user_id,
            )
    await _announce(conn, outbox, entity, sorted(wanted - before), sorted(before - wanted), user_id)


async def _announce(conn, outbox, entity, added: list, removed: list, user_id) -> None:
    """Recounts the entity's live casting and says what changed (`<kind>:casting-update`)."""
    count = await _count(conn, entity["id"])
    kind = entity["_kind"] if entity["_kind"] in ("Shot", "Episode") else "Asset"
    await outbox.emit(
        conn,
        f"{kind.lower()}:casting-update",
        {
            f"{kind.lower()}_id": str(entity["id"]),
            "nb_entities_out": count,
            "added_asset_ids": added,
            "removed_asset_ids": removed,
        },
        project_id=entity["project_id"],
        user_id=user_id,
    )


async def cast_one(conn, outbox, entity, asset_id, nb, label, user_id) -> None:
    """Casts one asset in the entity (keeping the link's count and label when not given)."""
    current = (
        (
            await conn.execute(
                sa.select(link).where(
                    link.c.entity_in_id == entity["id"], link.c.entity_out_id == asset_id
                )
            )
        )
        .mappings()
        .first()
    )
    nb = nb if nb is not None else (current["nb_occurences"] if current else 1)
    label = label if label is not None else (current["label"] if current else "")
    await _set_link(conn, outbox, entity, asset_id, nb, label, user_id)
    episode = await _episode_of_shot(conn, entity)
    if episode is not None:
        await _auto_cast_episode(
            conn, outbox, episode, {"asset_id": asset_id, "label": label}, user_id
        )
    if entity["_kind"] == "Episode":
        await outbox.emit(
            conn,
            "asset:update",
            {"asset_id": str(asset_id)},
            project_id=entity["project_id"],
            user_id=user_id,
        )
    added = [] if current else [str(asset_id)]
    await _announce(conn, outbox, entity, added, [], user_id)


async def uncast_one(conn, outbox, entity, asset_id, user_id) -> bool:
    """Removes one asset from the entity's casting; False when it was not cast."""
    removed = await conn.execute(
        sa.delete(link)
        .where(link.c.entity_in_id == entity["id"], link.c.entity_out_id == asset_id)
        .returning(link.c.id)
    )
    if removed.first() is None:
        return False
    await _announce(conn, outbox, entity, [], [str(asset_id)], user_id)
    return True


def link_shape(row, milliseconds=False) -> dict:
    out = serialize.row(
        {
            k: row[k]
            for k in (
                "id",
                "entity_in_id",
                "entity_out_id",
                "nb_occurences",
                "label",
                "data",
                "created_at",
                "updated_at",
            )
        },
        "EntityLink",
    )
    if milliseconds:
        out["created_at"] = row["created_at"].isoformat(timespec="microseconds")
        out.pop("updated_at")
    return out


def _project_links(project_id):
    return (
        sa.select(link).join(e, e.c.id == link.c.entity_in_id).where(e.c.project_id == project_id)
    )


async def project_links(conn, project_id, page: int = 0, limit: int = 0) -> list | dict:
    """The casting links of a production, oldest first; paged when `page` is given."""
    statement = _project_links(project_id).order_by(link.c.created_at, link.c.id)
    if page <= 0:
        if limit > 0:
            statement = statement.limit(limit)
        return [link_shape(r, True) for r in (await conn.execute(statement)).mappings()]
    limit = limit if limit > 0 else 100
    total = (
        await conn.execute(
            sa.select(sa.func.count()).select_from(_project_links(project_id).subquery())
        )
    ).scalar()
    rows = (await conn.execute(statement.limit(limit).offset((page - 1) * limit))).mappings()
    return {
        "data": [link_shape(r) for r in rows],
        "total": total,
        "nb_pages": -(-total // limit),
        "limit": limit,
        "offset": (page - 1) * limit,
        "page": page,
    }


async def get_link(conn, link_id) -> dict | None:
    found = (await conn.execute(sa.select(link).where(link.c.id == link_id))).mappings().first()
    return dict(found) if found else None


async def _auto_cast_episode(conn, outbox, episode, cast, user_id) -> None:
    exists = (
        await conn.execute(
            sa.select(link.c.id).where(
                link.c.entity_in_id == episode["id"], link.c.entity_out_id == cast["asset_id"]
            )
        )
    ).scalar()
    if exists is not None:
        return
    await conn.execute(
        sa.insert(link).values(
            entity_in_id=episode["id"],
            entity_out_id=cast["asset_id"],
            nb_occurences=1,
            label=cast["label"],
            data={"auto": True},
        )
    )
    await _count(conn, episode["id"])
    await outbox.emit(
        conn,
        "asset:update",
        {"asset_id": str(cast["asset_id"])},
        project_id=episode["project_id"],
        user_id=user_id,
    )


async def cast_in(conn, asset_id) -> list[dict]:
    shot, sequence, episode = e.alias("shot"), e.alias("sequence"), e.alias("episode")
    statement = (
        sa.select(
            shot.c.id,
            shot.c.name,
            sequence.c.name.label("sequence_name"),
            episode.c.id.label("episode_id"),
            episode.c.name.label("episode_name"),
            shot.c.preview_file_id,
            link.c.nb_occurences,
        )
        .select_from(link)
        .join(shot, shot.c.id == link.c.entity_in_id)
        .join(sequence, sequence.c.id == shot.c.parent_id)
        .outerjoin(episode, episode.c.id == sequence.c.parent_id)
        .where(
            link.c.entity_out_id == asset_id,
            shot.c.entity_type_id == entities.of_type("Shot").right,
            shot.c.canceled.is_not(True),
        )
        .order_by(episode.c.name, sequence.c.name, shot.c.name)
    )
    return [
        {
            "shot_id": str(r["id"]),
            "shot_name": r["name"],
            "sequence_name": r["sequence_name"],
            "episode_id": serialize.value(r["episode_id"]),
            "episode_name": r["episode_name"],
            "preview_file_id": serialize.value(r["preview_file_id"]),
            "nb_occurences": r["nb_occurences"],
        }
        for r in (await conn.execute(statement)).mappings()
    ]


async def unlink_instance(conn, outbox, shot, instance_id, user_id) -> None:
    instance_link = t.asset_instance_link
    await conn.execute(
        sa.delete(instance_link).where(
            instance_link.c.entity_id == shot["id"],
            instance_link.c.asset_instance_id == instance_id,
        )
    )
    await outbox.emit(
        conn,
        "asset_instance:remove-from-shot",
        {"shot_id": str(shot["id"]), "asset_instance_id": str(instance_id)},
        project_id=shot["project_id"],
        user_id=user_id,
    )
