"""The data service's kept answers (boards, the user context, teams, task comments), kept
by the gateway too.

Data marks an answer that stays right until the next write (`x-prodtrack-kept`). The
gateway keeps it per (path, query, caller, gzip or not) and answers the next identical
ask itself, after its usual token and revocation checks. Every write empties it: a
request other than a read passing through this gateway (when it starts and when it
ends), or a data event on NATS (another gateway, an import, the `prodtrack` command).

Only plain login tokens are answered here; a token limited to 2FA setup or a preview
account's always goes to the service, which applies its rules.
"""

import asyncio

from starlette.requests import Request

from libs.common import answers
from libs.common.events import Bus
from libs.common.identity import Principal
from libs.common.kept import Kept

KEPT_HEADER = answers.KEPT_HEADER.encode()
READS = frozenset({"GET", "HEAD", "OPTIONS"})


class KeptAnswers:
    def __init__(self):
        self.kept = Kept()
        self._listener: asyncio.Task | None = None

    def watch(self, bus: Bus) -> None:
        self._listener = answers.forget_on_data_events(bus, self.kept.forget)

    async def stop(self) -> None:
        await answers.stop_listening(self._listener)

    @staticmethod
    def key(request: Request, principal: Principal | None) -> tuple | None:
        """The key of a read that may be answered here, else None."""
        scope = request.scope
        if principal is None or scope["method"] != "GET":
            return None
        claims = principal.claims
        if (
            principal.identity_type != "person"
            or principal.token_type != "access"
            or claims.get("preview_project_id")
            or claims.get("requires_2fa_setup")
        ):
            return None
        gzip = "gzip" in request.headers.get("accept-encoding", "")
        return (scope["path"], scope["query_string"], principal.id, gzip)

    def get(self, key):
        """(status, headers, body) kept for this key, or None."""
        return self.kept.get(key)

    def keeper(self, key):
        """What the proxy calls with an answer marked kept, so it is kept here too
        (unless a write happened since this read began)."""
        generation = self.kept.generation

        def keep(status: int, headers: list, body: bytes, seconds: float) -> None:
            headers = [(k, v) for k, v in headers if k.lower() != b"x-request-id"]
            self.kept.keep(key, (status, headers, body), len(body), generation, seconds)

        return keep

    def write_passing(self, method: str) -> bool:
        """Called as a request starts and as it ends: a write empties the store."""
        if method in READS:
            return False
        self.kept.forget()
        return True
