"""Zou's JSON for rows: every column, ids as strings, naive-UTC dates to the second, a type."""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any


def value(v: Any) -> Any:
    if isinstance(v, uuid.UUID):
        return str(v)
    if isinstance(v, dt.datetime):
        return v.replace(microsecond=0, tzinfo=None).isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, list):
        return [value(item) for item in v]
    return v


def row(mapping: Any, type_name: str, hidden: frozenset[str] = frozenset()) -> dict[str, Any]:
    out = {key: value(v) for key, v in mapping.items() if key not in hidden}
    out["type"] = type_name
    return out


def person(mapping: Any, departments: list | None = None) -> dict[str, Any]:
    out = row(mapping, "Person")
    out["full_name"] = f"{out.get('first_name') or ''} {out.get('last_name') or ''}".strip()
    if departments is not None:
        out["departments"] = [value(d) for d in departments]
    return out
