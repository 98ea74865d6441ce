"""Drawn annotations of a preview: a list of `{"time", "drawing": {"objects": [...]}}`.
Kitsu sends changes as additions, updates and deletions of drawing objects by id; this
merges them the way Zou does (an addition never overwrites an object it already has)."""

import copy
import uuid


def _objects(annotation: dict) -> list:
    drawing = annotation.get("drawing")
    if not isinstance(drawing, dict):
        drawing = annotation["drawing"] = {}
    return drawing.setdefault("objects", [])


def _with_id(drawing_object: dict) -> dict:
    if not drawing_object.get("id"):
        drawing_object["id"] = str(uuid.uuid4())
    return drawing_object


def _by_time(annotations: list) -> dict:
    return {a.get("time"): a for a in annotations}


def merge(previous: list | None, additions: list, updates: list, deletions: list) -> list:
    annotations = copy.deepcopy(previous or [])
    for annotation in annotations:
        for drawing_object in _objects(annotation):
            _with_id(drawing_object)

    at = _by_time(annotations)
    for added in additions:
        new_objects = [_with_id(o) for o in _objects(added)]
        known = at.get(added.get("time"))
        if known is None:
            annotations.append(added)
            at[added.get("time")] = added
            continue
        objects = _objects(known)
        present = {o["id"] for o in objects}
        objects.extend(o for o in new_objects if o["id"] not in present)

    for update in updates:
        known = at.get(update.get("time"))
        if known is None:
            continue
        changed = {o["id"]: o for o in _objects(update) if "id" in o}
        previous_ids = {o.get("id") for o in _objects(known)}
        kept = [o for o in _objects(known) if o.get("id") not in changed]
        kept += [o for oid, o in changed.items() if oid in previous_ids]
        known["drawing"]["objects"] = kept

    for deletion in deletions:
        known = at.get(deletion.get("time"))
        if known is None:
            continue
        gone = set(deletion.get("objects") or [])
        known["drawing"]["objects"] = [o for o in _objects(known) if o.get("id", "") not in gone]
    return [a for a in annotations if _objects(a)]


def check(body: dict) -> tuple[list, list, list]:
    """The three lists, each of objects carrying a `time`; ValueError names the field."""
    out = []
    for name in ("additions", "updates", "deletions"):
        value = body.get(name, [])
        if value is None:
            value = []
        if not isinstance(value, list) or not all(
            isinstance(item, dict) and "time" in item for item in value
        ):
            raise ValueError(name)
        out.append(value)
    return out[0], out[1], out[2]
