"""Streams a request to its service and the answer back; only small answers are held whole."""

from http.cookiejar import CookieJar, DefaultCookiePolicy

import httpx
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from libs.common.errors import error_response

# Hop-by-hop headers belong to one connection, not to the message.
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "trailers",
    "transfer-encoding",
    "upgrade",
    "host",
}


# Answers up to this size (most of them) are read whole and sent in one piece.
WHOLE_BELOW_BYTES = 256 * 1024


class NoCookies(CookieJar):
    def __init__(self):
        super().__init__(policy=DefaultCookiePolicy(allowed_domains=[]))


class Proxy:
    def __init__(self, service_urls: dict[str, str]):
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=100)
        timeout = httpx.Timeout(connect=5, read=300, write=300, pool=30)
        # Services' Set-Cookie headers belong to the client that asked: the pools must
        # never keep them, or one user's login would ride along with everyone's requests.
        # httpx would ask for gzip on a client's behalf when it did not ("identity" is
        # replaced by the client's own Accept-Encoding when it sends one).
        self.clients = {
            name: httpx.AsyncClient(
                base_url=url,
                limits=limits,
                timeout=timeout,
                cookies=NoCookies(),
                headers={"accept-encoding": "identity"},
            )
            for name, url in service_urls.items()
        }

    async def close(self) -> None:
        for client in self.clients.values():
            await client.aclose()

    async def forward(self, request: Request, service: str, path: str, request_id: str) -> Response:
        client = self.clients[service]
        headers = [
            (key, value)
            for key, value in request.headers.raw
            if key.decode("latin-1").lower() not in HOP_BY_HOP
        ]
        headers.append((b"x-request-id", request_id.encode()))
        if request.client:
            headers.append((b"x-forwarded-for", request.client.host.encode()))
        has_body = "content-length" in request.headers or "transfer-encoding" in request.headers
        query = request.url.query
        upstream = client.build_request(
            request.method,
            f"{path}?{query}" if query else path,
            headers=headers,
            content=request.stream() if has_body else None,
        )
        try:
            response = await client.send(upstream, stream=True)
        except httpx.TransportError:
            return error_response(502, f"The {service} service is not reachable.")
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) <= WHOLE_BELOW_BYTES:
            # Most answers are small: sent whole, without a streaming task per response.
            try:
                body = b"".join([chunk async for chunk in response.aiter_raw()])
            except httpx.TransportError:
                return error_response(502, f"The {service} service is not reachable.")
            finally:
                await response.aclose()
            answer = Response(body, status_code=response.status_code)
        else:
            answer = StreamingResponse(
                response.aiter_raw(),
                status_code=response.status_code,
                background=BackgroundTask(response.aclose),
            )
        # Kept as a list so repeated headers (two Set-Cookie) survive.
        answer.raw_headers = [
            (key.encode("latin-1"), value.encode("latin-1"))
            for key, value in response.headers.multi_items()
            if key.lower() not in HOP_BY_HOP
        ]
        return answer
