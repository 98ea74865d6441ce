"""Seed a production of a chosen size into a Zou-compatible server, through its public
HTTP API only, and print records/s per phase.

    python bench/seed.py http://127.0.0.1:8080 --size mid

The same --seed gives the same production (names, frame counts, assignments, comments,
time spents). The ids it created are written to bench/state/ for load.py, and the run's
figures to bench/results/.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from benchlib import (
    DEFAULT_EMAIL,
    DEFAULT_PASSWORD,
    Api,
    BenchError,
    Clock,
    bounded,
    default_ids_path,
    result_path,
    run_header,
    write_json,
)


@dataclass(frozen=True)
class Size:
    episodes: int
    sequences: int
    shots: int
    assets: int
    shot_task_types: tuple[str, ...]
    asset_task_types: tuple[str, ...]
    persons: int
    comments: int
    time_spents: int


SHOT_TASK_TYPES = ("Storyboard", "Layout", "Animation", "Lighting")
ASSET_TASK_TYPES = ("Concept", "Modeling", "Shading", "Rigging")
# Four asset types come with Zou's starting data; the fifth is ours.
ASSET_TYPES = ("Character", "Prop", "Environment", "FX", "bench-Vehicle")

SIZES = {
    "smoke": Size(1, 2, 6, 5, SHOT_TASK_TYPES[:2], ASSET_TASK_TYPES[:2], 3, 10, 5),
    # 500 x 4 + 200 x 4 = 2,800 tasks
    "mid": Size(2, 10, 500, 200, SHOT_TASK_TYPES, ASSET_TASK_TYPES, 30, 2000, 1000),
    # 10,000 x 4 + 2,000 x 5 = 50,000 tasks
    "large": Size(
        10,
        100,
        10_000,
        2_000,
        SHOT_TASK_TYPES,
        (*ASSET_TASK_TYPES, "bench-Grooming"),
        100,
        10_000,
        5_000,
    ),
}

# Statuses a comment moves a task to, in Zou's starting data short names.
COMMENT_STATUSES = ("wip", "wfa", "retake", "wip", "wfa", "done")
# Time spents fall on the working days of a fixed quarter, so reruns report the same months.
TIME_SPENT_DAYS = [
    day
    for day in (dt.date(2025, 1, 1) + dt.timedelta(days=n) for n in range(90))
    if day.weekday() < 5
]
# Ids per bulk request. Zou assigns one task at a time with its notifications: 100 per
# request takes over a minute on a busy 2-core machine.
BULK = 25


@dataclass
class Phase:
    name: str
    records: int = 0
    failed: int = 0
    seconds: float = 0.0
    errors: dict = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        return round(self.records / self.seconds, 1) if self.seconds else 0.0

    def fail(self, what: str, response, no_answer: str = "no answer") -> None:
        self.failed += 1
        status = no_answer if response is None else str(response.status_code)
        key = f"{what}: {status}"
        if key not in self.errors:
            self.errors[key] = "" if response is None else response.text[:200]

    def report(self) -> dict:
        return {**asdict(self), "per_second": self.per_second}


class Seeder:
    def __init__(self, api: Api, size: Size, name: str, seed: int, concurrency: int):
        self.api = api
        self.size = size
        self.name = name
        self.rng = random.Random(seed)
        self.concurrency = concurrency
        self.phases: list[Phase] = []
        self.ids: dict = {"project_name": name}

    async def phase(self, name: str, work) -> Phase:
        phase = Phase(name)
        clock = Clock()
        await work(phase)
        phase.seconds = round(clock.elapsed(), 3)
        self.phases.append(phase)
        print(
            f"{name:<14} {phase.records:>7} records {phase.failed:>6} failed "
            f"{phase.seconds:>8.2f} s {phase.per_second:>9.1f} records/s",
            flush=True,
        )
        for key, body in phase.errors.items() if phase.failed else ():
            print(f"{'':<14} failed {key} {body}", flush=True)
        return phase

    async def send(self, phase: Phase, what: str, method: str, path: str, body):
        """The decoded answer, {} for an empty one, None (counted as failed) for an error."""
        response = await self.api.call(method, path, json=body)
        if response is None or not response.is_success:
            phase.fail(what, response, self.api.last_error)
            return None
        try:
            return response.json()
        except ValueError:
            return {}

    async def post(self, phase: Phase, what: str, path: str, body):
        return await self.send(phase, what, "POST", path, body)

    async def many(self, phase: Phase, what: str, requests: list[tuple[str, str, object]]):
        """Send (method, path, body) requests with bounded concurrency; answers in order."""

        async def send(request):
            return await self.send(phase, what, *request)

        results = await bounded(requests, send, self.concurrency)
        return [None if isinstance(r, Exception) else r for r in results]

    # -- reference data: statuses, task types and asset types, found or created by name --

    async def references(self, phase: Phase) -> None:
        statuses = await self.api.json("GET", "/data/task-status") or []
        by_short = {s["short_name"]: s["id"] for s in statuses}
        missing = [s for s in ("todo", *COMMENT_STATUSES) if s not in by_short]
        for short in dict.fromkeys(missing):
            body = {"name": f"bench-{short}", "short_name": short, "color": "#999999"}
            created = await self.post(phase, "task status", "/data/task-status", body)
            if created:
                by_short[short] = created["id"]
                phase.records += 1
        self.ids["task_status_ids"] = by_short

        task_types = await self.api.json("GET", "/data/task-types") or []
        known = {(t["name"], t.get("for_entity")): t["id"] for t in task_types}
        wanted = [(n, "Shot") for n in self.size.shot_task_types]
        wanted += [(n, "Asset") for n in self.size.asset_task_types]
        ids: dict[str, list[str]] = {"Shot": [], "Asset": []}
        for name, kind in wanted:
            if (name, kind) not in known:
                body = {"name": name, "for_entity": kind, "color": "#999999"}
                created = await self.post(phase, "task type", "/data/task-types", body)
                if not created:
                    continue
                known[(name, kind)] = created["id"]
                phase.records += 1
            ids[kind].append(known[(name, kind)])
        self.ids["task_type_ids"] = {"shot": ids["Shot"], "asset": ids["Asset"]}
        self.ids["task_type_names"] = {v: k[0] for k, v in known.items()}

        # The generic entity-types list also holds types no project uses yet.
        asset_types = await self.api.json("GET", "/data/entity-types") or []
        asset_types += await self.api.json("GET", "/data/asset-types") or []
        known_at = {a["name"]: a["id"] for a in asset_types}
        for name in ASSET_TYPES:
            if name not in known_at:
                created = await self.post(phase, "asset type", "/data/entity-types", {"name": name})
                if created:
                    known_at[name] = created["id"]
                    phase.records += 1
        self.ids["asset_type_ids"] = [known_at[n] for n in ASSET_TYPES if n in known_at]

    # -- people: the same bench artists on every run, created once per server --

    async def persons(self, phase: Phase) -> None:
        existing = await self.api.json("GET", "/data/persons") or []
        by_email = {p.get("email"): p["id"] for p in existing}
        emails = [f"bench-artist-{i:03d}@example.com" for i in range(1, self.size.persons + 1)]
        todo = [
            (i, e)
            for i, e in enumerate(emails, 1)
            if e not in by_email  # reused across runs: persons are studio-wide
        ]
        bodies = [
            (
                "POST",
                "/data/persons",
                {
                    "first_name": "Bench",
                    "last_name": f"Artist {i:03d}",
                    "email": email,
                    "role": "user",
                },
            )
            for i, email in todo
        ]
        refused = []
        for (i, email), created in zip(todo, await self.many(phase, "person", bodies), strict=True):
            if created:
                by_email[email] = created["id"]
                phase.records += 1
            else:
                refused.append((i, email))
        if refused:
            # A Zou that checks email deliverability refuses any domain it cannot resolve
            # (an offline machine): its CSV import does not check, so persons go that way.
            await self.import_persons(phase, refused, by_email)
        self.ids["person_ids"] = [by_email[e] for e in emails if e in by_email]

    async def import_persons(self, phase: Phase, rows, by_email: dict) -> None:
        lines = ["First Name,Last Name,Email"]
        lines += [f"Bench,Artist {i:03d},{email}" for i, email in rows]
        files = {"file": ("persons.csv", "\n".join(lines) + "\n", "text/csv")}
        response = await self.api.call("POST", "/import/csv/persons", files=files)
        if response is None or not response.is_success:
            phase.fail("persons csv import", response)
            return
        for person in await self.api.json("GET", "/data/persons") or []:
            if person.get("email") in dict(map(reversed, rows)):
                by_email[person["email"]] = person["id"]
                phase.records += 1
                phase.failed -= 1

    # -- the production, its settings and its team --

    async def project(self, phase: Phase) -> None:
        body = {"name": self.name, "production_type": "tvshow", "production_style": "2d3d"}
        project = await self.post(phase, "project", "/data/projects", body)
        if not project:
            raise BenchError(f"could not create project {self.name!r}: {phase.errors}")
        phase.records += 1
        pid = self.ids["project_id"] = project["id"]
        settings = [
            (
                "POST",
                f"/data/projects/{pid}/settings/task-types",
                {"task_type_id": t, "priority": n},
            )
            for kind in ("shot", "asset")
            for n, t in enumerate(self.ids["task_type_ids"][kind], 1)
        ]
        settings += [
            ("POST", f"/data/projects/{pid}/settings/task-status", {"task_status_id": s})
            for s in dict.fromkeys(self.ids["task_status_ids"].values())
        ]
        settings += [
            ("POST", f"/data/projects/{pid}/settings/asset-types", {"asset_type_id": a})
            for a in self.ids["asset_type_ids"]
        ]
        # One at a time: each one rewrites the project's settings lists.
        for request in settings:
            done = await self.post(phase, request[1].rsplit("/", 1)[-1], request[1], request[2])
            phase.records += done is not None

    async def team(self, phase: Phase) -> None:
        pid = self.ids["project_id"]
        requests = [
            ("POST", f"/data/projects/{pid}/team", {"person_id": p}) for p in self.ids["person_ids"]
        ]
        # Sequential for the same reason as the settings: one list per project.
        for request in requests:
            done = await self.post(phase, "team member", request[1], request[2])
            phase.records += done is not None

    # -- breakdown: episodes, sequences, shots, assets --

    async def breakdown(self, phase_name: str, kind: str, requests) -> list[str]:
        ids: list[str] = []

        async def work(phase: Phase):
            for created in await self.many(phase, kind, requests):
                if created and "id" in created:
                    ids.append(created["id"])
                    phase.records += 1

        await self.phase(phase_name, work)
        return ids

    async def entities(self) -> None:
        pid = self.ids["project_id"]
        size = self.size
        episode_names = [f"E{n:02d}" for n in range(1, size.episodes + 1)]
        self.ids["episode_ids"] = await self.breakdown(
            "episodes",
            "episode",
            [("POST", f"/data/projects/{pid}/episodes", {"name": n}) for n in episode_names],
        )
        episodes = self.ids["episode_ids"] or [None]
        sequence_requests = []
        for n in range(size.sequences):
            body = {"name": f"SQ{n + 1:03d}"}
            if episodes[n * len(episodes) // size.sequences]:
                body["episode_id"] = episodes[n * len(episodes) // size.sequences]
            sequence_requests.append(("POST", f"/data/projects/{pid}/sequences", body))
        self.ids["sequence_ids"] = await self.breakdown("sequences", "sequence", sequence_requests)
        sequences = self.ids["sequence_ids"]
        shot_requests = []
        for n in range(size.shots if sequences else 0):
            frame_in = 1001
            nb_frames = self.rng.randrange(24, 240)
            body = {
                "name": f"SH{n + 1:05d}",
                "sequence_id": sequences[n * len(sequences) // size.shots],
                "nb_frames": nb_frames,
                "data": {"frame_in": frame_in, "frame_out": frame_in + nb_frames - 1},
            }
            shot_requests.append(("POST", f"/data/projects/{pid}/shots", body))
        self.ids["shot_ids"] = await self.breakdown("shots", "shot", shot_requests)
        asset_types = self.ids["asset_type_ids"]
        asset_requests = []
        for n in range(size.assets if asset_types else 0):
            asset_type = asset_types[n % len(asset_types)]
            body = {"name": f"asset{n + 1:05d}", "description": "bench asset", "data": {}}
            path = f"/data/projects/{pid}/asset-types/{asset_type}/assets/new"
            asset_requests.append(("POST", path, body))
        self.ids["asset_ids"] = await self.breakdown("assets", "asset", asset_requests)

    # -- tasks: Kitsu's bulk route, else one generic create per task --

    async def tasks(self, phase: Phase) -> None:
        pid = self.ids["project_id"]
        tasks: list[dict] = []
        plans = [("shots", t, self.ids["shot_ids"]) for t in self.ids["task_type_ids"]["shot"]] + [
            ("assets", t, self.ids["asset_ids"]) for t in self.ids["task_type_ids"]["asset"]
        ]
        bulk_requests = [
            (
                "POST",
                f"/actions/projects/{pid}/task-types/{task_type}/{kind}/create-tasks",
                entity_ids[start : start + BULK],
            )
            for kind, task_type, entity_ids in plans
            for start in range(0, len(entity_ids), BULK)
        ]
        if not bulk_requests:
            return
        probe = await self.api.call("POST", bulk_requests[0][1], json=bulk_requests[0][2])
        if probe is not None and probe.is_success:
            answers = [probe.json()] + await self.many(phase, "create-tasks", bulk_requests[1:])
            for answer in answers:
                for task in answer or []:
                    tasks.append(_task_row(task))
        else:
            phase.fail("create-tasks (falling back to POST /data/tasks)", probe)
            todo = self.ids["task_status_ids"].get("todo")
            singles = [
                (
                    "POST",
                    "/data/tasks",
                    {
                        "project_id": pid,
                        "entity_id": entity_id,
                        "task_type_id": task_type,
                        "task_status_id": todo,
                        "name": "main",
                    },
                )
                for _, task_type, entity_ids in plans
                for entity_id in entity_ids
            ]
            for created in await self.many(phase, "task", singles):
                if created and "id" in created:
                    tasks.append(_task_row(created))
        phase.records = len(tasks)
        self.ids["tasks"] = tasks

    async def assign(self, phase: Phase) -> None:
        persons = self.ids["person_ids"]
        tasks = self.ids["tasks"]
        if not persons or not tasks:
            return
        # Each artist works on one or two task types: the assignment a studio would make.
        by_person: dict[str, list[str]] = {}
        for task in tasks:
            person = persons[self.rng.randrange(len(persons))]
            task["assignee"] = person
            by_person.setdefault(person, []).append(task["id"])
        requests = [
            ("PUT", f"/actions/persons/{person}/assign", {"task_ids": ids[start : start + BULK]})
            for person, ids in by_person.items()
            for start in range(0, len(ids), BULK)
        ]
        probe = await self.api.call("PUT", requests[0][1], json=requests[0][2])
        if probe is not None and probe.is_success:
            phase.records += len(requests[0][2]["task_ids"])
            answers = await self.many(phase, "assign", requests[1:])
            for request, answer in zip(requests[1:], answers, strict=True):
                if answer is not None:
                    phase.records += len(request[2]["task_ids"])
        else:
            phase.fail("persons/assign (falling back to tasks/assign)", probe)
            singles = [
                ("PUT", f"/actions/tasks/{t['id']}/assign", {"person_id": t["assignee"]})
                for t in tasks
            ]
            answers = await self.many(phase, "tasks/assign", singles)
            phase.records += sum(a is not None for a in answers)

    async def comments(self, phase: Phase) -> None:
        tasks = self.ids["tasks"]
        statuses = self.ids["task_status_ids"]
        if not tasks:
            return
        requests = []
        for n in range(self.size.comments):
            task = tasks[self.rng.randrange(len(tasks))]
            status = statuses.get(COMMENT_STATUSES[self.rng.randrange(len(COMMENT_STATUSES))])
            body = {"task_status_id": status, "comment": f"bench note {n + 1}"}
            requests.append(("POST", f"/actions/tasks/{task['id']}/comment", body))
        answers = await self.many(phase, "comment", requests)
        phase.records += sum(a is not None for a in answers)

    async def time_spents(self, phase: Phase) -> None:
        tasks = [t for t in self.ids["tasks"] if t.get("assignee")]
        if not tasks:
            return
        wanted = min(self.size.time_spents, len(tasks) * len(TIME_SPENT_DAYS))
        chosen: set[tuple[int, int]] = set()
        while len(chosen) < wanted:
            chosen.add((self.rng.randrange(len(tasks)), self.rng.randrange(len(TIME_SPENT_DAYS))))
        requests = []
        for task_n, day_n in sorted(chosen):
            task = tasks[task_n]
            day = TIME_SPENT_DAYS[day_n].isoformat()
            path = f"/actions/tasks/{task['id']}/time-spents/{day}/persons/{task['assignee']}"
            requests.append(("POST", path, {"duration": 60 * self.rng.randrange(1, 9)}))
        answers = await self.many(phase, "time spent", requests)
        phase.records += sum(a is not None for a in answers)

    async def run(self) -> None:
        await self.phase("references", self.references)
        await self.phase("persons", self.persons)
        await self.phase("project", self.project)
        await self.phase("team", self.team)
        await self.entities()
        await self.phase("tasks", self.tasks)
        await self.phase("assign", self.assign)
        await self.phase("comments", self.comments)
        await self.phase("time-spents", self.time_spents)


def _task_row(task: dict) -> dict:
    return {
        "id": task["id"],
        "entity_id": task.get("entity_id"),
        "task_type_id": task.get("task_type_id"),
    }


async def seed(
    url: str,
    size_name: str,
    email: str = DEFAULT_EMAIL,
    password: str = DEFAULT_PASSWORD,
    name: str | None = None,
    seed_value: int = 7,
    concurrency: int = 8,
    ids_path: Path | None = None,
    results_dir: Path | None = None,
) -> dict:
    """Seed one production; returns the run record (also written to bench/results/)."""
    size = SIZES[size_name]
    name = name or f"bench-{size_name}-{dt.datetime.now(dt.UTC):%Y%m%d-%H%M%S}"
    header = run_header("seed", url=url, size=size_name, seed=seed_value, concurrency=concurrency)
    # Generous: a slow bulk answer is a figure to report, not a failure.
    api = await Api.login(url, email, password, connections=concurrency, request_timeout=300)
    clock = Clock()
    seeder = Seeder(api, size, name, seed_value, concurrency)
    try:
        await seeder.run()
    finally:
        await api.close()
    total_records = sum(p.records for p in seeder.phases)
    total_seconds = round(clock.elapsed(), 2)
    print(
        f"{'total':<14} {total_records:>7} records {sum(p.failed for p in seeder.phases):>6} "
        f"failed {total_seconds:>8.2f} s {total_records / total_seconds:>9.1f} records/s"
    )
    ids = {"url": url, "size": size_name, "seed": seed_value, **seeder.ids}
    ids_path = write_json(ids_path or default_ids_path(url), ids)
    record = {
        **header,
        "project_id": ids.get("project_id"),
        "project_name": name,
        "ids_file": str(ids_path),
        "seconds": total_seconds,
        "records": total_records,
        "phases": [p.report() for p in seeder.phases],
    }
    out = write_json(result_path(f"seed-{size_name}", url, results_dir), record)
    print(f"ids: {ids_path}\nresult: {out}")
    return record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="server root, e.g. http://127.0.0.1:8080")
    parser.add_argument("--size", choices=sorted(SIZES), default="mid")
    parser.add_argument("--email", default=DEFAULT_EMAIL)
    parser.add_argument("--password", default=DEFAULT_PASSWORD)
    parser.add_argument("--name", help="project name (default bench-SIZE-TIMESTAMP)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight")
    parser.add_argument("--ids", type=Path, help="where to write the created ids")
    parser.add_argument("--results-dir", type=Path, help="default bench/results")
    args = parser.parse_args(argv)
    try:
        asyncio.run(
            seed(
                args.url,
                args.size,
                args.email,
                args.password,
                args.name,
                args.seed,
                args.concurrency,
                args.ids,
                args.results_dir,
            )
        )
    except BenchError as error:
        print(f"seed failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
