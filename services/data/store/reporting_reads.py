"""What reporting reads from data while it answers a request: a production with the
caller's standing in it, and the rows of the shots export. Both are current state that
reporting keeps no copy of (team roles, statuses' short names, task type priorities,
metadata descriptors), so they are read here, each in one or two statements."""

import uuid

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncConnection

from services.data import tables as t


async def project_viewer(
    conn: AsyncConnection, project_id: uuid.UUID, person_id: uuid.UUID
) -> dict | None:
    """The project (id, name, fps) and, for the person: team membership, the role set on
    their team link, their timezone. None when the project does not exist."""
    pr, link, p = t.project, t.project_person_link, t.person
    in_team = [link.c.project_id == pr.c.id, link.c.person_id == person_id]
    row = (
        await conn.execute(
            sa.select(
                pr.c.id,
                pr.c.name,
                pr.c.fps,
                sa.exists().where(*in_team).label("member"),
                sa.select(link.c.role).where(*in_team).scalar_subquery().label("role"),
                sa.select(p.c.timezone).where(p.c.id == person_id).scalar_subquery().label("tz"),
            ).where(pr.c.id == project_id)
        )
    ).first()
    if row is None:
        return None
    return {
        "id": str(row.id),
        "name": row.name,
        "fps": row.fps,
        "member": row.member,
        "role": row.role,
        "timezone": str(row.tz) if row.tz else None,
    }


def _full_name(p: sa.Table):
    """Zou's Person.full_name: 'first last' when both are set, else whichever is."""
    return sa.func.concat_ws(
        " ", sa.func.nullif(p.c.first_name, ""), sa.func.nullif(p.c.last_name, "")
    )


async def shots_export(
    conn: AsyncConnection,
    project_id: uuid.UUID,
    episode_id: uuid.UUID | None = None,
    main_pack: bool = False,
    shot_id: uuid.UUID | None = None,
    assigned_to: uuid.UUID | None = None,
) -> dict:
    """The production's shot metadata descriptors (Zou's order: position, name) and its
    shots, each with its sequence and episode names, its data and its tasks (type name and
    priority, status short name, duration, assignees' full names). Shots outside a
    sequence are left out, as Zou's shot listing joins the sequence. With `assigned_to`,
    only that person's tasks and the shots holding one."""
    md = t.metadata_descriptor
    descriptors = await conn.execute(
        sa.select(md.c.name, md.c.field_name, md.c.data_type)
        .where(md.c.project_id == project_id, md.c.entity_type == "Shot")
        .order_by(md.c.position, md.c.name)
    )
    shot, seq, ep = t.entity, t.entity.alias("sequence"), t.entity.alias("episode")
    task, tt, ts = t.task, t.task_type, t.task_status
    link, p = t.task_person_link, t.person
    shot_type = sa.select(t.entity_type.c.id).where(t.entity_type.c.name == "Shot")
    assignee_names = (
        # By person id: the order Zou's link rows come back in from their primary key.
        sa.select(
            sa.func.coalesce(
                sa.func.array_agg(aggregate_order_by(_full_name(p), link.c.person_id)),
                sa.text("'{}'"),
            )
        )
        .select_from(link.join(p, p.c.id == link.c.person_id))
        .where(link.c.task_id == task.c.id)
        .scalar_subquery()
    )
    task_scope = [task.c.entity_id == shot.c.id]
    if assigned_to is not None:
        mine = sa.exists().where(link.c.task_id == task.c.id, link.c.person_id == assigned_to)
        task_scope.append(mine)
    tasks = (
        sa.select(
            sa.func.coalesce(
                sa.func.json_agg(
                    sa.func.json_build_object(
                        "task_type",
                        tt.c.name,
                        "priority",
                        tt.c.priority,
                        "status",
                        ts.c.short_name,
                        "duration",
                        task.c.duration,
                        "assignees",
                        assignee_names,
                    )
                ),
                sa.text("'[]'::json"),
            )
        )
        .select_from(
            task.join(tt, tt.c.id == task.c.task_type_id).join(ts, ts.c.id == task.c.task_status_id)
        )
        .where(*task_scope)
        .scalar_subquery()
    )
    conditions = [shot.c.project_id == project_id, shot.c.entity_type_id.in_(shot_type)]
    if episode_id is not None:
        conditions.append(seq.c.parent_id == episode_id)
    elif main_pack:
        conditions.append(seq.c.parent_id.is_(None))
    if shot_id is not None:
        conditions.append(shot.c.id == shot_id)
    if assigned_to is not None:
        conditions.append(
            sa.exists()
            .select_from(task.join(link, link.c.task_id == task.c.id))
            .where(task.c.entity_id == shot.c.id, link.c.person_id == assigned_to)
        )
    rows = await conn.execute(
        sa.select(
            shot.c.name,
            shot.c.description,
            shot.c.nb_frames,
            shot.c.data,
            seq.c.name.label("sequence_name"),
            ep.c.name.label("episode_name"),
            tasks.label("tasks"),
        )
        .select_from(
            shot.join(seq, seq.c.id == shot.c.parent_id).outerjoin(ep, ep.c.id == seq.c.parent_id)
        )
        .where(*conditions)
    )
    return {
        "descriptors": [list(d) for d in descriptors.all()],
        "shots": [
            {
                "name": r.name,
                "description": r.description,
                "nb_frames": r.nb_frames,
                "data": r.data or {},
                "sequence_name": r.sequence_name,
                "episode_name": r.episode_name or "",
                "tasks": r.tasks,
            }
            for r in rows
        ],
    }
