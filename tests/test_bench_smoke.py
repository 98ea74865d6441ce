"""The benchmark runs end to end against the test system: a tiny seed, a short load, and
JSON figures for every endpoint. It checks the figures are there, never how fast."""

import json
import subprocess
import sys
import uuid
from pathlib import Path

from tests.support.system import ADMIN_EMAIL, ADMIN_PASSWORD

BENCH = Path(__file__).resolve().parent.parent / "bench"


def bench(script: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def only_json(directory: Path, prefix: str) -> dict:
    (path,) = directory.glob(f"{prefix}-*.json")
    return json.loads(path.read_text())


def test_seed_then_load_write_figures_per_endpoint(system, tmp_path):
    credentials = ["--email", ADMIN_EMAIL, "--password", ADMIN_PASSWORD]
    ids = tmp_path / "ids.json"
    seeded = bench(
        "seed.py",
        system.url,
        "--size",
        "smoke",
        "--name",
        f"bench-smoke-{uuid.uuid4().hex[:8]}",
        "--ids",
        str(ids),
        "--results-dir",
        str(tmp_path),
        *credentials,
    )
    assert seeded.returncode == 0, seeded.stderr + seeded.stdout
    seed_run = only_json(tmp_path, "seed-smoke")
    assert seed_run["project_id"]
    assert {p["name"] for p in seed_run["phases"]} >= {"project", "shots", "tasks", "comments"}
    assert seed_run["commit"] and len(seed_run["machine"]["loadavg"]) == 3

    loaded = bench(
        "load.py",
        system.url,
        "--ids",
        str(ids),
        "--results-dir",
        str(tmp_path),
        "--concurrency",
        "1,2",
        "--duration",
        "0.1",
        "--max-requests",
        "10",
        "--events",
        "3",
        "--nats-url",
        system.nats_url,
        "--nats-prefix",
        system.prefix,
        *credentials,
    )
    assert loaded.returncode == 0, loaded.stderr + loaded.stdout
    run = only_json(tmp_path, "load")
    assert set(run["endpoints"]) >= {
        "user-context",
        "shots-with-tasks",
        "assets-with-tasks",
        "comment-status",
        "quotas",
        "shots-csv",
    }
    for figures in run["endpoints"].values():
        assert set(figures["by_concurrency"]) == {"1", "2"}
        for cell in figures["by_concurrency"].values():
            assert cell["requests"] >= 1
            assert {"rps", "p50_ms", "p95_ms", "p99_ms", "failed"} <= set(cell)
    assert set(run["events"]) == {"socketio", "nats"}
    assert "shots-with-tasks" in loaded.stdout


def test_load_refuses_a_server_off_this_machine(tmp_path):
    ids = tmp_path / "ids.json"
    ids.write_text(json.dumps({"project_id": "x", "tasks": []}))
    refused = bench("load.py", "http://192.0.2.1:8080", "--ids", str(ids), timeout=20)
    assert refused.returncode == 1
    assert "loopback" in refused.stderr
