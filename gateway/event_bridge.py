"""Socket.IO bridge: relays change events from NATS to Kitsu and `gazu.events` listeners.

Listeners connect to `/socket.io` (namespace `/events`) with their token, as with Zou.
An admin hears everything; anyone else hears events of the projects whose team they were
in when they connected, and events outside any project.
"""

import asyncio
import json
from http.cookies import SimpleCookie

import httpx
import socketio

from libs.common.events import Bus
from libs.common.identity import ACCESS_COOKIE, verify
from libs.common.keys import Keys
from libs.common.logging import get_logger
from libs.common.revocation import Revocations

log = get_logger("gateway.events")
NAMESPACE = "/events"
EVERYTHING = "everything"
NO_PROJECT = "no-project"


def project_room(project_id: str) -> str:
    return f"project:{project_id}"


class EventBridge:
    def __init__(self, bus: Bus, keys: Keys, revocations: Revocations, data_url: str):
        self.bus = bus
        self.keys = keys
        self.revocations = revocations
        self.data_url = data_url
        # gazu also opens the default namespace; both check the token.
        self.sio = socketio.AsyncServer(
            async_mode="asgi", cors_allowed_origins="*", namespaces=["/", NAMESPACE]
        )
        self.sio.on("connect", self.on_default_connect, namespace="/")
        self.sio.on("connect", self.on_connect, namespace=NAMESPACE)
        self.asgi = socketio.ASGIApp(self.sio, socketio_path="socket.io")
        self.http: httpx.AsyncClient | None = None
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self.http = httpx.AsyncClient(base_url=self.data_url, timeout=5)
        self._task = asyncio.create_task(self._relay())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
        if self.http:
            await self.http.aclose()

    async def on_default_connect(self, sid, environ, auth=None):
        await self._principal(environ, auth)
        return True

    async def _principal(self, environ, auth):
        token = _token(environ, auth)
        if not token:
            raise socketio.exceptions.ConnectionRefusedError("unauthorized")
        try:
            principal = verify(self.keys.public_key(), token)
        except Exception as exc:
            raise socketio.exceptions.ConnectionRefusedError("unauthorized") from exc
        if await self.revocations.check_now(principal.jti, principal.identity_type):
            raise socketio.exceptions.ConnectionRefusedError("unauthorized")
        return principal

    async def on_connect(self, sid, environ, auth=None):
        principal = await self._principal(environ, auth)
        response = await self.http.get(f"/internal/persons/{principal.id}/access")
        if response.status_code != 200 or not response.json().get("active", True):
            raise socketio.exceptions.ConnectionRefusedError("unauthorized")
        access = response.json()
        if access["role"] == "admin":
            await self.sio.enter_room(sid, EVERYTHING, namespace=NAMESPACE)
            return True
        await self.sio.enter_room(sid, NO_PROJECT, namespace=NAMESPACE)
        for project_id in access["project_ids"]:
            await self.sio.enter_room(sid, project_room(project_id), namespace=NAMESPACE)
        return True

    async def _relay(self) -> None:
        await self.bus.ready.wait()

        async def forward(msg):
            try:
                event = json.loads(msg.data)
                name, data = event["name"], event.get("data") or {}
            except (ValueError, KeyError):
                return
            project_id = event.get("project_id") or data.get("project_id")
            room = project_room(project_id) if project_id else NO_PROJECT
            await self.sio.emit(name, data, room=EVERYTHING, namespace=NAMESPACE)
            await self.sio.emit(name, data, room=room, namespace=NAMESPACE)

        await self.bus.nc.subscribe(self.bus.subject(">"), cb=forward)


def _token(environ: dict, auth) -> str | None:
    if isinstance(auth, dict) and auth.get("token"):
        return auth["token"]
    header = environ.get("HTTP_AUTHORIZATION", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    cookie = SimpleCookie(environ.get("HTTP_COOKIE", ""))
    return cookie[ACCESS_COOKIE].value if ACCESS_COOKIE in cookie else None
