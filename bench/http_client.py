"""A minimal HTTP/1.1 keep-alive client for load generation.

The benchmarks run the load generator on the same two cores as the service, the broker and the store;
httpx spends about 1.8 ms of CPU per request, a third of what the service itself spends. This client
writes the request bytes and reads one response per request (about a tenth of that)."""

import asyncio
import json
from urllib.parse import urlsplit

Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class Response:
    def __init__(self, status: int, body: bytes) -> None:
        self.status_code, self.body = status, body

    def json(self) -> object:
        return json.loads(self.body)


class HttpClient:
    """Requests to one server, with the same headers, over a pool of keep-alive connections."""

    def __init__(self, base: str, headers: dict[str, str]) -> None:
        url = urlsplit(base)
        self._host, self._port = url.hostname or "127.0.0.1", url.port or 80
        self._head = "".join(
            f"{name}: {value}\r\n" for name, value in {"host": self._host, **headers}.items()
        )
        self._idle: list[Connection] = []
        self._open: list[asyncio.StreamWriter] = []

    async def get(self, path: str) -> Response:
        return await self._send(f"GET {path} HTTP/1.1\r\n{self._head}\r\n".encode())

    async def post(self, path: str, body: object) -> Response:
        payload = json.dumps(body).encode()
        head = f"POST {path} HTTP/1.1\r\n{self._head}content-type: application/json\r\n"
        return await self._send(f"{head}content-length: {len(payload)}\r\n\r\n".encode() + payload)

    async def _send(self, request: bytes) -> Response:
        if self._idle:
            response = await self._exchange(self._idle.pop(), request)
            if response is not None:
                return response
            # The server closed the idle connection (keep-alive timeout) before reading the request.
        response = await self._exchange(await self._connect(), request)
        if response is None:
            raise ConnectionError("the server closed a new connection without answering")
        return response

    async def _exchange(self, connection: Connection, request: bytes) -> Response | None:
        reader, writer = connection
        try:
            writer.write(request)
            status_line = await reader.readline()
            if not status_line:
                writer.close()
                return None
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            body = await reader.readexactly(length)
        except BaseException:
            writer.close()  # a half-read connection cannot be reused
            raise
        self._idle.append(connection)
        return Response(int(status_line.split()[1]), body)

    async def _connect(self) -> Connection:
        reader, writer = await asyncio.open_connection(self._host, self._port)
        self._open.append(writer)
        return reader, writer

    async def close(self) -> None:
        for writer in self._open:
            writer.close()
        self._open.clear()
        self._idle.clear()
