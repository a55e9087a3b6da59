"""The built-in sample source site: 한빛시청 (a fictional city hall) on 127.0.0.1.

    python demo/server.py [--port 8765]            serve until interrupted
    python demo/server.py --add-item "제목" [--body "본문"] [--board press|news|council]
                                                    add a release (the running server shows it
                                                    at once), then exit

What it serves (all pages written for this project, nothing fetched from anywhere):
    /rss.xml                          시정 소식 RSS 2.0: zone-less pubDate, CDATA descriptions
    /board/list.do?pageIndex=N        보도자료 board: a table with a 공지 row, 5 rows a page
    /board/view.do?nttNo=N            detail: 등록일, 담당부서, attachments (.hwp, .pdf, …),
                                      공공누리 mark, a photo
    /council/list.do, /council/view.do?nttNo=N
                                      의회 소식 board, EUC-KR encoded (and 똠, a CP949-only
                                      syllable, to prove the decoding)
    /files/…, /images/…, /robots.txt

Data: demo/items.json, plus items added with --add-item in <state>/demo-added.json
(DEMO_STATE, default .state next to this folder), so the repository stays clean.
The port comes from --port, else DEMO_PORT, else 8765.
"""

from __future__ import annotations

import argparse
import html
import io
import json
import os
import sys
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

HERE = Path(__file__).resolve().parent
DATA = HERE / "items.json"
STATE = Path(os.environ.get("DEMO_STATE", HERE.parent / ".state"))
ADDED = STATE / "demo-added.json"
KST = timezone(timedelta(hours=9))
PER_PAGE = 5
_lock = threading.Lock()

KOGL = {
    1: "공공누리 마크 - 제1유형(출처표시)",
    3: "공공누리 마크 - 제3유형(출처표시, 변경금지)",
    4: "공공누리 마크 - 제4유형(출처표시, 상업적 이용금지, 변경금지)",
}


def load_items() -> list[dict]:
    items = json.loads(DATA.read_text(encoding="utf-8"))["items"]
    with _lock:
        if ADDED.is_file():
            items = json.loads(ADDED.read_text(encoding="utf-8")) + items
    return sorted(items, key=lambda i: i["date"], reverse=True)


def add_item(title: str, body: str, board: str) -> dict:
    """Append a release to the added-items file (atomically) and return it."""
    items = load_items()
    item = {
        "id": max(i["id"] for i in items) + 1,
        "board": board,
        "title": title,
        "dept": "홍보담당관",
        "date": datetime.now(KST).strftime("%Y-%m-%d %H:%M:%S"),
        "paragraphs": [body],
        "kogl": 1,
    }
    STATE.mkdir(parents=True, exist_ok=True)
    added = json.loads(ADDED.read_text(encoding="utf-8")) if ADDED.is_file() else []
    tmp = ADDED.with_suffix(".tmp")
    tmp.write_text(json.dumps([item, *added], ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, ADDED)
    return item


def e(text: str) -> str:
    return html.escape(text, quote=True)


def page(title: str, body: str, charset: str = "utf-8") -> str:
    return f"""<!DOCTYPE html>
<html lang="ko"><head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{e(title)}</title>
<meta property="og:site_name" content="한빛시청">
</head><body>
<div id="header"><a href="/">한빛시청</a>
<ul id="gnb"><li><a href="/board/list.do?pageIndex=1">보도자료</a></li>
<li><a href="/council/list.do">의회 소식</a></li><li><a href="/rss.xml">RSS</a></li></ul></div>
<div class="sns"><a href="#">페이스북</a> <a href="#">트위터</a> <a href="#">URL복사</a></div>
<div id="contents">
{body}
</div>
<div id="footer"><div class="manager">이 페이지 담당부서 홍보담당관 | 전화 000-000-0000</div>
<p>Copyright ⓒ 한빛시청. All rights reserved.</p></div>
</body></html>
"""


def list_page(items: list[dict], board: str, page_no: int) -> str:
    rows = [i for i in items if i["board"] == board]
    start = (page_no - 1) * PER_PAGE
    shown = rows[start:start + PER_PAGE]
    trs = [
        '<tr class="notice"><td>공지</td><td class="subject"><a href="view.do?bbsNo=7&amp;nttNo=1">'
        '보도자료 게시판 이용 안내</a></td><td>홍보담당관</td><td>2025-01-02</td></tr>'
    ]
    for n, item in enumerate(shown):
        trs.append(
            f'<tr><td>{len(rows) - start - n}</td><td class="subject">'
            f'<a href="view.do?bbsNo=7&amp;nttNo={item["id"]}&amp;pageIndex={page_no}">'
            f'{e(item["title"])}</a></td><td>{e(item["dept"])}</td>'
            f'<td>{item["date"][:10]}</td></tr>'
        )
    pages = (len(rows) + PER_PAGE - 1) // PER_PAGE
    paging = " ".join(
        f"<strong>{n}</strong>" if n == page_no
        else f'<a href="list.do?bbsNo=7&amp;pageIndex={n}">{n}</a>'
        for n in range(1, pages + 1)
    )
    if page_no < pages:
        paging += f' <a class="next" href="list.do?bbsNo=7&amp;pageIndex={page_no + 1}">다음</a>'
    name = "보도자료" if board == "press" else "의회 소식"
    body = (
        f'<h2>{name}</h2><table class="board-list"><thead><tr><th>번호</th><th>제목</th>'
        f"<th>담당부서</th><th>등록일</th></tr></thead><tbody>{''.join(trs)}</tbody></table>"
        f'<div class="paging">{paging}</div>'
    )
    return page(f"{name} 목록 | 한빛시청", body, "euc-kr" if board == "council" else "utf-8")


def view_page(item: dict) -> str:
    paras = []
    if item.get("subtitle"):
        paras.append(f"<p>- {e(item['subtitle'])} -</p>")
    for p in item["paragraphs"]:
        paras.append("<p>" + "<br>".join(e(line) for line in p.split("\n")) + "</p>")
    if item.get("table"):
        head, *rows = item["table"]
        paras.append(
            "<table><tr>" + "".join(f"<th>{e(c)}</th>" for c in head) + "</tr>"
            + "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>" for r in rows)
            + "</table>"
        )
    if item.get("image"):
        paras.append(f'<p><img src="/images/{item["id"]}.png" alt="{e(item["image"])}"> '
                     f'{e(item["image"])}</p>')
    paras.append(f"<p>담당 부서: {e(item['dept'])} (000-000-1234)</p>")
    files = "".join(
        f'<li><a href="/common/download.do?fileId={item["id"]}&amp;fileSn={n}">{e(name)}</a> '
        f'(Down : 0, Size : 12.0 KB) <a href="/common/preview.do?fileId={item["id"]}">'
        f"[미리보기]</a></li>"
        for n, name in enumerate(item.get("attachments", []), start=1)
    )
    kogl = item.get("kogl")
    mark = (f'<div class="kogl"><img src="/images/kogl/new_img_opentype0{kogl}.png" '
            f'alt="{KOGL[kogl]}"></div>') if kogl in KOGL else ""
    body = (
        f'<div class="board-view"><h3 class="view-title">{e(item["title"])}</h3>'
        f'<ul class="view-info"><li>담당부서 <span>{e(item["dept"])}</span></li>'
        f'<li>등록일 <span class="date">{item["date"][:16]}</span></li></ul>'
        f'<div class="view-content">{"".join(paras)}</div>'
        + (f'<div class="view-file"><ul>{files}</ul></div>' if files else "")
        + mark + "</div>"
    )
    name = "보도자료" if item["board"] != "council" else "의회 소식"
    charset = "euc-kr" if item["board"] == "council" else "utf-8"
    return page(f"{item['title']} : {name} : 한빛시청", body, charset)


def rss(items: list[dict], origin: str) -> str:
    entries = []
    for item in items:
        if item["board"] != "news":
            continue
        text = "".join(f"<p>{e(p)}</p>" for p in item["paragraphs"][:1])
        entries.append(
            f"<item><title>{e(item['title'])}</title>"
            f"<link>{origin}/news/view.do?nttNo={item['id']}</link>"
            f"<pubDate>{item['date']}</pubDate>"  # no zone, as Korean CMSs write it
            f"<description><![CDATA[{text}]]></description></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>한빛시청 시정 소식</title><link>{origin}/</link>"
        f"<description>한빛시청 시정 소식</description>{''.join(entries)}</channel></rss>\n"
    )


def image(seed: int) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (640, 400), (30 + seed * 37 % 180, 90, 140 + seed * 13 % 100))
    draw = ImageDraw.Draw(img)
    for i in range(0, 640, 40):
        draw.rectangle([i, 300 - (i * seed) % 160, i + 30, 400], fill=(240, 200, 90))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


class Handler(BaseHTTPRequestHandler):
    server_version = "HanbitDemo/1.0"
    protocol_version = "HTTP/1.1"  # keep-alive, as real sites do
    # One buffered write per response and Nagle off: no 40 ms delayed-ACK stall per request.
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # noqa: A002 - quiet by default
        if os.environ.get("DEMO_VERBOSE"):
            super().log_message(format, *args)

    def send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):  # noqa: C901 - one small router
        parts = urlsplit(self.path)
        q = parse_qs(parts.query)
        path = parts.path
        items = load_items()
        by_id = {str(i["id"]): i for i in items}
        origin = f"http://{self.headers.get('Host', '127.0.0.1')}"
        if path == "/robots.txt":
            return self.send(200, b"User-agent: *\nDisallow: /admin/\n", "text/plain")
        if path == "/rss.xml":
            return self.send(200, rss(items, origin).encode("utf-8"), "application/rss+xml")
        if path in ("/board/list.do", "/council/list.do"):
            board = "press" if path.startswith("/board") else "council"
            n = q.get("pageIndex", ["1"])[0]
            n = int(n) if n.isdigit() and int(n) > 0 else 1
            text = list_page(items, board, n)
            if board == "council":
                return self.send(200, text.encode("cp949", "xmlcharrefreplace"), "text/html; charset=euc-kr")
            return self.send(200, text.encode("utf-8"), "text/html; charset=utf-8")
        if path in ("/board/view.do", "/council/view.do", "/news/view.do"):
            item = by_id.get(q.get("nttNo", [""])[0])
            if item is None:
                return self.send(404, page("없는 글", "<p>글이 없습니다.</p>").encode("utf-8"),
                                 "text/html; charset=utf-8")
            text = view_page(item)
            if item["board"] == "council":
                return self.send(200, text.encode("cp949", "xmlcharrefreplace"), "text/html; charset=euc-kr")
            return self.send(200, text.encode("utf-8"), "text/html; charset=utf-8")
        if path.startswith("/images/kogl/"):
            return self.send(200, image(0), "image/png")
        if path.startswith("/images/") and path.endswith(".png"):
            seed = path.rsplit("/", 1)[-1][:-4]
            if seed.isdigit():
                return self.send(200, image(int(seed)), "image/png")
        if path == "/common/download.do":
            return self.send(200, "한빛시청 데모 첨부파일".encode(), "application/octet-stream")
        if path == "/":
            return self.send(200, page("한빛시청", "<p>한빛시청 데모 누리집</p>").encode("utf-8"),
                             "text/html; charset=utf-8")
        return self.send(404, b"not found", "text/plain")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("DEMO_PORT", "8765")))
    parser.add_argument("--add-item", metavar="TITLE", help="add a release and exit")
    parser.add_argument("--body", default="한빛시가 새 소식을 알려 드립니다. 자세한 내용은 담당 부서로 문의하면 된다.")
    parser.add_argument("--board", choices=("press", "news", "council"), default="press")
    args = parser.parse_args(argv)
    if args.add_item:
        item = add_item(args.add_item, args.body, args.board)
        print(f"added #{item['id']} to {args.board}: {item['title']} ({ADDED})")
        return 0
    httpd = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    httpd.daemon_threads = True
    print(f"한빛시청 demo source site on http://127.0.0.1:{httpd.server_address[1]}/", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
