"""Runs each service and the gateway as a child process; restarts a crashed child; stops
them all together. Children die with the supervisor, even when it is killed."""

import ctypes
import os
import signal
import subprocess
import time
from dataclasses import dataclass, field

from libs.common.logging import get_logger

log = get_logger("prodtrack.supervisor")
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child, before exec: receive SIGTERM when the supervisor goes away."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass


@dataclass
class Child:
    name: str
    argv: list[str]
    env: dict[str, str]
    process: subprocess.Popen | None = None
    restarts: list[float] = field(default_factory=list)

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.argv, env=self.env, start_new_session=True, preexec_fn=_die_with_parent
        )

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


class Supervisor:
    def __init__(self, children: list[Child]):
        self.children = children
        self.stopping = False

    def start(self) -> None:
        for child in self.children:
            child.start()

    def check(self) -> None:
        """Restart children that exited, backing off when one keeps crashing."""
        now = time.monotonic()
        for child in self.children:
            if self.stopping or child.alive:
                continue
            child.restarts = [t for t in child.restarts if now - t < 60]
            if len(child.restarts) >= 5 and now - child.restarts[-1] < 10:
                continue
            code = child.process.returncode if child.process else None
            log.warning("child exited, restarting", child=child.name, code=code)
            child.restarts.append(now)
            child.start()

    def stop(self, timeout: float = 15) -> None:
        self.stopping = True
        for child in self.children:
            if child.alive:
                child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for child in self.children:
            if child.process is None:
                continue
            try:
                child.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(child.process.pid, signal.SIGKILL)
                child.process.wait()
