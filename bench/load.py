"""Bounded-time load on a seeded production, at several concurrencies, over what Kitsu
opens first and what artists do most; then write -> event latency.

    python bench/seed.py http://127.0.0.1:8080 --size mid     # once
    python bench/load.py http://127.0.0.1:8080 --nats-url nats://127.0.0.1:4222

Loopback only. Each (endpoint, concurrency) cell stops at --duration seconds or
--max-requests requests, whichever comes first. A route that answers 4xx/5xx is reported
as failed, never stops the run. Prints req/s and p50/p95/p99 per endpoint and writes the
figures to bench/results/.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchlib import (
    DEFAULT_EMAIL,
    DEFAULT_PASSWORD,
    Api,
    BenchError,
    default_ids_path,
    latency_summary,
    require_loopback,
    result_path,
    run_header,
    write_json,
)
from rawhttp import RawConnection

# Stop a cell early when its route plainly does not work: this many answers, none good.
GIVE_UP_AFTER = 5
EVENT_NAMES = ("comment:new", "task:status-changed")


@dataclass
class Endpoint:
    name: str
    method: str
    template: str
    request: Callable[[int], tuple[str, dict]]  # n-th request -> (path, kwargs)
    # A write sent (untimed) before each timed request: (method, path, kwargs).
    before: Callable[[int], tuple[str, str, dict]] | None = None


def endpoints(ids: dict) -> list[Endpoint]:
    """The requests of a Kitsu session on the seeded production, in the order a user meets
    them: opening the app, the production's pages, a task, a comment, a report, an export."""
    pid = ids.get("project_id")
    episode = (ids.get("episode_ids") or [None])[0]
    tasks = [t["id"] for t in ids.get("tasks", [])] or ["00000000-0000-0000-0000-000000000000"]
    statuses = ids.get("task_status_ids", {})
    names = ids.get("task_type_names", {})
    shot_types = ids.get("task_type_ids", {}).get("shot", [])
    quota_type = next(
        (t for t in shot_types if names.get(t) == "Animation"), shot_types[0] if shot_types else ""
    )
    # Writes go to the second half of the tasks, reads spread over all; a stride co-prime
    # with the count visits every task before repeating.
    written = tasks[len(tasks) // 2 :] or tasks
    comment_statuses = [statuses.get("wip"), statuses.get("wfa")]

    def task_at(n: int, pool: list[str] = tasks) -> str:
        return pool[(n * 7919) % len(pool)]

    def fixed(path: str, **params):
        return lambda n: (path, {"params": params} if params else {})

    shots_params = {"project_id": pid, **({"episode_id": episode} if episode else {})}
    return [
        Endpoint("user-context", "GET", "/data/user/context", fixed("/data/user/context")),
        Endpoint(
            "assets-with-tasks",
            "GET",
            "/data/assets/with-tasks?project_id=",
            fixed("/data/assets/with-tasks", project_id=pid),
        ),
        Endpoint(
            "shots-with-tasks",
            "GET",
            "/data/shots/with-tasks?project_id=&episode_id=",
            fixed("/data/shots/with-tasks", **shots_params),
        ),
        Endpoint(
            # The same board, each read right after a task write: built afresh, not kept.
            "assets-after-write",
            "GET",
            "/data/assets/with-tasks?project_id= (after PUT /data/tasks/{id})",
            fixed("/data/assets/with-tasks", project_id=pid),
            before=lambda n: (
                "PUT",
                f"/data/tasks/{task_at(n, written)}",
                {"json": {"priority": n % 3}},
            ),
        ),
        Endpoint(
            "sequences-with-tasks",
            "GET",
            "/data/sequences/with-tasks?project_id=",
            fixed("/data/sequences/with-tasks", project_id=pid),
        ),
        Endpoint("task", "GET", "/data/tasks/{id}", lambda n: (f"/data/tasks/{task_at(n)}", {})),
        Endpoint(
            "task-comments",
            "GET",
            "/data/tasks/{id}/comments",
            lambda n: (f"/data/tasks/{task_at(n)}/comments", {}),
        ),
        Endpoint(
            "project-team", "GET", "/data/projects/{id}/team", fixed(f"/data/projects/{pid}/team")
        ),
        Endpoint(
            "comment-status",
            "POST",
            "/actions/tasks/{id}/comment",
            lambda n: (
                f"/actions/tasks/{task_at(n, written)}/comment",
                {"json": {"task_status_id": comment_statuses[n % 2], "comment": f"load {n}"}},
            ),
        ),
        Endpoint(
            "quotas",
            "GET",
            "/data/projects/{id}/quotas/{task_type_id}",
            fixed(f"/data/projects/{pid}/quotas/{quota_type}", count_mode="weighted"),
        ),
        Endpoint(
            "shots-csv",
            "GET",
            "/export/csv/projects/{id}/shots.csv",
            fixed(f"/export/csv/projects/{pid}/shots.csv"),
        ),
    ]


async def run_cell(
    api: Api, endpoint: Endpoint, concurrency: int, duration: float, limit: int
) -> dict:
    latencies: list[float] = []
    statuses: Counter = Counter()
    counter = itertools.count()
    first_error = ""
    start = time.perf_counter()
    deadline = start + duration

    answer_bytes = 0

    async def worker():
        nonlocal first_error, answer_bytes
        # One keep-alive connection per worker, as a browser tab or a script holds.
        connection = RawConnection(api.url, api.token)
        try:
            while time.perf_counter() < deadline:
                n = next(counter)
                if n >= limit:
                    return
                if not latencies and sum(statuses.values()) >= GIVE_UP_AFTER:
                    return
                if endpoint.before is not None:
                    method, write_path, write_kwargs = endpoint.before(n)
                    wrote = await connection.request(method, write_path, **write_kwargs)
                    if not wrote.is_success and not first_error:
                        first_error = f"write {wrote.status} {wrote.text[:160]}"
                path, kwargs = endpoint.request(n)
                sent = time.perf_counter()
                try:
                    response = await connection.request(endpoint.method, path, **kwargs)
                    status = response.status
                except (OSError, EOFError) as error:
                    response, status = None, type(error).__name__
                took = time.perf_counter() - sent
                statuses[str(status)] += 1
                if response is not None and response.is_success:
                    latencies.append(took)
                    if not answer_bytes:
                        answer_bytes = len(response.content)
                elif not first_error:
                    first_error = f"{status} {response.text[:160] if response is not None else ''}"
        finally:
            connection.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - start
    ok = len(latencies)
    total = sum(statuses.values())
    return {
        "concurrency": concurrency,
        "requests": total,
        "ok": ok,
        "failed": total - ok,
        "statuses": dict(statuses),
        "seconds": round(elapsed, 3),
        "rps": round(ok / elapsed, 2) if elapsed and ok else 0.0,
        **latency_summary(latencies),
        # With the p95s of two sizes, tells whether latency grows faster than the answer.
        "answer_bytes": answer_bytes,
        **({"first_error": first_error.strip()} if first_error else {}),
    }


# -- write -> event latency -------------------------------------------------------------


class Waiters:
    """Futures keyed by task id, resolved with the time an event about that task arrived.
    Safe to feed from another thread (the socket.io client has its own)."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self.pending: dict[str, asyncio.Future] = {}
        self.events = 0

    def expect(self, task_id: str) -> asyncio.Future:
        future = self.loop.create_future()
        self.pending[task_id] = future
        return future

    def seen(self, name: str, data, arrived: float) -> None:
        self.events += 1
        task_id = data.get("task_id") if isinstance(data, dict) else None
        if name in EVENT_NAMES and task_id:
            self.loop.call_soon_threadsafe(self._resolve, task_id, arrived)

    def _resolve(self, task_id: str, arrived: float) -> None:
        future = self.pending.pop(task_id, None)
        if future is not None and not future.done():
            future.set_result(arrived)


async def nats_source(url: str, prefix: str, waiters: Waiters):
    import nats

    connection = await nats.connect(url, connect_timeout=3, max_reconnect_attempts=0)

    async def on_message(message):
        arrived = time.perf_counter()
        try:
            event = json.loads(message.data)
        except ValueError:
            return
        waiters.seen(event.get("name", ""), event.get("data"), arrived)

    await connection.subscribe(f"{prefix}.>", cb=on_message)
    return connection.close


async def socketio_source(url: str, token: str, waiters: Waiters):
    import socketio

    client = socketio.Client(reconnection=False)
    connected = threading.Event()

    def on_any(name, data=None):
        waiters.seen(name, data, time.perf_counter())

    client.on("*", on_any, namespace="/events")
    client.on("connect", connected.set, namespace="/events")
    await asyncio.to_thread(
        client.connect,
        url,
        headers={"Authorization": f"Bearer {token}"},
        namespaces=["/events"],
        wait_timeout=5,
    )
    await asyncio.to_thread(connected.wait, 5)
    return lambda: asyncio.to_thread(client.disconnect)


async def event_latency(api: Api, ids: dict, args) -> dict:
    loop = asyncio.get_running_loop()
    sources: dict[str, Waiters] = {}
    closers = []
    report: dict[str, dict] = {}
    wanted = []
    if args.events_url != "none":
        wanted.append(("socketio", lambda w: socketio_source(args.events_url, api.token, w)))
    if args.nats_url:
        wanted.append(("nats", lambda w: nats_source(args.nats_url, args.nats_prefix, w)))
    for name, connect in wanted:
        waiters = Waiters(loop)
        try:
            closers.append(await asyncio.wait_for(connect(waiters), 10))
            sources[name] = waiters
        except Exception as error:  # optional: an event stream that is not there is reported
            report[name] = {"available": False, "error": f"{type(error).__name__}: {error}"[:300]}
    tasks = [t["id"] for t in ids.get("tasks", [])]
    if not sources or args.events <= 0 or not tasks:
        for close in closers:
            await close()
        return report
    statuses = ids.get("task_status_ids", {})
    latencies: dict[str, list[float]] = {name: [] for name in sources}
    after_answer: dict[str, list[float]] = {name: [] for name in sources}
    write_times: list[float] = []
    missed: Counter = Counter()
    failed_writes = 0
    for n in range(args.events):
        task_id = tasks[(n * 104729 + 13) % len(tasks)]
        futures = {name: w.expect(task_id) for name, w in sources.items()}
        status = statuses.get("wfa" if n % 2 else "wip")
        sent = time.perf_counter()
        response = await api.call(
            "POST",
            f"/actions/tasks/{task_id}/comment",
            json={"task_status_id": status, "comment": f"event probe {n}"},
        )
        if response is None or not response.is_success:
            failed_writes += 1
            for future in futures.values():
                future.cancel()
            if failed_writes >= GIVE_UP_AFTER and failed_writes > n // 2:
                break
            continue
        answered = time.perf_counter()
        write_times.append(answered - sent)
        for name, future in futures.items():
            try:
                arrived = await asyncio.wait_for(
                    future, max(0.01, sent + 2.0 - time.perf_counter())
                )
                latencies[name].append(arrived - sent)
                after_answer[name].append(arrived - answered)
            except TimeoutError:
                missed[name] += 1
                sources[name].pending.pop(task_id, None)
        await asyncio.sleep(0.02)
    for close in closers:
        with contextlib.suppress(Exception):
            await close()
    for name in sources:
        report[name] = {
            "available": True,
            "writes": args.events,
            "failed_writes": failed_writes,
            "received": len(latencies[name]),
            "missed": missed[name],
            "events_seen": sources[name].events,
            **latency_summary(latencies[name]),
            # The same events timed from the write's answer (negative: event came first).
            "after_answer": latency_summary(after_answer[name]),
            "write": latency_summary(write_times),
        }
    return report


# -- a whole run ------------------------------------------------------------------------


async def run_load(url: str, ids: dict, args, label: str = "") -> dict:
    require_loopback(url)
    header = run_header("load", url=url, label=label, size=ids.get("size"))
    concurrencies = [int(c) for c in str(args.concurrency).split(",")]
    api = await Api.login(url, args.email, args.password, connections=max(concurrencies))
    chosen = endpoints(ids)
    if args.endpoints:
        keep = set(args.endpoints.split(","))
        chosen = [e for e in chosen if e.name in keep]
    results: dict[str, dict] = {}
    try:
        for endpoint in chosen:
            results[endpoint.name] = {
                "method": endpoint.method,
                "path": endpoint.template,
                "by_concurrency": {},
            }
            # Warm caches and connections; not counted.
            await run_cell(api, endpoint, 1, 10.0, 2)
            for concurrency in concurrencies:
                cell = await run_cell(api, endpoint, concurrency, args.duration, args.max_requests)
                results[endpoint.name]["by_concurrency"][str(concurrency)] = cell
                print_cell(endpoint.name, cell)
        events = await event_latency(api, ids, args)
    finally:
        await api.close()
    for name, figures in events.items():
        print_event(name, figures)
    record = {
        **header,
        "project_id": ids.get("project_id"),
        "params": {
            "concurrency": concurrencies,
            "duration": args.duration,
            "max_requests": args.max_requests,
            "events": args.events,
        },
        "endpoints": results,
        "events": events,
        "machine_after": run_header("")["machine"],
    }
    return record


def print_header() -> None:
    print(
        f"{'endpoint':<22} {'conc':>4} {'req/s':>9} {'p50 ms':>9} {'p95 ms':>9} "
        f"{'p99 ms':>9} {'ok':>6} {'failed':>6}",
        flush=True,
    )


def _ms(value) -> str:
    return "-" if value is None else f"{value:.1f}"


def print_cell(name: str, cell: dict) -> None:
    line = (
        f"{name:<22} {cell['concurrency']:>4} {cell['rps']:>9.1f} {_ms(cell['p50_ms']):>9} "
        f"{_ms(cell['p95_ms']):>9} {_ms(cell['p99_ms']):>9} {cell['ok']:>6} {cell['failed']:>6}"
    )
    if cell["failed"] and not cell["ok"]:
        line += f"  FAILED {cell.get('first_error', '')[:80]}"
    print(line, flush=True)


def print_event(name: str, figures: dict) -> None:
    if not figures.get("available"):
        print(f"events via {name}: unavailable ({figures.get('error', '')})", flush=True)
        return
    print(
        f"events via {name}: write -> received p50 {_ms(figures['p50_ms'])} ms, "
        f"p95 {_ms(figures['p95_ms'])} ms, p99 {_ms(figures['p99_ms'])} ms "
        f"(p50 {_ms(figures['after_answer']['p50_ms'])} ms after the write's answer; "
        f"{figures['received']} received, {figures['missed']} missed, "
        f"{figures['failed_writes']} failed writes)",
        flush=True,
    )


def add_load_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--email", default=DEFAULT_EMAIL)
    parser.add_argument("--password", default=DEFAULT_PASSWORD)
    parser.add_argument("--concurrency", default="1,4,16", help="comma list (default 1,4,16)")
    parser.add_argument("--duration", type=float, default=3.0, help="seconds per cell")
    parser.add_argument("--max-requests", type=int, default=2000, help="requests per cell")
    parser.add_argument("--endpoints", help="comma list of endpoint names (default all)")
    parser.add_argument("--events", type=int, default=30, help="event latency probes")
    parser.add_argument("--nats-url", help="NATS to listen on for prodtrack's events")
    parser.add_argument("--nats-prefix", default="prodtrack", help="subject prefix")
    parser.add_argument("--results-dir", type=Path, help="default bench/results")


def load_ids(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise BenchError(f"no seeded ids at {path} (run seed.py first): {error}") from error


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="server root, e.g. http://127.0.0.1:8080")
    parser.add_argument("--ids", type=Path, help="ids written by seed.py (default bench/state)")
    parser.add_argument(
        "--events-url",
        help="socket.io event stream (default: the URL; Zou serves it on its own port); "
        "'none' to skip",
    )
    parser.add_argument("--label", default="", help="a name for this run in the results")
    add_load_arguments(parser)
    args = parser.parse_args(argv)
    args.events_url = args.events_url or args.url
    try:
        ids = load_ids(args.ids or default_ids_path(args.url))
        print_header()
        record = asyncio.run(run_load(args.url, ids, args, args.label))
    except BenchError as error:
        print(f"load failed: {error}", file=sys.stderr)
        return 1
    out = write_json(result_path("load", args.url, args.results_dir), record)
    print(f"result: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
