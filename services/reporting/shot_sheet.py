"""Zou's shots CSV sheet, laid out from the rows data sends (see data_api.shots_export):
fixed columns, then one per shot metadata descriptor, then a status and an assignations
column per task type met among the shots."""

import re
import unicodedata

HEADERS = [
    "Project",
    "Episode",
    "Sequence",
    "Name",
    "Description",
    "Time Spent",
    "Frames",
    "Frame In",
    "Frame Out",
    "FPS",
]


def slug(text: str, separator: str = "-") -> str:
    """python-slugify's default rules: ASCII, lower case, every run of other characters
    becomes one separator, none at the ends."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    text = re.sub(r"['\"]+", "", text.lower())
    return re.sub(r"[^a-z0-9]+", separator, text).strip(separator)


def file_name(project_name: str) -> str:
    """Zou's name without its `kitsu_` prefix and `.csv` suffix."""
    return slug(f"{project_name} shots", "_")


def _time_spent(tasks: list[dict]) -> str:
    """Days of 8 hours, from the tasks' minutes."""
    minutes = sum(task["duration"] for task in tasks if task["duration"] is not None)
    return f"{minutes / 8.0 / 60.0 if minutes > 0 else 0:.2f}"


def _task_type_columns(shots: list[dict]) -> list[str]:
    priorities = {}
    for shot in shots:
        for task in shot["tasks"]:
            priorities[task["task_type"]] = task["priority"] or 0
    return sorted(priorities, key=lambda name: (priorities[name], name))


def _metadata(value, data_type: str):
    if data_type == "boolean":
        return "true" if str(value).lower() == "true" else "false"
    return value


def rows(project_name: str, export: dict, for_client: bool = False) -> list[list]:
    """The header and one line per shot, by episode, sequence and shot name. A client
    reads no assignees and no logged time, as Zou blanks them for clients."""
    shots = sorted(
        export["shots"], key=lambda s: (s["episode_name"], s["sequence_name"], s["name"])
    )
    descriptors = export["descriptors"]
    columns = _task_type_columns(shots)
    header = [*HEADERS, *(name for name, _, _ in descriptors)]
    for column in columns:
        header += [column, "Assignations"]
    out = [header]
    for shot in shots:
        tasks = shot["tasks"]
        if for_client:
            tasks = [{**task, "duration": 0, "assignees": []} for task in tasks]
        data = shot["data"] or {}
        row = [
            project_name,
            shot["episode_name"],
            shot["sequence_name"],
            shot["name"],
            shot["description"],
            _time_spent(tasks),
            shot["nb_frames"],
            data.get("frame_in", ""),
            data.get("frame_out", ""),
            data.get("fps", ""),
        ]
        row += [_metadata(data.get(field, ""), kind) for _, field, kind in descriptors]
        by_type = {task["task_type"]: task for task in tasks}
        for column in columns:
            task = by_type.get(column)
            if task is None:
                row += ["", ""]
            else:
                row += [task["status"], ",".join(task["assignees"])]
        out.append(row)
    return out
