"""What the generic CRUD routes do with a declaration: parse Zou's list query strings
into SQL conditions, check and coerce write bodies, shape rows into Zou's JSON."""

import datetime as dt
import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from libs.common import permissions as p
from libs.common.errors import WrongParameter
from services.data import serialize
from services.data.crud.models import Model
from services.data.tables import CHOICES

BASE_FIELDS = frozenset({"id", "created_at", "updated_at"})
RESERVED = frozenset({"page", "limit", "relations", "fields"})
DEFAULT_LIMIT = 100
BAD_FORMAT = "One of the provided values has an invalid format."
MISSING = "A required field is missing."

# Entity rows take the name of their type, every other type being an asset type.
BASE_ENTITY_TYPES = ("Shot", "Sequence", "Episode", "Scene", "Edit", "Concept", "ConceptFolder")


class BodyError(WrongParameter):
    """Zou answers write errors with a bare `{"message"}`; we also name the field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field

    def body(self) -> dict:
        out = {"message": self.message}
        if self.field:
            out["field"] = self.field
        return out


@dataclass
class ListQuery:
    conditions: list
    page: int
    limit: int
    relations: bool
    fields: list[str] | None


# readable() by (model, admin or not): the same for every request.
_READABLE: dict[tuple[str, bool], tuple[str, ...]] = {}


def readable(model: Model, caller: p.Caller) -> tuple[str, ...]:
    key = (model.path, caller.is_admin)
    names = _READABLE.get(key)
    if names is None:
        names = tuple(c.name for c in model.table.columns if c.name not in model.hidden)
        if not caller.is_admin:
            names = tuple(n for n in names if n not in model.admin_fields)
        _READABLE[key] = names
    return names


def visible_fields(model: Model, caller: p.Caller) -> tuple[str, ...] | None:
    return model.view(caller) if model.view else None


def filterable(model: Model, caller: p.Caller) -> set[str]:
    names = set(readable(model, caller)) | set(model.relations)
    narrowed = model.filter_view(caller) if model.filter_view else None
    if narrowed is not None:
        names &= set(narrowed)
    return names


def _cast_query(column: sa.Column, raw: str, key: str) -> Any:
    """A query-string value as the column's Python type."""
    kind = column.type
    try:
        if isinstance(kind, sa.Uuid):
            return uuid.UUID(raw)
        if isinstance(kind, sa.Boolean):
            lowered = raw.lower()
            if lowered in ("true", "1", "yes", "on", "t", "y"):
                return True
            if lowered in ("false", "0", "no", "off", "f", "n"):
                return False
            raise WrongParameter(f"Invalid boolean value: {raw}", data=None)
        if isinstance(kind, sa.Integer):
            return int(raw)
        if isinstance(kind, sa.Float):
            return float(raw)
        if isinstance(kind, sa.DateTime):
            return _datetime(raw)
        if isinstance(kind, sa.Date):
            return dt.date.fromisoformat(raw[:10])
    except (ValueError, TypeError) as exc:
        raise WrongParameter(BAD_FORMAT) from exc
    if isinstance(kind, postgresql.JSONB | postgresql.ARRAY):
        raise WrongParameter(f"Filtering on {key} is not allowed.", data=None)
    return raw


def _datetime(raw: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def list_query(model: Model, caller: p.Caller, params: list[tuple[str, str]]) -> ListQuery:
    table = model.table
    allowed = filterable(model, caller)
    known = {c.name for c in table.columns} | set(model.relations) | {"full_name"}
    conditions: list = []
    options: dict[str, str] = {}
    for key, raw in params:
        if key in RESERVED:
            options[key] = raw
            continue
        if key not in allowed:
            if key in known:
                raise WrongParameter(f"Filtering on {key} is not allowed.", data=None)
            continue
        conditions.append(_condition(model, key, raw))
    return ListQuery(
        conditions=conditions,
        page=_int_option(options.get("page"), "page", -1),
        limit=_int_option(options.get("limit"), "limit", DEFAULT_LIMIT) or DEFAULT_LIMIT,
        relations=(options.get("relations") or "").lower() == "true",
        fields=[f.strip() for f in options["fields"].split(",")] if options.get("fields") else None,
    )


def _int_option(raw: str | None, name: str, default: int) -> int:
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise WrongParameter(f"{name} must be an integer.") from exc
    if name == "limit" and value < 0:
        raise WrongParameter("limit must be a positive integer.")
    return value


def _condition(model: Model, key: str, raw: str):
    table = model.table
    relation = model.relations.get(key)
    if relation is not None:
        link = relation.link
        try:
            other = uuid.UUID(raw)
        except ValueError as exc:
            raise WrongParameter(BAD_FORMAT) from exc
        members = sa.select(link.c[relation.own]).where(link.c[relation.other] == other)
        return table.c.id.in_(members)
    column = table.c[key]
    if key == "name":
        return column.ilike(raw)
    if raw.startswith("["):
        try:
            values = json.loads(raw)
        except ValueError as exc:
            raise WrongParameter(f"Malformed list filter for field {key}.") from exc
        if not isinstance(values, list):
            raise WrongParameter(f"Malformed list filter for field {key}.")
        return column.in_([_cast_query(column, str(v), key) for v in values])
    return column == _cast_query(column, raw, key)


def project_expression(model: Model):
    """SQL for the project of each row, or None when the model has no project."""
    if model.project is None:
        return None
    column = model.table.c[model.project.column]
    via = model.project.via
    if via is None:
        return column
    return sa.select(via.c.project_id).where(via.c.id == column).scalar_subquery()


def scope_condition(model: Model, rule: p.Rule, caller: p.Caller):
    """The list narrowing a rule asks for (raises Forbidden when listing is refused)."""
    scope = rule.scope(caller)
    conditions = []
    if scope == p.PROJECTS:
        project = project_expression(model)
        if project is None:
            raise p.Forbidden()
        conditions.append(project.in_(list(caller.projects)))
    elif scope == p.OWN:
        if model.owner is None:
            raise p.Forbidden()
        conditions.append(model.table.c[model.owner] == caller.user.id)
    if model.list_filter is not None and not caller.is_admin:
        extra = model.list_filter(caller)
        if extra is not None:
            conditions.append(extra)
    return conditions


def relation_columns(model: Model) -> list:
    """One correlated array per many-to-many relation: the list stays one query."""
    out = []
    for name, relation in model.relations.items():
        link = relation.link
        ids = (
            sa.select(sa.func.array_agg(link.c[relation.other]))
            .where(link.c[relation.own] == model.table.c.id)
            .scalar_subquery()
        )
        out.append(
            sa.func.coalesce(ids, sa.cast(sa.literal([]), postgresql.ARRAY(sa.Uuid))).label(name)
        )
    return out


# --- Writes -------------------------------------------------------------------------


def _coerce(model: Model, column: sa.Column, value: Any) -> Any:
    name = column.name
    kind = column.type
    if value is None:
        if not column.nullable and not column.primary_key:
            raise BodyError(MISSING, name)
        return None
    bad = BodyError(BAD_FORMAT, name)
    if isinstance(kind, sa.Uuid):
        try:
            return uuid.UUID(str(value))
        except ValueError:
            raise bad from None
    if isinstance(kind, sa.Boolean):
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise bad
    if isinstance(kind, sa.Integer):
        if isinstance(value, bool):
            raise bad
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
            return int(value)
        raise bad
    if isinstance(kind, sa.Float):
        if isinstance(value, bool):
            raise bad
        if isinstance(value, int | float):
            return float(value)
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad from None
    if isinstance(kind, sa.DateTime):
        if not isinstance(value, str):
            raise bad
        try:
            return _datetime(value)
        except ValueError:
            raise BodyError(
                f"Invalid date format for '{name}': '{value}'. "
                "Expected an ISO 8601 date or datetime.",
                name,
            ) from None
    if isinstance(kind, sa.Date):
        if not isinstance(value, str):
            raise bad
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            raise BodyError(
                f"Invalid date format for '{name}': '{value}'. "
                "Expected an ISO 8601 date or datetime.",
                name,
            ) from None
    if isinstance(kind, postgresql.JSONB):
        return value
    if isinstance(kind, postgresql.ARRAY):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad
        return value
    if isinstance(kind, sa.String | sa.Text):
        if isinstance(value, bool) or isinstance(value, dict | list):
            raise bad
        value = str(value)
        choices = CHOICES.get((model.table.name, name))
        if choices is not None and value not in choices:
            raise BodyError(f"Invalid {name}", name)
        length = getattr(kind, "length", None)
        if length and len(value) > length:
            raise BodyError(f"{name} is too long (at most {length} characters).", name)
        return value
    return value


def _ids(name: str, value: Any) -> list[uuid.UUID]:
    if not isinstance(value, list):
        raise BodyError(BAD_FORMAT, name)
    out = []
    for item in value:
        if isinstance(item, dict):
            item = item.get("id")
        try:
            out.append(uuid.UUID(str(item)))
        except ValueError:
            raise BodyError(BAD_FORMAT, name) from None
    return list(dict.fromkeys(out))


def write_values(
    model: Model, caller: p.Caller, body: Any, creating: bool
) -> tuple[dict[str, Any], dict[str, list[uuid.UUID]]]:
    """Checked column values and relation id lists from a JSON body."""
    if not isinstance(body, dict):
        raise BodyError("Data are empty or not a JSON object.")
    body = dict(body)
    if model.validate:
        body = model.validate(body, creating)
    dropped = BASE_FIELDS | model.protected
    if not creating and "project_id" in model.table.c and model.project is not None:
        dropped = dropped | {"project_id"}
    if not caller.is_admin:
        dropped = dropped | model.admin_writes
    columns = model.table.c
    values: dict[str, Any] = {}
    links: dict[str, list[uuid.UUID]] = {}
    for key, value in body.items():
        if key in dropped:
            continue
        if key in model.relations:
            links[key] = _ids(key, value)
        elif key in columns and key not in model.hidden:
            values[key] = _coerce(model, columns[key], value)
        else:
            raise BodyError(f"'{key}' is an invalid keyword argument for {model.type_name}", key)
    if creating:
        for name, default in model.create_defaults.items():
            if values.get(name) is None:
                values[name] = default(caller)
        for column in model.table.columns:
            required = not column.nullable and column.default is None
            required = required and column.server_default is None and column.name not in BASE_FIELDS
            if required and column.name not in values:
                raise BodyError(MISSING, column.name)
    return values, links


# --- Output -------------------------------------------------------------------------


def entity_type_name(type_name: str | None) -> str:
    return type_name if type_name in BASE_ENTITY_TYPES else "Asset"


def shape(
    model: Model,
    caller: p.Caller,
    mapping: Any,
    type_name: str | None = None,
    fields: list[str] | None = None,
) -> dict[str, Any]:
    out = {key: serialize.value(v) for key, v in mapping.items() if not key.startswith("_")}
    if model.table.name == "person":
        out["full_name"] = f"{out.get('first_name') or ''} {out.get('last_name') or ''}".strip()
    view = visible_fields(model, caller)
    if view is not None:
        out = {key: out[key] for key in view if key in out}
        if "departments" in view and "departments" not in out:
            out["departments"] = []
    out["type"] = type_name or model.type_name
    if fields:
        out = {key: out[key] for key in fields if key in out}
        out.setdefault("type", type_name or model.type_name)
    return out


def event_of(model: Model, action: str, row: dict, project_id: Any, entity_type: str | None):
    """Zou's event name and data for a CRUD write on `row` (serialized)."""
    if model.table.name == "entity":
        words = re.findall("[A-Z][a-z]*", entity_type_name(entity_type))
        name = "-".join(w.lower() for w in words)
        key = "_".join(w.lower() for w in words) + "_id"
        return f"{name}:{action}", {key: row["id"]}, project_id
    if model.table.name == "entity_type":
        return f"asset-type:{action}", {"asset_type_id": row["id"]}, None
    data = {model.id_key: row["id"]}
    if model.table.name == "comment" and action == "new":
        data.update(
            task_id=row.get("object_id"),
            person_id=row.get("person_id"),
            for_client=row.get("for_client"),
        )
    return f"{model.event_name}:{action}", data, project_id
