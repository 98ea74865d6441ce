"""Project templates: a production's settings kept under a name, copied from a project
and applied to another. Every change is announced as `project-template:update`."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from libs.common.errors import NotFound, WrongParameter
from services.data import serialize
from services.data import tables as t
from services.data.store import metadata
from services.data.store import projects as projects_store

pt = t.project_template
NOT_FOUND = "Project template not found"
# Settings copied between a project and a template, both ways.
SETTING_FIELDS = (
    "fps ratio resolution production_type production_style max_retakes is_clients_isolated "
    "is_preview_download_allowed is_set_preview_automated is_publish_default_for_artists "
    "homepage hd_bitrate_compression ld_bitrate_compression is_client_stats_visible "
    "is_client_task_list_visible is_client_task_panel_visible"
).split()


@dataclass(frozen=True)
class Link:
    """One kind of setting a template links to: its link table, the linked table, and the
    project link table the setting is copied into."""

    table: sa.Table
    column: str
    target: sa.Table
    label: str
    project_relation: str
    link_type: str | None = None  # the link row's Zou type when the link is the answer


LINKS = {
    "task-types": Link(
        t.project_template_task_type_link,
        "task_type_id",
        t.task_type,
        "Task type",
        "task_types",
        "ProjectTemplateTaskTypeLink",
    ),
    "task-statuses": Link(
        t.project_template_task_status_link,
        "task_status_id",
        t.task_status,
        "Task status",
        "task_statuses",
        "ProjectTemplateTaskStatusLink",
    ),
    "asset-types": Link(
        t.project_template_asset_type_link,
        "asset_type_id",
        t.entity_type,
        "Asset type",
        "asset_types",
    ),
    "status-automations": Link(
        t.project_template_status_automation_link,
        "status_automation_id",
        t.status_automation,
        "Status automation",
        "status_automations",
    ),
    "preview-background-files": Link(
        t.project_template_preview_background_file_link,
        "preview_background_file_id",
        t.preview_background_file,
        "Preview background file",
        "preview_background_files",
    ),
}
# Columns a link row carries beyond its two ids, copied to and from project links.
LINK_VALUES = {
    "task-types": (
        "priority",
        "hd_bitrate_compression",
        "ld_bitrate_compression",
        "is_client_visible",
    ),
    "task-statuses": ("priority", "roles_for_board", "is_client_allowed"),
}


def shape(row) -> dict:
    return serialize.row(row, "ProjectTemplate")


async def get(conn, template_id, lock=False) -> dict:
    statement = sa.select(pt).where(pt.c.id == template_id)
    if lock:
        statement = statement.with_for_update()
    found = (await conn.execute(statement)).mappings().first()
    if found is None:
        raise NotFound(NOT_FOUND)
    return dict(found)


async def touch(conn, outbox, template_id, user_id, action="update") -> None:
    await conn.execute(
        sa.update(pt)
        .where(pt.c.id == template_id)
        .values(updated_at=sa.func.timezone("utc", sa.func.now()))
    )
    await outbox.emit(
        conn,
        f"project-template:{action}",
        {"project_template_id": str(template_id)},
        user_id=user_id,
    )


async def target(conn, kind: str, other_id) -> dict:
    link = LINKS[kind]
    found = (
        (await conn.execute(sa.select(link.target).where(link.target.c.id == other_id)))
        .mappings()
        .first()
    )
    if found is None:
        raise WrongParameter(f"{link.label} {other_id} does not exist")
    return dict(found)


async def linked(conn, kind: str, template_id) -> list[dict]:
    link = LINKS[kind]
    target_table = link.target
    extra = [link.table.c[c] for c in LINK_VALUES.get(kind, ())]
    statement = (
        sa.select(target_table, *(c.label(f"_link_{c.name}") for c in extra))
        .join(link.table, link.table.c[link.column] == target_table.c.id)
        .where(link.table.c.project_template_id == template_id)
        .order_by(target_table.c.name if "name" in target_table.c else target_table.c.created_at)
    )
    rows = [dict(r) for r in (await conn.execute(statement)).mappings()]
    if kind == "asset-types":
        return [{"id": str(r["id"]), "name": r["name"]} for r in rows]
    if kind == "preview-background-files":
        return [_background(r) for r in rows]
    out = []
    for row in rows:
        item = serialize.row(
            {k: v for k, v in row.items() if not k.startswith("_link_")},
            "TaskType"
            if kind == "task-types"
            else "TaskStatus"
            if kind == "task-statuses"
            else "StatusAutomation",
        )
        if kind == "task-types":
            for name in LINK_VALUES[kind]:
                item[name] = row[f"_link_{name}"]
        elif kind == "task-statuses":
            item["priority"] = row["_link_priority"]
            item["roles_for_board"] = list(row["_link_roles_for_board"] or [])
            item["link_is_client_allowed"] = row["_link_is_client_allowed"]
        out.append(item)
    if kind in LINK_VALUES:
        out.sort(key=lambda r: (r.get("priority") or 0, r.get("name") or ""))
    return out


def _background(row) -> dict:
    return {"id": str(row["id"]), "name": row["name"], "is_default": bool(row["is_default"])}


async def add(conn, outbox, template_id, kind: str, other: dict, values: dict, user_id):
    """Link `other` to the template (or update the existing link's values)."""
    link = LINKS[kind]
    statement = insert(link.table).values(
        project_template_id=template_id, **{link.column: other["id"]}, **values
    )
    if values:
        statement = statement.on_conflict_do_update(
            index_elements=["project_template_id", link.column], set_=values
        )
    else:
        statement = statement.on_conflict_do_nothing()
    await conn.execute(statement)
    await touch(conn, outbox, template_id, user_id)
    if link.link_type:
        row = (
            (
                await conn.execute(
                    sa.select(link.table).where(
                        link.table.c.project_template_id == template_id,
                        link.table.c[link.column] == other["id"],
                    )
                )
            )
            .mappings()
            .first()
        )
        return serialize.row(row, link.link_type)
    if kind == "asset-types":
        return {"id": str(other["id"]), "name": other["name"]}
    if kind == "preview-background-files":
        return _background(other)
    return serialize.row(other, "StatusAutomation")


async def remove(conn, outbox, template: dict, kind: str, other_id, user_id) -> None:
    link = LINKS[kind]
    await conn.execute(
        sa.delete(link.table).where(
            link.table.c.project_template_id == template["id"],
            link.table.c[link.column] == other_id,
        )
    )
    if (
        kind == "preview-background-files"
        and template["default_preview_background_file_id"] == other_id
    ):
        await conn.execute(
            sa.update(pt)
            .where(pt.c.id == template["id"])
            .values(default_preview_background_file_id=None)
        )
    await touch(conn, outbox, template["id"], user_id)


async def update(conn, outbox, template_id, values: dict, user_id) -> dict:
    await conn.execute(sa.update(pt).where(pt.c.id == template_id).values(**values))
    await touch(conn, outbox, template_id, user_id)
    return await get(conn, template_id)


async def is_linked(conn, kind: str, template_id, other_id) -> bool:
    link = LINKS[kind]
    found = await conn.execute(
        sa.select(link.table.c[link.column]).where(
            link.table.c.project_template_id == template_id, link.table.c[link.column] == other_id
        )
    )
    return found.first() is not None


async def from_project(conn, outbox, project: dict, name: str, description, user_id) -> dict:
    values = {field: project[field] for field in SETTING_FIELDS}
    values.update(
        name=name,
        description=description,
        file_tree=project["file_tree"] or None,
        data=project["data"] or None,
        metadata_descriptors=await metadata.snapshot(conn, project["id"]),
        default_preview_background_file_id=project["default_preview_background_file_id"],
    )
    try:
        async with conn.begin_nested():
            template_id = (
                await conn.execute(sa.insert(pt).values(**values).returning(pt.c.id))
            ).scalar()
    except sa.exc.IntegrityError:
        raise WrongParameter("A project template with this name already exists") from None
    for kind, link in LINKS.items():
        project_link, column = projects_store.RELATIONS[link.project_relation]
        copied = [project_link.c[column].label(link.column)]
        copied += [project_link.c[c] for c in LINK_VALUES.get(kind, ())]
        source = sa.select(sa.literal(template_id).label("project_template_id"), *copied).where(
            project_link.c.project_id == project["id"]
        )
        names = ["project_template_id", link.column, *LINK_VALUES.get(kind, ())]
        await conn.execute(sa.insert(link.table).from_select(names, source))
    await outbox.emit(
        conn, "project-template:new", {"project_template_id": str(template_id)}, user_id=user_id
    )
    return await get(conn, template_id)


async def apply(conn, outbox, project: dict, template: dict, user_id) -> None:
    """The template's settings onto the project: its settings win, links are added to
    the project's own, descriptors are made when the project has none of that name."""
    values = {f: template[f] for f in SETTING_FIELDS if template[f] is not None}
    for field in ("file_tree", "data"):
        if template[field] is not None:
            values[field] = template[field]
    if (
        template["default_preview_background_file_id"]
        and not project["default_preview_background_file_id"]
    ):
        values["default_preview_background_file_id"] = template[
            "default_preview_background_file_id"
        ]
    if values:
        await conn.execute(
            sa.update(t.project).where(t.project.c.id == project["id"]).values(**values)
        )
    for kind, link in LINKS.items():
        project_link, column = projects_store.RELATIONS[link.project_relation]
        extra = LINK_VALUES.get(kind, ())
        source = sa.select(
            sa.literal(project["id"]).label("project_id"),
            link.table.c[link.column],
            *(link.table.c[c] for c in extra),
        ).where(link.table.c.project_template_id == template["id"])
        await conn.execute(
            insert(project_link)
            .from_select(["project_id", column, *extra], source)
            .on_conflict_do_nothing()
        )
    for descriptor in template["metadata_descriptors"] or []:
        await _descriptor_from_snapshot(conn, outbox, project["id"], descriptor, user_id)
    await projects_store.touch(conn, outbox, project["id"], user_id)


async def _descriptor_from_snapshot(conn, outbox, project_id, descriptor: dict, user_id) -> None:
    name, entity_type = descriptor.get("name") or "", descriptor.get("entity_type")
    task_type_id = descriptor.get("task_type_id")
    if not name or not entity_type or (entity_type == "Task" and task_type_id is None):
        return
    if await metadata.exists_named(conn, project_id, entity_type, name, task_type_id):
        return
    values = {
        "entity_type": entity_type,
        "name": name,
        "data_type": descriptor.get("data_type"),
        "choices": descriptor.get("choices") or [],
        "for_client": bool(descriptor.get("for_client", False)),
        "task_type_id": task_type_id,
    }
    try:
        async with conn.begin_nested():
            await metadata.add(
                conn, outbox, project_id, values, descriptor.get("departments") or [], user_id
            )
    except (WrongParameter, NotFound):
        # Zou skips a snapshot entry it cannot recreate rather than failing the whole apply.
        return


def clean_descriptor(entry: dict) -> dict:
    name = entry.get("name", "")
    if not isinstance(name, str):
        raise WrongParameter("Each metadata descriptor's name must be a string")
    task_type_id = entry.get("task_type_id")
    departments = entry.get("departments") or []
    if not isinstance(departments, list):
        raise WrongParameter("Each metadata descriptor's departments must be a list")
    return {
        "name": name,
        "field_name": entry.get("field_name") or metadata.field_name(name),
        "entity_type": entry.get("entity_type"),
        "task_type_id": str(task_type_id) if task_type_id else None,
        "data_type": entry.get("data_type"),
        "choices": entry.get("choices") or [],
        "for_client": bool(entry.get("for_client", False)),
        "departments": [str(d) for d in departments if d is not None],
        "position": entry.get("position"),
    }
