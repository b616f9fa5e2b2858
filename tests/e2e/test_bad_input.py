"""Malformed and hostile requests over raw sockets to real servers.

gunicorn (one sync worker) and granian (one WSGI worker) serve
``tests.safety_apps.served:app``; uvicorn serves its ``app.asgi`` (Kolba
only: Flask has no ASGI door).  ``MAX_CONTENT_LENGTH`` is 1000 bytes and
``TESTING`` is off, so an unhandled error would be the 500 page a
deployment sends.  Each server starts once per module on a free loopback
port, in a process group of its own that is killed by its id at the end.

Every probe in ``PROBES`` goes to every server.  It must be answered (or
the connection closed) within ``ANSWER_TIMEOUT``; a 5xx is allowed only
when the server itself answered, never the app (the app stamps its
answers with ``X-Safety: 1``); and afterwards the *same* worker (same
process id) must answer a good request.  Set ``KOLBA_BAD_INPUT_REPORT`` to a
file name to get the table of who answered what, as in
docs/reliability.md.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import typing as t
from pathlib import Path

import pytest

from tests.e2e._servers import free_port, module_available

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 20.0
#: Far below gunicorn's worker timeout: an answer slower than this is a hang.
ANSWER_TIMEOUT = 4.0
TARGET = "tests.safety_apps.served:app"

ARGV: dict[str, list[str]] = {
    "gunicorn": [
        "-m", "gunicorn", "--bind", "127.0.0.1:{port}", "--workers", "1", "--worker-class", "sync",
        "--timeout", "20", "--graceful-timeout", "1", TARGET,
    ],
    "granian": [
        "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1", "--port", "{port}",
        "--workers", "1", "--no-ws", TARGET,
    ],
    "uvicorn": [
        "-m", "uvicorn", "--host", "127.0.0.1", "--port", "{port}", "--workers", "1",
        "--lifespan", "off", "--log-level", "warning", TARGET + ".asgi",
    ],
}


def _server(name: str) -> t.Any:
    marks = [pytest.mark.kolba_only] if name == "uvicorn" else []  # Flask has no app.asgi
    if not module_available(name):
        marks.append(pytest.mark.skip(reason=f"{name} is not installed"))
    return pytest.param(name, marks=marks, id=name)


class Reply(t.NamedTuple):
    status: int | None
    head: bytes
    seconds: float

    @property
    def by_app(self) -> bool:
        """Whether the app answered (its after_request hook stamps every answer)."""
        return b"\r\nx-safety: 1\r\n" in self.head.lower() + b"\r\n"

    @property
    def who(self) -> str:
        if self.status is None:
            return "closed"
        return "app" if self.by_app else "server"


def exchange(port: int, pieces: t.Sequence[bytes], pause: float = 0.0, half_close: bool = False) -> Reply:
    """Send ``pieces`` (``pause`` seconds apart) and read the answer's head."""
    started = time.monotonic()
    received = b""
    with socket.create_connection(("127.0.0.1", port), timeout=ANSWER_TIMEOUT) as sock:
        try:
            for number, piece in enumerate(pieces):
                if number and pause:
                    time.sleep(pause)
                sock.sendall(piece)
            if half_close:
                sock.shutdown(socket.SHUT_WR)
            while b"\r\n\r\n" not in received:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                received += chunk
        except socket.timeout:
            pass
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server hung up on a request it refused
    status = None
    match = re.match(rb"HTTP/1\.[01] (\d{3})", received)
    if match:
        status = int(match.group(1))
    return Reply(status, received.partition(b"\r\n\r\n")[0], time.monotonic() - started)


def _get(port: int, path: str) -> tuple[int | None, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=ANSWER_TIMEOUT) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    match = re.match(rb"HTTP/1\.[01] (\d{3})", received)
    return (int(match.group(1)) if match else None), received.partition(b"\r\n\r\n")[2]


def _worker_pid(port: int) -> int:
    status, body = _get(port, "/pid")
    assert status == 200, body[:200]
    text = body.decode("latin-1")
    if "{" in text and not text.lstrip().startswith("{"):  # chunked framing (uvicorn)
        text = text[text.index("{") : text.rindex("}") + 1]
    return int(json.loads(text)["pid"])


class Served(t.NamedTuple):
    name: str
    port: int
    pid: int


@pytest.fixture(scope="module", params=[_server(name) for name in ARGV])
def served(request: pytest.FixtureRequest) -> t.Iterator[Served]:
    port = free_port()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [env.get("PYTHONPATH"), str(ROOT / "src"), str(ROOT)]))
    env = {k: v for k, v in env.items() if not k.startswith(("GRANIAN_", "UVICORN_", "GUNICORN_"))}
    argv = [sys.executable, *(arg.format(port=port) for arg in ARGV[request.param])]
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{request.param} exited with status {proc.returncode}")
            try:
                pid = _worker_pid(port)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield Served(request.param, port, pid)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the group this fixture started, by its id
        proc.wait(timeout=10)


# -- the probes --------------------------------------------------------------------------------


class Probe(t.NamedTuple):
    group: str
    name: str
    pieces: tuple[bytes, ...]
    pause: float = 0.0
    half_close: bool = False
    #: Statuses the app may answer with (None: any 4xx or 2xx/3xx).
    app_answers: frozenset[int] | None = None
    #: Extra check on the head of the answer.
    check: t.Callable[[Reply], None] | None = None
    #: False where Flask 3.1 fails the probe (the bugs issue 11 found): Kolba only.
    flask_too: bool = True


def _req(head: str, body: bytes = b"") -> bytes:
    return head.replace("\n", "\r\n").encode("latin-1") + b"\r\n\r\n" + body


def _post(path: str, *headers: str, body: bytes = b"") -> bytes:
    return _req("\n".join([f"POST {path} HTTP/1.1", "Host: x", "Connection: close", *headers]), body)


def _get_req(target: str, *headers: str) -> bytes:
    return _req("\n".join([f"GET {target} HTTP/1.1", "Host: x", "Connection: close", *headers]))


def _no_injected_header(reply: Reply) -> None:
    lines = reply.head.lower().split(b"\r\n")
    assert not any(line.startswith((b"x-injected", b"set-cookie: evil")) for line in lines), reply.head
    assert all(b"\r" not in line and b"\n" not in line for line in lines)


def _redirect_stays_one_header(reply: Reply) -> None:
    _no_injected_header(reply)
    assert reply.status == 302
    location = [line for line in reply.head.split(b"\r\n") if line.lower().startswith(b"location:")]
    assert len(location) == 1 and b"%0D%0A" in location[0].upper(), reply.head


FORM = "Content-Type: application/x-www-form-urlencoded"
MULTI = "Content-Type: multipart/form-data; boundary=XX"
PART = b'--XX\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--XX--\r\n'
CHUNKED = "Transfer-Encoding: chunked"
LIMIT_413 = frozenset({413})


def _cl(n: int | str) -> str:
    return f"Content-Length: {n}"


def _multipart(body: bytes, content_type: str = MULTI) -> bytes:
    return _post("/form", content_type, _cl(len(body)), body=body)


PROBES: list[Probe] = [
    # request lines
    Probe("request line", "garbage", (b"GARBAGE\r\n\r\n",)),
    Probe("request line", "method only", (b"GET\r\n\r\n",)),
    Probe("request line", "HTTP/9.9", (_req("GET / HTTP/9.9\nHost: x\nConnection: close"),)),
    Probe("request line", "bad method token", (_req("G(T / HTTP/1.1\nHost: x\nConnection: close"),)),
    Probe("request line", "NUL in target", (_req("GET /a\x00b HTTP/1.1\nHost: x\nConnection: close"),)),
    Probe("request line", "raw bytes in target", (b"GET /name/\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",)),
    Probe("request line", "bad percent escapes", (_get_req("/args?a=%zz&%=%%"),)),
    Probe("request line", "encoded traversal", (_get_req("/download/%2e%2e/secret.txt"),),
          app_answers=frozenset({404})),
    Probe("request line", "absolute-form target", (_get_req("http://evil.example/args?a=1"),)),
    Probe("request line", "target of 64 KiB", (_get_req("/args?a=" + "x" * 65536),)),
    Probe("request line", "no Host in HTTP/1.1", (_req("GET /args HTTP/1.1\nConnection: close"),)),
    Probe("request line", "HTTP/1.0, no headers", (b"GET /args HTTP/1.0\r\n\r\n",)),
    Probe("request line", "lone LF line ends", (b"GET /args HTTP/1.1\nHost: x\nConnection: close\n\n",)),
    # Content-Length
    Probe("content-length", "negative", (_post("/data", FORM, _cl(-1), body=b"a=1"),)),
    Probe("content-length", "not a number", (_post("/data", FORM, _cl("abc"), body=b"a=1"),)),
    Probe("content-length", "absurd (10^30), no body", (_post("/data", FORM, _cl(10**30)),),
          app_answers=LIMIT_413),
    Probe("content-length", "2^63, no body", (_post("/form", FORM, _cl(2**63)),), app_answers=LIMIT_413),
    Probe("content-length", "over the limit, no body", (_post("/json", "Content-Type: application/json",
                                                               _cl(5000)),), app_answers=LIMIT_413),
    Probe("content-length", "two different values", (_post("/data", FORM, _cl(3), _cl(30), body=b"a=1"),)),
    Probe("content-length", "list value '3, 3'", (_post("/data", FORM, _cl("3, 3"), body=b"a=1"),)),
    Probe("content-length", "plus sign", (_post("/data", FORM, _cl("+3"), body=b"a=1"),)),
    Probe("content-length", "with chunked too", (_post("/data", FORM, _cl(3), CHUNKED, body=b"3\r\na=1\r\n0\r\n\r\n"),)),
    Probe("content-length", "body 50 bytes short", (_post("/form", FORM, _cl(53), body=b"a=1"),), half_close=True),
    # chunked bodies
    Probe("chunked", "size 'zz'", (_post("/data", CHUNKED, body=b"zz\r\nabc\r\n0\r\n\r\n"),), half_close=True, flask_too=False),
    Probe("chunked", "negative size", (_post("/form", FORM, CHUNKED, body=b"-3\r\na=1\r\n0\r\n\r\n"),), half_close=True, flask_too=False),
    Probe("chunked", "40-digit size", (_post("/data", CHUNKED, body=b"f" * 40 + b"\r\nabc\r\n0\r\n\r\n"),),
          half_close=True, flask_too=False),
    Probe("chunked", "cut short", (_post("/json", "Content-Type: application/json", CHUNKED, body=b"3\r\n{\"a\r\n"),),
          half_close=True, flask_too=False),
    Probe("chunked", "data longer than its size", (_post("/data", CHUNKED, body=b"2\r\nabcdef\r\n0\r\n\r\n"),),
          half_close=True, flask_too=False),
    Probe("chunked", "no CRLF after data", (_post("/data", CHUNKED, body=b"3\r\nabc0\r\n\r\n"),), half_close=True, flask_too=False),
    Probe("chunked", "garbage extension and trailer",
          (_post("/form", FORM, CHUNKED, body=b"3;\x01=\"\r\na=1\r\n0\r\nX-\x7f: \x00\r\n\r\n"),), half_close=True, flask_too=False),
    Probe("chunked", "over the limit", (_post("/data", CHUNKED, body=b"7d0\r\n" + b"a" * 2000 + b"\r\n0\r\n\r\n"),),
          app_answers=LIMIT_413, flask_too=False),
    Probe("chunked", "unknown coding 'gzip, chunked'",
          (_post("/data", "Transfer-Encoding: gzip, chunked", body=b"3\r\nabc\r\n0\r\n\r\n"),), half_close=True),
    # multipart
    Probe("multipart", "no boundary", (_multipart(PART, "Content-Type: multipart/form-data"),)),
    Probe("multipart", "wrong boundary", (_multipart(PART.replace(b"XX", b"YY")),)),
    Probe("multipart", "no closing boundary", (_multipart(PART[: -len(b"--XX--\r\n")]),)),
    Probe("multipart", "part without headers", (_multipart(b"--XX\r\n\r\n1\r\n--XX--\r\n"),)),
    Probe("multipart", "garbage bytes", (_multipart(bytes(range(256))),)),
    Probe("multipart", "part header of 900 bytes",
          (_multipart(b"--XX\r\nContent-Disposition: form-data; name=\"" + b"a" * 900 + b"\"\r\n\r\n1\r\n--XX--\r\n"),)),
    Probe("multipart", "boundary of 300 bytes",
          (_multipart(PART.replace(b"XX", b"B" * 300), "Content-Type: multipart/form-data; boundary=" + "B" * 300),)),
    Probe("multipart", "file part, no name", (_multipart(b'--XX\r\nContent-Disposition: form-data; filename="f"\r\n\r\nx\r\n--XX--\r\n'),)),
    Probe("multipart", "over the limit", (_multipart(PART.replace(b"1\r\n", b"1" * 2000 + b"\r\n")),),
          app_answers=LIMIT_413),
    # headers
    Probe("headers", "one header of 64 KiB", (_get_req("/args", "X-Big: " + "a" * 65536),)),
    Probe("headers", "500 headers", (_get_req("/args", *(f"X-H{i}: v" for i in range(500))),)),
    Probe("headers", "line without a colon", (_get_req("/args", "NoColonHere"),)),
    Probe("headers", "space in the name", (_get_req("/args", "Bad Name: x"),)),
    Probe("headers", "obsolete line folding", (_get_req("/args", "X-A: a", " folded"),)),
    Probe("headers", "NUL in a value", (_get_req("/args", "X-A: a\x00b"),)),
    Probe("headers", "non-UTF-8 value", (_get_req("/headers", "User-Agent: \xff\xfe", "Referer: \xe9"),)),
    Probe("headers", "every parsed header malformed",
          (_get_req("/headers", "Accept: ;;;q=x", "Accept-Language: ,,,", "If-Modified-Since: yesterday",
                    "Range: bytes=9-1", "Authorization: Basic !!!", "Cache-Control: =,=",
                    "Content-Type: /;=", "Max-Forwards: -1", "X-Forwarded-For: ,,"),)),
    Probe("headers", "broken cookies", (_get_req("/cookies", "Cookie: =;;;==; a=\"unterminated; \x7f=1"),)),
    Probe("headers", "forged session cookie", (_get_req("/session/get", "Cookie: session=eyJ4Ijoi.!!.zz"),)),
    # slow clients
    Probe("slow", "body in three pieces, 0.15 s apart",
          (_post("/form", FORM, _cl(11)), b"a=1&", b"b=2&c=3"), pause=0.15, app_answers=frozenset({200})),
    Probe("slow", "headers a line at a time, 0.1 s apart",
          (b"POST /data HTTP/1.1\r\n", b"Host: x\r\n", b"Connection: close\r\n", b"Content-Length: 3\r\n\r\n", b"a=1"),
          pause=0.1, app_answers=frozenset({200})),
    Probe("slow", "chunks 0.15 s apart",
          (_post("/data", CHUNKED), b"3\r\nabc\r\n", b"3\r\ndef\r\n", b"0\r\n\r\n"), pause=0.15,
          app_answers=frozenset({200})),
    Probe("slow", "body stops, client half-closes",
          (_post("/data", FORM, _cl(20)), b"a=1"), pause=0.15, half_close=True),
    # CR/LF
    Probe("CR/LF", "redirect target with CRLF",
          (_get_req("/next?to=/home%0d%0aSet-Cookie:%20evil=1"),), check=_redirect_stays_one_header, flask_too=False),
    Probe("CR/LF", "redirect target with CRLF CRLF and a body",
          (_get_req("/next?to=%0d%0aX-Injected:%201%0d%0a%0d%0a<script>"),), check=_redirect_stays_one_header, flask_too=False),
    Probe("CR/LF", "redirect target with NUL and DEL",
          (_get_req("/next?to=/a%00b%7fc"),), app_answers=frozenset({302}), check=_no_injected_header),
    Probe("CR/LF", "cookie value with CRLF", (_get_req("/remember?v=a%0d%0aX-Injected:%201"),),
          app_answers=frozenset({200}), check=_no_injected_header),
    Probe("CR/LF", "session value with CRLF", (_get_req("/session/set/a%0d%0aX-Injected:%201"),),
          check=_no_injected_header),
    Probe("CR/LF", "raw CR LF in the request target", (b"GET /args?a=1\r\nX-Injected: 1 HTTP/1.1\r\nHost: x\r\n\r\n",),
          check=_no_injected_header),
    Probe("CR/LF", "bare CR inside a header value", (b"GET /args HTTP/1.1\r\nHost: x\r\nX-A: a\rX-Injected: 1\r\n"
                                                     b"Connection: close\r\n\r\n",), check=_no_injected_header),
    Probe("CR/LF", "encoded CRLF in the path", (_get_req("/name/a%0d%0aX-Injected:%201"),),
          check=_no_injected_header),
]

#: ``(server, group, probe) -> (status, who)`` for the report.
RESULTS: dict[tuple[str, str, str], tuple[int | None, str]] = {}


@pytest.fixture(scope="module", autouse=True)
def _report() -> t.Iterator[None]:
    yield
    target = os.environ.get("KOLBA_BAD_INPUT_REPORT")
    if target and RESULTS:
        Path(target).write_text(render_report(RESULTS))


def render_report(results: dict[tuple[str, str, str], tuple[int | None, str]]) -> str:
    """Counts per server, then every probe with its answer on each server."""
    servers = sorted({server for server, _, _ in results})
    lines = ["| server | probes | 2xx/3xx | 4xx by the app | 4xx by the server | 5xx by the app "
             "| 5xx by the server | closed without an answer |", "|---|---|---|---|---|---|---|---|"]
    for server in servers:
        answers = [value for key, value in results.items() if key[0] == server]
        def count(test: t.Callable[[int | None, str], bool]) -> int:
            return sum(1 for status, who in answers if test(status, who))
        lines.append(
            f"| {server} | {len(answers)} | {count(lambda s, w: s is not None and s < 400)} "
            f"| {count(lambda s, w: s is not None and 400 <= s < 500 and w == 'app')} "
            f"| {count(lambda s, w: s is not None and 400 <= s < 500 and w == 'server')} "
            f"| {count(lambda s, w: s is not None and s >= 500 and w == 'app')} "
            f"| {count(lambda s, w: s is not None and s >= 500 and w == 'server')} "
            f"| {count(lambda s, w: s is None)} |")
    lines += ["", "| group | probe | " + " | ".join(servers) + " |", "|---|---|" + "---|" * len(servers)]
    for probe in PROBES:
        cells = []
        for server in servers:
            status, who = results.get((server, probe.group, probe.name), (None, "not run"))
            cells.append(who if status is None else f"{status} {who}")
        lines.append(f"| {probe.group} | {probe.name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _cases() -> list[t.Any]:
    cases = []
    for probe in PROBES:
        marks = [] if probe.flask_too else [pytest.mark.kolba_only]
        cases.append(pytest.param(probe, marks=marks, id=f"{probe.group}: {probe.name}"))
    return cases


@pytest.mark.parametrize("probe", _cases())
def test_probe_gets_no_app_5xx_and_the_worker_survives(served: Served, probe: Probe) -> None:
    reply = exchange(served.port, probe.pieces, probe.pause, probe.half_close)
    RESULTS[(served.name, probe.group, probe.name)] = (reply.status, reply.who)
    slack = probe.pause * len(probe.pieces)
    assert reply.seconds < ANSWER_TIMEOUT + slack - 0.5, f"no answer in time: {reply}"
    if reply.status is not None:
        assert reply.status < 500 or not reply.by_app, reply.head
        if reply.by_app and probe.app_answers is not None:
            assert reply.status in probe.app_answers, reply.head
        if probe.check is not None and reply.by_app:
            probe.check(reply)
    assert _worker_pid(served.port) == served.pid, "the worker was replaced"
