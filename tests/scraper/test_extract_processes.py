"""Article pages extracted in worker processes (extract_pool.py, the `extract_processes`
setting): the same files, byte for byte, as extracting in the run's thread; nothing lost when a
worker dies; no worker outlives the run; small runs start none.

Real parts throughout: fixture sites over HTTP on 127.0.0.1, real scrapes, real spawned
workers found (and killed) through /proc.
"""

from __future__ import annotations

import html
import logging
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest
from dedupe_fixture import releases, render
from server import FIXTURES, Reply, source_toml
from test_hostile_sources import HTML, RSS, item, rss, sources_file
from test_merge_sources import AGENCY, page

from newsroom.core.model import KST
from press_scraper import pipeline
from press_scraper.article import parse_article
from press_scraper.encoding import decode_html
from press_scraper.extract_pool import MIN_PAGES, Extractor
from press_scraper.fetch import FetchResult

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=KST)
# An outlet's edits, given in turn to the paper's copies (dedupe_fixture.render).
EDITS = [("prefix", "byline"), ("suffix",), ("trim",), ("reorder", "caption"), ("width",),
         ("numbers", "nocontact"), ("ellipsis", "byline")]
# Bytes no encoding fits: decoding raises, and the article is reported as not extracted.
HOPELESS = b"".join(bytes([0xC7, 0x0A, 0xFF, 0xB0]) for _ in range(500))


def workers_of(pid: int) -> set[int]:
    """Live or unreaped multiprocessing workers (spawned children) of process `pid`."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == pid and b"spawn_main" in cmdline:
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    """A process that runs (a zombie waiting for a parent that died does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def one_bad_byte(n: int) -> bytes:
    """A UTF-8 page with one corrupt byte in its body: decoding drops it, with a warning."""
    title, body, _ = render("gangwon-snow")
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n\n"))
    doc = (f'<html><head><meta charset="utf-8"><title>{html.escape(title)} {n}</title></head>'
           f'<body><h1>{html.escape(title)} {n}</h1><div class="view">{paras}</div></body></html>')
    data = doc.encode()
    cut = data.index("강원".encode()) + 3  # inside a syllable
    return data[:cut] + b"\xff" + data[cut:]


def served(body: bytes, ctype: str, on_page):
    def reply(req):
        if on_page:
            on_page(req.path)
        return Reply(body=body, headers={"Content-Type": ctype})
    return reply


def site(s, *, extra_pages: int = 0, on_page=None) -> int:
    """A paper's feed with a copy of every release, an agency's with the releases, broken
    pages and `extra_pages` plain ones. Both on one host, so the fetch order is fixed.
    `on_page(path)` is called when a page is requested. Returns the page count."""
    names = list(releases())
    paper_items = []
    for n, name in enumerate(names, 1):
        edits = EDITS[n % len(EDITS)]
        title, _, date = render(name, edits)
        paper_items.append(item(html.escape(title), f"/yn/{n}.html",
                                date.strftime("%Y-%m-%d %H:%M:%S")))
        s.route(f"/yn/{n}.html", served(page(name, edits), HTML, on_page))
    s.route("/yn/rss.xml", Reply(body=rss(*paper_items), headers={"Content-Type": RSS}))

    bodies = [page(name) for name in names]
    bodies.append(HOPELESS)
    bodies.append(one_bad_byte(0))
    bodies += [one_bad_byte(k) for k in range(1, extra_pages + 1)]
    agency_items = []
    for n, body in enumerate(bodies, 1):
        title, date = f"보도자료 {n}", "2026-11-20 10:00:00"
        if n <= len(names):
            title, _, day = render(names[n - 1])
            title, date = html.escape(title), day.strftime("%Y-%m-%d %H:%M:%S")
        agency_items.append(item(title, f"/daegu/{n}.html", date))
        s.route(f"/daegu/{n}.html",
                served(body, "text/html" if body is HOPELESS else HTML, on_page))
    agency_items.append(item("없는 글", "/daegu/missing.html", "2026-11-20 10:00:00"))  # a 404
    s.route("/daegu/rss.xml", Reply(body=rss(*agency_items), headers={"Content-Type": RSS}))
    return len(names) + len(bodies) + 1


def sources(tmp_path, o):
    paper = source_toml("yeongnam", "영남일보", "rss", f"{o}/yn/rss.xml")
    agency = source_toml("daegu", "대구광역시", "rss", f"{o}/daegu/rss.xml", AGENCY)
    return sources_file(tmp_path, paper, agency)


def scrape(tmp_path, src, name: str, processes: int):
    return pipeline.scrape(src, tmp_path / name / "content", state_dir=tmp_path / name / "state",
                           settings={"extract_processes": processes})


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def comparable(report) -> dict:
    data = report.to_dict()
    for key in ("started", "finished", "fetch_stats"):
        data.pop(key, None)
    for source in data.get("sources", []):
        source.pop("seconds", None)
    return data


@pytest.fixture
def fixed_now(monkeypatch):
    # Both runs must stamp the same `Modified`, so their files can be compared byte for byte.
    monkeypatch.setattr(pipeline, "now_kst", lambda: NOW)


def test_workers_write_the_same_files_byte_for_byte(fixture_server, tmp_path, fixed_now,
                                                    caplog, monkeypatch):
    s = fixture_server
    # Count every log line: once another test imported Pelican, its logger class drops a
    # message already logged (test_pelican_loggers_take_the_replayed_lines covers that).
    for name in ("press_scraper.encoding", "press_scraper.pipeline", "press_scraper.extract_pool"):
        monkeypatch.setattr(logging.getLogger(name), "filters", [])
    pages = site(s, extra_pages=8)
    assert pages >= 2 * MIN_PAGES
    src = sources(tmp_path, s.origin)
    caplog.set_level(logging.DEBUG, logger="press_scraper.extract_pool")
    runs = {}
    for name, processes in (("inline", 0), ("one", 1), ("two", 2)):
        caplog.clear()
        report = scrape(tmp_path, src, name, processes)
        runs[name] = (tree(tmp_path / name / "content"), comparable(report), caplog.text)

    files, inline_report, inline_log = runs["inline"]
    # The site exercises what depends on order: copies merged into the first-come article.
    assert len(files) >= 20 and inline_report["merges"], inline_report["merges"]
    assert "extraction workers" not in inline_log
    problems = [p for src in inline_report["sources"] for p in src["problems"]]
    assert any(p["reason"].startswith("extraction failed: EncodingError(") for p in problems)
    assert "daegu: cannot extract " + s.origin + "/daegu/13.html" in inline_log
    for name in ("one", "two"):
        got_files, report, log = runs[name]
        assert got_files.keys() == files.keys()
        assert [k for k in files if got_files[k] != files[k]] == []
        assert report == inline_report
        # The pages were extracted by workers (not by this thread taking them all).
        [line] = [x for x in log.splitlines() if "extraction workers:" in x]
        assert int(line.split(", ")[-1].split()[0]) > 0, line
        # A worker's failure is reported like the run's own, its log lines replayed here.
        assert "daegu: cannot extract " + s.origin + "/daegu/13.html" in log
        assert "EncodingError" in log
        assert log.count("dropped 1 undecodable byte sequence(s) decoding as utf-8") == 9
    assert inline_log.count("dropped 1 undecodable byte sequence(s) decoding as utf-8") == 9
    assert workers_of(os.getpid()) == set()


def test_pelican_loggers_take_the_replayed_lines(fixture_server, tmp_path):
    """Scraping inside a Pelican build (hook.py): Pelican's logger class filters repeated
    messages by raising from `filter` and catching it in `_log`; a worker's replayed warnings
    must go through it without stopping the run."""
    s = fixture_server
    items = [item(f"글 {n}", f"/bad/{n}.html") for n in range(MIN_PAGES + 4)]
    s.route("/bad/rss.xml", Reply(body=rss(*items), headers={"Content-Type": RSS}))
    for n in range(MIN_PAGES + 4):
        s.route(f"/bad/{n}.html", Reply(body=one_bad_byte(n), headers={"Content-Type": HTML}))
    src = sources_file(tmp_path, source_toml("bad", "한 바이트", "rss", f"{s.origin}/bad/rss.xml"))
    script = tmp_path / "run.py"
    script.write_text(textwrap.dedent(f"""
        import logging
        import pelican.log  # installs its logger class, for loggers made from now on
        from press_scraper import pipeline
        if __name__ == "__main__":
            logging.basicConfig(level=logging.INFO)
            report = pipeline.scrape({str(src)!r}, {str(tmp_path / 'content')!r},
                                     state_dir={str(tmp_path / 'state')!r},
                                     settings={{"extract_processes": 1}})
            print("NEW", report.totals()["new"])
    """), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"NEW {MIN_PAGES + 4}" in done.stdout
    assert "dropped 1 undecodable byte sequence(s) decoding as utf-8" in done.stderr
    assert "extraction workers: 1" not in done.stderr  # debug, below the level
    assert "Traceback" not in done.stderr


def test_a_killed_worker_loses_no_article(fixture_server, tmp_path, fixed_now, caplog):
    s = fixture_server
    killed: list[int] = []

    def kill_worker(path: str) -> None:
        if path == "/daegu/8.html" and not killed:  # mid-run: pages before it are in a worker's hands
            for pid in workers_of(os.getpid()):
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

    site(s, extra_pages=20, on_page=kill_worker)
    src = sources(tmp_path, s.origin)
    scrape(tmp_path, src, "inline", 0)
    assert killed == []
    with caplog.at_level(logging.WARNING):
        report = scrape(tmp_path, src, "pool", 1)
    assert killed, "no worker was running to kill"
    assert "an extraction process died" in caplog.text
    assert tree(tmp_path / "pool" / "content") == tree(tmp_path / "inline" / "content")
    assert report.totals()["new"] > 30
    assert workers_of(os.getpid()) == set() and not any(alive(pid) for pid in killed)


def test_an_interrupt_stops_the_workers_with_the_run(fixture_server, tmp_path, monkeypatch):
    s = fixture_server
    seen: set[int] = set()
    site(s, extra_pages=20, on_page=lambda path: seen.update(workers_of(os.getpid())))
    real = pipeline._finish
    calls = []

    def interrupted(*args, **kwargs):
        calls.append(1)
        if len(calls) == 10:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_finish", interrupted)
    with pytest.raises(KeyboardInterrupt) as info:
        scrape(tmp_path, sources(tmp_path, s.origin), "run", 1)
    assert seen, "no worker was started"
    assert workers_of(os.getpid()) == set() and not any(alive(pid) for pid in seen)
    # The fetcher's threads stop too, though the traceback (held here) keeps the run's
    # frames alive: nothing is left waiting for a reader that will never come.
    assert info.traceback
    for _ in range(100):
        if not [t for t in threading.enumerate() if t.name.startswith("fetch")]:
            break
        time.sleep(0.05)
    assert [t.name for t in threading.enumerate() if t.name.startswith("fetch")] == []
    # What was written before the interrupt is in place (the run's usual guarantee).
    assert len(list((tmp_path / "run" / "content").rglob("*.md"))) == 9


def test_few_pages_start_no_process(fixture_server, tmp_path):
    s = fixture_server
    seen: list[set[int]] = []
    site(s, on_page=lambda path: seen.append(workers_of(os.getpid())))
    # The paper's feed alone: fewer pages than MIN_PAGES.
    s.route("/daegu/rss.xml", Reply(body=rss(), headers={"Content-Type": RSS}))
    assert len(releases()) < MIN_PAGES
    report = scrape(tmp_path, sources(tmp_path, s.origin), "run", 2)
    assert report.totals()["new"] == len(releases())
    assert seen == [set()] * len(releases())


def slow_run(s, tmp_path) -> subprocess.Popen:
    """A scrape in its own process, of a feed whose pages answer after 30 s (the fetcher gives
    up on each after its 1 s timeout and retries), with one worker."""
    items = [item(f"글 {n}", f"/slow/{n}.html") for n in range(MIN_PAGES + 4)]
    s.route("/slow/rss.xml", Reply(body=rss(*items), headers={"Content-Type": RSS}))
    for n in range(MIN_PAGES + 4):
        s.route(f"/slow/{n}.html", Reply(body=page("daegu-youth"),
                                         headers={"Content-Type": HTML}, delay=30))
    src = sources_file(tmp_path, source_toml("slow", "느린 시청", "rss", f"{s.origin}/slow/rss.xml"))
    script = tmp_path / "run.py"
    script.write_text(textwrap.dedent(f"""
        from press_scraper import pipeline
        if __name__ == "__main__":
            pipeline.scrape({str(src)!r}, {str(tmp_path / 'content')!r},
                            state_dir={str(tmp_path / 'state')!r},
                            settings={{"extract_processes": 1}})
    """), encoding="utf-8")
    return subprocess.Popen([sys.executable, str(script)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def its_worker(run: subprocess.Popen, s) -> set[int]:
    """The run's worker pids, once it has one and is fetching pages."""
    for _ in range(300):  # a spawned interpreter starts in about a second
        workers = workers_of(run.pid)
        if workers and s.hits("/slow/0.html"):
            return workers
        time.sleep(0.05)
    return set()


def wait_gone(pids: set[int]) -> bool:
    for _ in range(400):
        if not any(alive(pid) for pid in pids):
            return True
        time.sleep(0.05)
    return False


def test_ctrl_c_ends_the_run_and_its_worker(fixture_server, tmp_path):
    """Ctrl-C in a script with no handler of its own: the process ends (the fetcher's threads
    stop, the worker is shut down) instead of hanging on threads that wait for a reader."""
    run = slow_run(fixture_server, tmp_path)
    try:
        workers = its_worker(run, fixture_server)
        assert workers, "the run started no worker"
        run.send_signal(signal.SIGINT)
        try:
            _, err = run.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            pytest.fail("the run did not end after Ctrl-C")
    finally:
        run.kill()
        run.wait()
    assert run.returncode != 0 and "KeyboardInterrupt" in err
    assert wait_gone(workers)


def test_a_worker_exits_when_the_run_is_killed(fixture_server, tmp_path):
    """SIGKILL leaves the run no chance to shut its workers down: they notice and exit."""
    run = slow_run(fixture_server, tmp_path)
    try:
        workers = its_worker(run, fixture_server)
        assert workers, "the run started no worker"
    finally:
        run.kill()
        run.wait()
    assert wait_gone(workers)  # the worker checks for its parent once a second


def test_what_a_worker_sends_back_pickles(tmp_path):
    """A page (FetchResult) goes to a worker and a Record comes back: both must pickle to an
    equal value, dates with their time zone included."""
    pages = sorted((FIXTURES / "hanbit").glob("view-*.html")) + sorted(
        (FIXTURES / "generic").glob("*.html"))
    assert len(pages) >= 5
    for path in pages:
        fetched = FetchResult(url="https://x.example/a", final_url="https://x.example/a",
                              status=200, headers={"Content-Type": "text/html"},
                              content=path.read_bytes())
        assert pickle.loads(pickle.dumps(fetched)) == fetched
        record = parse_article(decode_html(fetched.content, fetched.headers)[0],
                               fetched.final_url, site_names=["한빛시청"])
        again = pickle.loads(pickle.dumps(record))
        assert again == record and again.date == record.date
        assert (again.date.utcoffset() if again.date else None) == (
            record.date.utcoffset() if record.date else None)


def test_the_extractor_gives_results_in_the_order_it_was_given(caplog):
    """Pages and failed fetches interleaved: the same list, in the same order, with one
    worker as in the run's thread."""
    from press_scraper.discovery import Candidate
    from press_scraper.fetch import FetchError
    from press_scraper.sources import Source

    source = Source(id="t", name="한빛시청", kind="rss", url="https://x.example/rss.xml")
    files = sorted((FIXTURES / "hanbit").glob("view-*.html")) + sorted(
        (FIXTURES / "generic").glob("*.html"))
    fetched = []
    for n in range(3 * MIN_PAGES):
        url = f"https://x.example/{n}"
        cand = Candidate(source, url, f"t {url}")
        if n % 7 == 3:
            fetched.append((cand, FetchError(url, "gone")))
        else:
            body = files[n % len(files)].read_bytes() if n % 11 else HOPELESS
            fetched.append((cand, FetchResult(url, url, 200, {"Content-Type": "text/html"},
                                              body)))

    def run(processes: int):
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="press_scraper.extract_pool"), \
                Extractor(processes, len(fetched)) as extractor:
            out = [(c.url, o, r if not hasattr(r, "description") else r.description)
                   for c, o, r in extractor.results(iter(fetched))]
        return out, caplog.text

    inline, log = run(0)
    pooled, pool_log = run(1)
    assert [o for _, o, _ in inline] == [o for _, o in fetched]
    assert pooled == inline
    assert sum(1 for _, _, r in inline if isinstance(r, str)) == 5  # the hopeless pages
    assert "extraction workers: 1" in pool_log and "extraction workers" not in log
