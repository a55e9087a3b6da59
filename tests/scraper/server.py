"""A real, programmable HTTP server on 127.0.0.1 for the scraper tests.

Use it through the pytest fixtures in `conftest.py` (`fixture_server`, `make_server`) or directly:

    with FixtureServer() as server:          # random free port on 127.0.0.1, threaded
        server.url("/demo/list.html")        # -> "http://127.0.0.1:<port>/demo/list.html"
        server.origin                        # -> "http://127.0.0.1:<port>"

Files: GET /<site>/<path> serves `tests/scraper/fixtures/<site>/<path>` (or the `root` you pass)
with a Content-Type guessed from the extension and *no* charset, so encoding tests decide what the
header says. `/dir/` serves `dir/index.html`. A missing file is a 404; `/robots.txt` is a 404 unless
you set one (`server.robots(...)`) or the root holds a robots.txt.

Routes win over files. A route is an exact path (the query string is ignored unless the route was
added with one) mapped to a `Reply`, a list of replies or a function:

    server.route("/feed.xml", Reply(body=b"<rss/>", headers={"Content-Type": "text/xml"}))
    server.route("/flaky", [Reply(500), Reply(200, body=b"ok")])   # in turn; the last one repeats
    server.route("/echo", lambda req: Reply(body=req.headers["User-Agent"].encode()))
    server.route("/page", file_reply(path, "text/html; charset=euc-kr"))

Ready-made hostile replies: `hang(seconds)` (answers nothing for a bounded time; the server's
shutdown cuts it short), `trickle(total, chunk, interval)`, `big(size)` (streams zeros; with
`length=False` no Content-Length is sent), `redirect(location, status=302)`, `conditional(body,
etag=..., last_modified=...)` (answers 304 to a matching If-None-Match / If-Modified-Since),
`retry_after(value, status=429)`. `server.robots(text)` serves a robots.txt.

Every request is recorded in `server.requests` (a list of `Request`: method, path, query, headers,
time, body), with `server.hits(path)` counting them, so a test can assert what the client really
sent. POST requests go to the same routes (files answer 405 to them); `req.form` is the
url-encoded body as a dict of first values.
"""

from __future__ import annotations

import mimetypes
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class Request:
    """One request as the server saw it."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    time: float
    body: bytes = b""

    @property
    def form(self) -> dict[str, str]:
        """The url-encoded form body, first value of each field."""
        return {k: v[0] for k, v in parse_qs(self.body.decode("latin-1"),
                                             keep_blank_values=True).items()}


@dataclass
class Reply:
    """What to answer. `body` may be bytes or an iterable of byte chunks (streamed).

    `chunk_delay` sleeps before each chunk; `delay` sleeps before the status line. When the
    body is streamed and `length` is None, no Content-Length is sent and the connection closes
    after the body; set `length` to announce one anyway.
    """

    status: int = 200
    body: bytes | Iterable[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    chunk_delay: float = 0.0
    length: int | None = None


Handler = Callable[[Request], Reply]


class _Chunks:
    """A streamed body that can be served more than once (each request iterates afresh)."""

    def __init__(self, factory: Callable[[], Iterable[bytes]]):
        self.factory = factory

    def __iter__(self):
        return iter(self.factory())


def file_reply(path: str | Path, content_type: str, **headers: str) -> Reply:
    """Serve a file's bytes with an explicit Content-Type (charset included if you want)."""
    return Reply(body=Path(path).read_bytes(), headers={"Content-Type": content_type, **headers})


def hang(seconds: float = 5.0) -> Reply:
    """A server that accepts the request and then says nothing, for at most `seconds`."""
    return Reply(status=200, body=b"late", delay=seconds)


def trickle(total: int = 10_000, chunk: int = 10, interval: float = 0.05) -> Reply:
    """Send `total` bytes, `chunk` at a time every `interval` seconds (beats read timeouts)."""
    return Reply(body=_Chunks(lambda: (b"x" * chunk for _ in range(total // chunk))),
                 chunk_delay=interval, length=total, headers={"Content-Type": "text/html"})


def big(size: int = 20 * 1024 * 1024, *, length: bool = True) -> Reply:
    """A `size`-byte page streamed in 64 KiB chunks, with or without a Content-Length."""
    block = 64 * 1024

    def chunks():
        left = size
        while left > 0:
            yield b"a" * min(block, left)
            left -= block

    return Reply(body=_Chunks(chunks), length=size if length else None,
                 headers={"Content-Type": "text/html"})


def redirect(location: str, status: int = 302) -> Reply:
    return Reply(status=status, headers={"Location": location})


def retry_after(value: str, status: int = 429) -> Reply:
    return Reply(status=status, headers={"Retry-After": value}, body=b"slow down")


def conditional(body: bytes, *, etag: str | None = None, last_modified: str | None = None,
                content_type: str = "application/rss+xml") -> Handler:
    """Answer 304 when the client's validators match, else 200 with the validators."""
    headers = {"Content-Type": content_type}
    if etag:
        headers["ETag"] = etag
    if last_modified:
        headers["Last-Modified"] = last_modified

    def handler(req: Request) -> Reply:
        inm = req.headers.get("If-None-Match")
        ims = req.headers.get("If-Modified-Since")
        if (etag and inm == etag) or (not inm and last_modified and ims == last_modified):
            return Reply(status=304, headers={k: v for k, v in headers.items()
                                              if k != "Content-Type"})
        return Reply(body=body, headers=dict(headers))

    return handler


class _Sequence:
    """Replies in turn; the last one repeats."""

    def __init__(self, replies: list[Reply | Handler]):
        self.replies = list(replies)
        self.lock = threading.Lock()
        self.n = 0

    def __call__(self, req: Request) -> Reply:
        with self.lock:
            reply = self.replies[min(self.n, len(self.replies) - 1)]
            self.n += 1
        return reply(req) if callable(reply) else reply


class FixtureServer:
    """A threaded HTTP/1.1 server on 127.0.0.1 with files and programmable routes."""

    def __init__(self, root: str | Path = FIXTURES):
        self.root = Path(root).resolve()
        self.routes: dict[str, Handler] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._httpd = _Server(("127.0.0.1", 0), _RequestHandler)
        self._httpd.fixture = self
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)

    # lifecycle ---------------------------------------------------------------
    def start(self) -> FixtureServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FixtureServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # addresses ---------------------------------------------------------------
    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.origin + (path if path.startswith("/") else "/" + path)

    # programming -------------------------------------------------------------
    def route(self, path: str, reply: Reply | Handler | list[Reply | Handler]) -> str:
        """Answer `path` (exact; a query only if given) with `reply`; return its URL."""
        if isinstance(reply, list):
            handler: Handler = _Sequence(reply)
        elif isinstance(reply, Reply):
            handler = lambda _req, r=reply: r  # noqa: E731
        else:
            handler = reply
        self.routes[path] = handler
        return self.url(path)

    def robots(self, text: str) -> None:
        self.route("/robots.txt", Reply(body=text.encode(), headers={"Content-Type": "text/plain"}))

    def hits(self, path: str) -> int:
        """How many requests asked for `path` (query ignored)."""
        with self._lock:
            return sum(1 for r in self.requests if r.path == path)

    def times(self, path: str) -> list[float]:
        with self._lock:
            return [r.time for r in self.requests if r.path == path]

    # serving -----------------------------------------------------------------
    def _record(self, req: Request) -> None:
        with self._lock:
            self.requests.append(req)

    def _resolve(self, req: Request) -> Reply:
        full = req.path + ("?" + req.query if req.query else "")
        handler = self.routes.get(full) or self.routes.get(req.path)
        if handler is not None:
            return handler(req)
        if req.method == "POST":
            return Reply(status=405, body=b"files are GET only", headers={"Allow": "GET"})
        return self._file(req.path)

    def _file(self, path: str) -> Reply:
        relative = path.lstrip("/")
        target = (self.root / relative).resolve()
        if path.endswith("/"):
            target = target / "index.html"
        if not target.is_relative_to(self.root) or not target.is_file():
            return Reply(status=404, body=b"not found", headers={"Content-Type": "text/plain"})
        ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        return Reply(body=target.read_bytes(), headers={"Content-Type": ctype})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 64
    fixture: FixtureServer


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, keep-alive requests stall 40 ms
    # on the client's delayed ACK.
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format, *args):  # noqa: A002 - silence the per-request stderr line
        pass

    def do_HEAD(self):
        self._answer(head=True)

    def do_GET(self):
        self._answer()

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self._answer(body=self.rfile.read(min(length, 1024 * 1024)))

    def _answer(self, head: bool = False, body: bytes = b"") -> None:
        fixture = self.server.fixture
        parts = urlsplit(self.path)
        req = Request(self.command, parts.path, parts.query, dict(self.headers.items()),
                      time.monotonic(), body)
        fixture._record(req)
        try:
            reply = fixture._resolve(req)
        except Exception as exc:  # a broken test route should show up as a 500, not a hang
            reply = Reply(status=500, body=f"route raised {exc!r}".encode())
        if reply.delay and fixture._stop.wait(reply.delay):
            self.close_connection = True
            return
        streamed = not isinstance(reply.body, (bytes, bytearray))
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if not streamed:
            if reply.status != 304:
                self.send_header("Content-Length", str(len(reply.body)))
        elif reply.length is not None:
            self.send_header("Content-Length", str(reply.length))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if head or reply.status == 304:
            return
        try:
            if not streamed:
                self.wfile.write(reply.body)
                return
            # A streamed body may stop early (shutdown); never reuse that connection.
            self.close_connection = True
            for chunk in reply.body:
                if reply.chunk_delay and fixture._stop.wait(reply.chunk_delay):
                    break
                self.wfile.write(chunk)
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (8, 6),
                color: tuple[int, int, int] = (30, 120, 200)) -> bytes:
    """A small valid image for image routes (Pillow)."""
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, fmt)
    return buf.getvalue()


def source_toml(sid: str, name: str, kind: str, url: str, extra: str = "") -> str:
    """One `[[sources]]` table of a sources.toml."""
    return (f'\n[[sources]]\nid = "{sid}"\nname = "{name}"\nkind = "{kind}"\nurl = "{url}"\n'
            + extra)

