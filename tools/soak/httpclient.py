"""A small HTTP/1.1 client on asyncio streams, for the load generator.

The load generator needs what a browser or script does (keep-alive, cookies
are handled by the caller, bodies by Content-Length or chunked) and exact
numbers: every request is timed from the first byte sent to the last byte
read, and every failure below HTTP (refused, reset, timed out, a reply that
does not parse) is one *socket error*, never a status. A full-featured
client library would hide reconnects and retries from these counts, so the
protocol is spoken here directly; the servers under test are the judges of
what is valid.
"""

from __future__ import annotations

import asyncio
import time
import typing as t
from dataclasses import dataclass

#: Seconds one request may take, connect included, before it counts as a socket error.
REQUEST_TIMEOUT = 15.0
#: Replies larger than this are refused (the showcase never sends one).
MAX_BODY = 8 * 1024 * 1024


class SocketError(Exception):
    """The exchange failed below HTTP: no complete reply was read."""


@dataclass(frozen=True)
class Reply:
    """A complete HTTP reply and how long it took."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    seconds: float

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (any case), or None."""
        wanted = name.lower()
        for key, value in self.headers:
            if key == wanted:
                return value
        return None

    def all(self, name: str) -> list[str]:
        """Every value of header ``name`` (Set-Cookie comes several times)."""
        wanted = name.lower()
        return [value for key, value in self.headers if key == wanted]


class Connection:
    """One client connection, reopened when the server closes it."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, target: str, headers: t.Mapping[str, str] | None = None,
        body: bytes = b"",
    ) -> Reply:
        """Send one request and read its reply; raise :class:`SocketError` on failure.

        A kept-alive connection the server closed while idle is reopened once
        (only when not one byte of reply came back, so nothing was answered).
        """
        started = time.perf_counter()
        wire = _encode_request(method, target, self.host, self.port, headers or {}, body)
        try:
            return await asyncio.wait_for(self._exchange(wire, method, started), REQUEST_TIMEOUT)
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError,
                asyncio.LimitOverrunError, ValueError) as exc:
            await self.close()
            raise SocketError(f"{type(exc).__name__}: {exc}") from exc

    async def _exchange(self, wire: bytes, method: str, started: float) -> Reply:
        reused = self._writer is not None
        try:
            return await self._send_and_read(wire, method, started)
        except (ConnectionError, asyncio.IncompleteReadError) as exc:
            nothing_read = isinstance(exc, ConnectionError) or not exc.partial
            if not (reused and nothing_read):
                raise
        await self.close()
        return await self._send_and_read(wire, method, started)

    async def _send_and_read(self, wire: bytes, method: str, started: float) -> Reply:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        assert self._reader is not None
        self._writer.write(wire)
        await self._writer.drain()
        status, headers, keep = await _read_head(self._reader)
        body = await _read_body(self._reader, headers, method, status)
        if not keep or _has_token(headers, "connection", "close"):
            await self.close()
        return Reply(status, headers, body, time.perf_counter() - started)

    async def close(self) -> None:
        """Close the socket, if open; errors on closing are of no interest."""
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            writer.close()
            try:
                await writer.wait_closed()
            except (OSError, asyncio.CancelledError):
                pass


def _encode_request(
    method: str, target: str, host: str, port: int, headers: t.Mapping[str, str], body: bytes
) -> bytes:
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}:{port}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def _read_head(
    reader: asyncio.StreamReader,
) -> tuple[int, tuple[tuple[str, str], ...], bool]:
    """Status, headers (names lower-cased) and whether the connection may be kept."""
    status_line = await reader.readuntil(b"\r\n")
    version, _, rest = status_line.decode("latin-1").partition(" ")
    status = int(rest[:3])
    headers: list[tuple[str, str]] = []
    while True:
        line = await reader.readuntil(b"\r\n")
        if line == b"\r\n":
            break
        name, _, value = line.decode("latin-1").partition(":")
        headers.append((name.strip().lower(), value.strip()))
    return status, tuple(headers), version == "HTTP/1.1"


def _has_token(headers: t.Iterable[tuple[str, str]], name: str, token: str) -> bool:
    return any(
        key == name and token in (part.strip().lower() for part in value.split(","))
        for key, value in headers
    )


async def _read_body(
    reader: asyncio.StreamReader, headers: tuple[tuple[str, str], ...], method: str, status: int
) -> bytes:
    if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
        return b""
    if _has_token(headers, "transfer-encoding", "chunked"):
        return await _read_chunked(reader)
    lengths = [value for key, value in headers if key == "content-length"]
    if lengths:
        size = int(lengths[0])
        if not 0 <= size <= MAX_BODY:
            raise ValueError(f"Content-Length {size} out of range")
        return await reader.readexactly(size)
    return await reader.read(MAX_BODY)  # until the server closes


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    total = 0
    while True:
        size_line = await reader.readuntil(b"\r\n")
        size = int(size_line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            while await reader.readuntil(b"\r\n") != b"\r\n":
                pass  # trailers
            return b"".join(parts)
        total += size
        if total > MAX_BODY:
            raise ValueError("chunked reply too large")
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)
