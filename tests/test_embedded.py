"""The README's first command on a fresh machine: embedded PostgreSQL and NATS."""

import shutil
import tempfile
from pathlib import Path

import psutil
import pytest

from tests.support.system import start_system, stop_system


@pytest.fixture
def tmp_path():
    # Not under pytest's own temporary root: another pytest session starting meanwhile
    # resets that root to 0700, and the embedded PostgreSQL runs as its own user.
    path = Path(tempfile.mkdtemp(prefix="prodtrack-embedded-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_up_on_an_empty_data_dir_runs_everything_and_stops_clean(tmp_path):
    system = start_system(database_url=None, nats_url=None, data_dir=tmp_path / "var")
    try:
        status = system.client().get("/status").json()
        assert status["database-up"] and status["event-stream-up"]
        assert all(status["services"].values())
        children = psutil.Process(system.process.pid).children(recursive=True)
        assert any("nats-server" in " ".join(c.cmdline()) for c in children)
        assert (tmp_path / "var" / "postgres").is_dir()
        token = system.login()
        assert system.client(token).get("/data/events/names").status_code == 200
    finally:
        code = stop_system(system)
    assert code == 0
    survivors = [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
    assert survivors == [], f"processes left behind: {[c.cmdline() for c in survivors]}"
    postgres_left = [
        p
        for p in psutil.process_iter(["cmdline"])
        if str(tmp_path) in " ".join(p.info["cmdline"] or [])
    ]
    assert postgres_left == [], "the embedded PostgreSQL kept running"
