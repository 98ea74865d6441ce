"""What seed.py, load.py and compare.py share: an HTTP session, bounded concurrency,
percentiles, and where runs and ids are written."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import json
import os
import platform
import socket
import subprocess
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
STATE_DIR = BENCH_DIR / "state"
DEFAULT_EMAIL = "admin@example.com"
DEFAULT_PASSWORD = "mysecretpassword"


class BenchError(Exception):
    """A run cannot go on (login refused, project not created, ...)."""


@dataclass
class Api:
    """One logged-in HTTP session against a Zou-compatible server."""

    url: str
    client: httpx.AsyncClient
    token: str = ""
    user: dict = field(default_factory=dict)
    last_error: str = ""

    @classmethod
    async def login(
        cls, url: str, email: str, password: str, connections: int = 32, request_timeout: float = 60
    ) -> Api:
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        client = httpx.AsyncClient(base_url=url.rstrip("/"), timeout=request_timeout, limits=limits)
        try:
            response = await client.post("/auth/login", json={"email": email, "password": password})
        except httpx.HTTPError as error:
            await client.aclose()
            raise BenchError(f"cannot reach {url}: {error!r}") from error
        if response.status_code != 200 or "access_token" not in response.text:
            await client.aclose()
            raise BenchError(
                f"login refused by {url}: {response.status_code} {response.text[:200]}"
            )
        body = response.json()
        client.headers["Authorization"] = f"Bearer {body['access_token']}"
        return cls(
            url=url.rstrip("/"), client=client, token=body["access_token"], user=body["user"]
        )

    async def call(self, method: str, path: str, **kwargs) -> httpx.Response | None:
        """The response, or None when no answer came (see last_error)."""
        try:
            return await self.client.request(method, path, **kwargs)
        except httpx.HTTPError as error:
            self.last_error = type(error).__name__
            return None

    async def json(self, method: str, path: str, **kwargs):
        """The decoded body of a 2xx answer, else None."""
        response = await self.call(method, path, **kwargs)
        if response is None or not response.is_success:
            return None
        try:
            return response.json()
        except ValueError:
            return None

    async def close(self) -> None:
        await self.client.aclose()


async def bounded(items: Iterable, work: Callable[..., Awaitable], concurrency: int) -> list:
    """Run work(item) for every item, at most `concurrency` at a time; results keep order.
    An exception becomes the item's result instead of stopping the others."""

    semaphore = asyncio.Semaphore(concurrency)

    async def one(item):
        async with semaphore:
            try:
                return await work(item)
            except Exception as error:  # a benchmark reports failures, it does not stop
                return error

    return await asyncio.gather(*(one(item) for item in items))


def percentile(sorted_values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return None
    rank = max(0, min(len(sorted_values) - 1, round(fraction * len(sorted_values) + 0.5) - 1))
    return sorted_values[rank]


def latency_summary(latencies_s: list[float]) -> dict:
    values = sorted(latencies_s)
    as_ms = {
        "p50_ms": percentile(values, 0.50),
        "p95_ms": percentile(values, 0.95),
        "p99_ms": percentile(values, 0.99),
        "max_ms": values[-1] if values else None,
    }
    return {key: None if v is None else round(v * 1000, 2) for key, v in as_ms.items()}


def require_loopback(url: str) -> None:
    """The load generator only ever hits this machine."""
    host = urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror as error:
        raise BenchError(f"cannot resolve {host!r}") from error
    if not addresses or not all(ipaddress.ip_address(a).is_loopback for a in addresses):
        raise BenchError(f"{url} is not a loopback address; load.py only runs against this machine")


def machine() -> dict:
    load1, load5, load15 = os.getloadavg()
    return {
        "host": platform.node(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "loadavg": [round(load1, 2), round(load5, 2), round(load15, 2)],
    }


def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(BENCH_DIR), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
        )
        dirty = subprocess.run(
            ["git", "-C", str(BENCH_DIR), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    commit = out.stdout.strip() or "unknown"
    return commit + ("+dirty" if dirty.stdout.strip() else "")


def now_stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def server_tag(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}_{parts.port or 80}"


def default_ids_path(url: str) -> Path:
    return STATE_DIR / f"ids-{server_tag(url)}.json"


def write_json(path: Path, payload: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(payload, indent=1, sort_keys=False) + "\n")
    tmp.replace(path)
    return path


def result_path(kind: str, url: str | None = None, out_dir: Path | None = None) -> Path:
    suffix = f"-{server_tag(url)}" if url else ""
    return (out_dir or RESULTS_DIR) / f"{kind}-{now_stamp()}{suffix}.json"


def run_header(kind: str, **extra) -> dict:
    return {
        "kind": kind,
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "machine": machine(),
        **extra,
    }


class Clock:
    """Seconds since creation, on the monotonic clock."""

    def __init__(self) -> None:
        self.start = time.perf_counter()

    def elapsed(self) -> float:
        return time.perf_counter() - self.start
