"""`newsroom serve`: serve a built site folder on 127.0.0.1 (for the demo and editors)."""

from __future__ import annotations

import functools
import http.server
import os
import sys

from newsroom.core import exits


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files with a real 404 page, like a production web server would give."""

    def send_error(self, code, message=None, explain=None):
        page = os.path.join(self.directory, "404.html")
        if code == 404 and os.path.isfile(page):
            with open(page, "rb") as f:
                body = f.read()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)


def add_arguments(parser) -> None:
    parser.add_argument("directory", nargs="?", default="output", help="built site (default output/)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=8000)


def run(args) -> int:
    # Not resolved: with `output -> releases/<id>`, each request follows the live symlink,
    # so a release switched by `newsroom update` is served at once.
    directory = os.path.abspath(args.directory)
    if not os.path.isdir(directory):
        print(f"{args.directory}: no built site here (run `make html` or `newsroom update`)",
              file=sys.stderr)
        return exits.USAGE
    handler = functools.partial(_Handler, directory=directory)
    with http.server.ThreadingHTTPServer((args.host, args.port), handler) as httpd:
        print(f"Serving {args.directory} at http://{args.host}:{args.port}/ (Ctrl-C to stop)")
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass
    return exits.OK
