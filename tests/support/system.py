"""A real prodtrack, started with its own command line, for one test session."""

import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from prodtrack.embedded import free_port

ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "test-admin-password"


@dataclass
class System:
    url: str
    nats_url: str
    database_url: str
    data_dir: Path
    prefix: str
    env: dict[str, str]
    process: subprocess.Popen
    log_path: Path
    extra: dict = field(default_factory=dict)

    def client(self, token: str | None = None, base: str = "") -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url + base, headers=headers, timeout=30)

    def login(self, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD) -> str:
        with self.client() as client:
            response = client.post("/auth/login", json={"email": email, "password": password})
        response.raise_for_status()
        return response.json()["access_token"]

    def subject(self, relative: str = ">") -> str:
        return f"{self.prefix}.{relative}"

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace")

    def service_urls(self) -> dict[str, str]:
        """Each service's own address (`prodtrack up` picks free ports), read from its
        children's command lines, so a test can call a service behind the gateway's back."""
        urls = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
                if ppid != self.process.pid:
                    continue
                argv = (stat.parent / "cmdline").read_bytes().decode().split("\0")
            except (OSError, ValueError, IndexError):
                continue
            if "serve" in argv and "--port" in argv:
                name = argv[argv.index("serve") + 1]
                urls[name] = f"http://127.0.0.1:{argv[argv.index('--port') + 1]}"
        urls.pop("gateway", None)
        return urls

    def cli(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "prodtrack", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )


def system_env(database_url: str | None, nats_url: str | None, data_dir: Path) -> dict:
    tag = uuid.uuid4().hex[:8]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRODTRACK_")}
    env.update(
        {
            "PRODTRACK_DATA_DIR": str(data_dir),
            "PRODTRACK_ADMIN_EMAIL": ADMIN_EMAIL,
            "PRODTRACK_ADMIN_PASSWORD": ADMIN_PASSWORD,
            # Own stream, subjects and buckets, so a shared NATS serves several systems.
            "PRODTRACK_STREAM_NAME": f"PT_{tag}",
            "PRODTRACK_SUBJECT_PREFIX": f"pt{tag}",
            "PRODTRACK_REVOCATION_BUCKET": f"pt-{tag}-revoked",
            "PRODTRACK_INSTANCE": tag,
            "PRODTRACK_LOG_LEVEL": "info",
            # Zou's 12 rounds cost ~0.25 s a hash; tests log in often.
            "PRODTRACK_BCRYPT_ROUNDS": "4",
        }
    )
    if database_url:
        env["PRODTRACK_DATABASE_URL"] = database_url
    if nats_url:
        env["PRODTRACK_NATS_URL"] = nats_url
    return env


def start_system(
    database_url: str | None,
    nats_url: str | None,
    data_dir: Path,
    timeout: float = 180,
    extra_env: dict[str, str] | None = None,
) -> System:
    """`extra_env`: PRODTRACK_* settings of this system only (SMTP server, enforced 2FA...)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {**system_env(database_url, nats_url, data_dir), **(extra_env or {})}
    port = free_port()
    log_path = data_dir / "prodtrack.log"
    log = log_path.open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "prodtrack", "up", "--port", str(port), "--data-dir", str(data_dir)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    system = System(
        url=f"http://127.0.0.1:{port}",
        nats_url=nats_url or "",
        database_url=database_url or "",
        data_dir=data_dir,
        prefix=env["PRODTRACK_SUBJECT_PREFIX"],
        env=env,
        process=process,
        log_path=log_path,
    )
    wait_until_up(system, timeout)
    return system


def wait_until_up(system: System, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if system.process.poll() is not None:
            raise RuntimeError(f"prodtrack up exited early:\n{system.logs()[-4000:]}")
        try:
            last = httpx.get(f"{system.url}/status", timeout=2).json()
            if last.get("event-stream-up") and all(last.get("services", {"x": False}).values()):
                if last.get("database-up"):
                    return last
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.3)
    stop_system(system)
    raise RuntimeError(f"prodtrack did not come up: {last}\n{system.logs()[-4000:]}")


def stop_system(system: System, timeout: float = 30) -> int:
    if system.process.poll() is None:
        system.process.send_signal(signal.SIGTERM)
        try:
            system.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(system.process.pid, signal.SIGKILL)
            system.process.wait()
    return system.process.returncode
