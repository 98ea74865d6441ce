"""Failed logins counted per client address: past the limit, `POST /auth/login` answers
429 with Retry-After until the oldest failure leaves the window. Successful logins cost
nothing, so a studio behind one NAT address is not locked out by its own users.

Counts live in this process: with several gateway replicas, each one counts its own.
"""

import math
import time
from collections import defaultdict, deque

from libs.common.errors import error_response
from libs.common.settings import Settings, get_settings

LOGIN_PATHS = {"/auth/login", "/api/auth/login"}


class LoginRateLimit:
    """Pure ASGI, in front of the gateway."""

    def __init__(self, app, settings: Settings | None = None):
        self.app = app
        self.settings = settings or get_settings()
        self.failures: dict[str, deque[float]] = defaultdict(deque)

    def _recent(self, address: str, now: float) -> deque[float]:
        window = self.failures[address]
        while window and window[0] <= now - self.settings.login_failures_window_seconds:
            window.popleft()
        return window

    async def __call__(self, scope, receive, send):
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or scope["path"] not in LOGIN_PATHS
            or self.settings.login_failures_per_address <= 0
        ):
            return await self.app(scope, receive, send)
        address = (scope.get("client") or ("unknown",))[0]
        now = time.monotonic()
        window = self._recent(address, now)
        if len(window) >= self.settings.login_failures_per_address:
            wait = window[0] + self.settings.login_failures_window_seconds - now
            response = error_response(429, "Too many failed login attempts, retry later.")
            response.headers["Retry-After"] = str(max(1, math.ceil(wait)))
            return await response(scope, receive, send)

        async def counting_send(message):
            if message["type"] == "http.response.start" and message["status"] in (400, 401):
                self._recent(address, time.monotonic()).append(time.monotonic())
            await send(message)

        await self.app(scope, receive, counting_send)
        if not window:
            self.failures.pop(address, None)
