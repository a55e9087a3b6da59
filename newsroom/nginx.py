"""`newsroom nginx`: serve the live site with Debian's nginx, or print its server block.

The configuration ships as two files in deploy/nginx/: `newsroom-site.conf` (the server block
an operator puts in /etc/nginx/conf.d/) and `nginx.conf` (a whole configuration that runs
unprivileged in the foreground). Rendering fills their @NAME@ placeholders: the root (the live
link `output`), the listen address and the Content-Security-Policy, read from the meta tag of
theme/templates/base.html so the header and the tag never disagree.

`newsroom nginx` renders both into a fresh temporary folder (pid file, temp paths) and runs
`nginx -p TMP -c TMP/nginx.conf` in the foreground; Ctrl-C stops it and removes the folder.
Files are opened through the live link on every request, but the redirects map
(`.redirects.map` of the live release) is read when nginx loads its configuration: so the
command watches the link and reloads nginx (SIGHUP, graceful) when a release switch or a
rollback points it at another release.
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from newsroom.core import exits

PROJECT = Path(__file__).resolve().parent.parent
TEMPLATES = PROJECT / "deploy" / "nginx"
SITE_CONF = "newsroom-site.conf"
MAIN_CONF = "nginx.conf"
CSP_RE = re.compile(r'<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"', re.I)
PLACEHOLDER_RE = re.compile(r"@[A-Z]+@")


class ConfigError(ValueError):
    """The configuration cannot be rendered; the message names the file or option."""


def csp_of(template: Path) -> str:
    """The policy of the Content-Security-Policy meta tag in a template."""
    try:
        text = template.read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"{template}: cannot read the page template: {e.strerror}") from e
    m = CSP_RE.search(text)
    if not m:
        raise ConfigError(f"{template}: no <meta http-equiv=\"Content-Security-Policy\"> tag")
    policy = " ".join(m.group(1).split()).rstrip("; ")
    if '"' in policy or "frame-ancestors" in policy:
        raise ConfigError(f"{template}: the meta policy must not carry quotes or frame-ancestors")
    return policy


def fill(text: str, values: dict[str, str], name: str) -> str:
    """Replace @NAME@ placeholders; every placeholder must have a value."""
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    left = sorted(set(PLACEHOLDER_RE.findall(text)))
    if left:
        raise ConfigError(f"{name}: no value for {', '.join(left)}")
    return text


def render_site(root: Path, listen: str, csp: str) -> str:
    """The server block for a site whose live link is `root`."""
    template = TEMPLATES / SITE_CONF
    values = {"ROOT": str(Path(root).absolute()), "LISTEN": listen, "CSP": csp}
    return fill(template.read_text(encoding="utf-8"), values, str(template))


def render_main(tmp: Path, workers: int) -> str:
    """The whole configuration; as root, workers run as root too (a local server only)."""
    template = TEMPLATES / MAIN_CONF
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else "# (not root: no user line)"
    values = {"TMP": str(tmp), "WORKERS": str(workers), "USER": user}
    return fill(template.read_text(encoding="utf-8"), values, str(template))


def write_config(tmp: Path, root: Path, host: str, port: int, theme: Path,
                 workers: int = 2) -> Path:
    """Render both files into `tmp`; returns the main configuration's path."""
    tmp.mkdir(parents=True, exist_ok=True)
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp / sub).mkdir(exist_ok=True)
    listen = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    csp = csp_of(theme / "templates" / "base.html")
    (tmp / SITE_CONF).write_text(render_site(root, listen, csp), encoding="utf-8")
    main = tmp / MAIN_CONF
    main.write_text(render_main(tmp, workers), encoding="utf-8")
    return main


def nginx_binary() -> str:
    exe = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK)
                                    else None)
    if exe is None:
        raise ConfigError("nginx is not installed (apt-get install nginx)")
    return exe


def command(tmp: Path, test: bool = False) -> list[str]:
    """nginx with our prefix and configuration, logging to stderr."""
    return [nginx_binary(), "-p", f"{tmp}/", "-c", str(tmp / MAIN_CONF), "-e", "stderr",
            *(["-t", "-q"] if test else [])]


def live_release(root: Path) -> str:
    """Where the live link points now ('' when it cannot be read)."""
    try:
        return os.path.realpath(root)
    except OSError:
        return ""


def watch(proc: subprocess.Popen, root: Path, interval: float = 1.0) -> int:
    """Wait for nginx to exit; reload it whenever the live link moves to another release,
    so that the release's redirects map is the one in force."""
    current = live_release(root)
    while True:
        try:
            return proc.wait(timeout=interval)
        except subprocess.TimeoutExpired:
            pass
        now = live_release(root)
        if now and now != current:
            current = now
            proc.send_signal(signal.SIGHUP)
            print(f"nginx reloaded: {root} -> {now}", flush=True)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", type=Path, default=Path("output"),
                        help="the live link to serve (default output)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=8000)
    parser.add_argument("--theme", type=Path, default=Path("theme"),
                        help="theme whose base.html carries the Content-Security-Policy")
    parser.add_argument("--workers", type=int, default=2, help="nginx worker processes")
    parser.add_argument("--print", action="store_true",
                        help="print the server block for /etc/nginx/conf.d/ and exit")


def run(args: argparse.Namespace) -> int:
    try:
        if args.print:
            listen = f"{args.host}:{args.port}"
            print(render_site(args.root, listen, csp_of(args.theme / "templates" / "base.html")),
                  end="")
            return exits.OK
        if not args.root.is_dir():
            print(f"{args.root}: no live site (run `make update` or `make publish` first)",
                  file=sys.stderr)
            return exits.USAGE
        tmp = Path(tempfile.mkdtemp(prefix="newsroom-nginx-"))
        try:
            write_config(tmp, args.root, args.host, args.port, args.theme, args.workers)
            checked = subprocess.run(command(tmp, test=True), stdin=subprocess.DEVNULL)
            if checked.returncode != 0:
                return exits.USAGE
            print(f"nginx serving {args.root} at http://{args.host}:{args.port}/ "
                  f"(config in {tmp}; Ctrl-C to stop)", flush=True)
            proc = subprocess.Popen(command(tmp), stdin=subprocess.DEVNULL)

            def stop(_signum, _frame):
                raise KeyboardInterrupt

            signal.signal(signal.SIGTERM, stop)  # stopped by a supervisor: clean up the same way
            try:
                return watch(proc, args.root)
            except KeyboardInterrupt:
                proc.send_signal(signal.SIGQUIT)  # graceful: finish requests in flight
                proc.wait(timeout=10)
                return exits.OK
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    except ConfigError as e:
        print(f"newsroom nginx: {e}", file=sys.stderr)
        return exits.USAGE
