"""Batched, synced writes (store.Store(batch=True), files.AtomicBatch): what a scrape writes
waits in temporary files until one sync puts the batch in place.

The guarantees stay those of one atomic write per file: a file under its real name is always
complete, a failure or a crash leaves the old file (or none) and no temporary file the next run
keeps, and a write waiting for its batch is already visible to the run that made it (the index,
reads, the conflict check, a merge of a later copy into it).
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import textwrap
import time

import pytest
from test_merge_sources import articles, serve, two_sources
from test_store import fields, png

from newsroom.core import files
from newsroom.core.files import TEMP_PREFIX, TEMP_SUFFIX, AtomicBatch
from press_scraper import pipeline
from press_scraper import store as st
from press_scraper.markdown import content_hash


def temp_files(root) -> list:
    return sorted(p for p in root.rglob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"))


def test_a_batch_lands_only_at_commit_complete_and_without_temporary_files(tmp_path):
    old = tmp_path / "b" / "old.md"
    old.parent.mkdir()
    old.write_bytes(b"old")
    batch = AtomicBatch()
    batch.write(tmp_path / "a" / "new.md", b"first")
    batch.write(tmp_path / "a" / "new.md", b"second")  # replaces the first, one temp file
    batch.write(old, b"new")
    assert not (tmp_path / "a" / "new.md").exists() and old.read_bytes() == b"old"
    assert len(temp_files(tmp_path)) == 2 == len(batch)
    with open(batch.pending(tmp_path / "a" / "new.md"), "rb") as fh:
        assert fh.read() == b"second"
    assert sorted(batch.commit()) == [tmp_path / "a" / "new.md", old]
    assert (tmp_path / "a" / "new.md").read_bytes() == b"second" and old.read_bytes() == b"new"
    assert temp_files(tmp_path) == [] and len(batch) == 0
    mode = os.stat(old).st_mode & 0o777
    assert mode == 0o666 & ~files._UMASK


def test_a_failed_sync_leaves_the_old_files_and_no_temporary_file(tmp_path, monkeypatch):
    old = tmp_path / "old.md"
    old.write_bytes(b"old")
    batch = AtomicBatch()
    batch.write(old, b"new")
    batch.write(tmp_path / "fresh.md", b"fresh")

    def failing(fd):
        raise OSError(errno.EIO, "I/O error")

    monkeypatch.setattr(files.os, "fsync", failing)
    with pytest.raises(OSError):
        batch.commit()
    assert old.read_bytes() == b"old" and not (tmp_path / "fresh.md").exists()
    assert temp_files(tmp_path) == [] and len(batch) == 0


def test_a_rename_failing_midway_leaves_whole_files_only(tmp_path, monkeypatch):
    a, b = tmp_path / "a.md", tmp_path / "b.md"
    b.write_bytes(b"old b")
    batch = AtomicBatch()
    batch.write(a, b"new a")
    batch.write(b, b"new b")
    real = os.replace
    calls = []

    def second_fails(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise KeyboardInterrupt  # killed between two renames
        real(src, dst)

    monkeypatch.setattr(files.os, "replace", second_fails)
    with pytest.raises(KeyboardInterrupt):
        batch.commit()
    assert a.read_bytes() == b"new a" and b.read_bytes() == b"old b"
    assert temp_files(tmp_path) == []


def test_a_killed_writer_leaves_temporary_files_the_next_run_removes(tmp_path):
    """A real process killed (os._exit) after writing a batch, before its commit."""
    content = tmp_path / "content"
    ident = st.make_identity("hanbit", "http://x.kr/1")
    code = textwrap.dedent(f"""
        import os
        from press_scraper import store as st
        s = st.Store({str(content)!r}, batch=True)
        r = s.write_article("hanbit", {ident!r}, {fields(ident)!r}, "본문")
        assert r.status == "new" and s.pending == 1
        os._exit(9)
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 9, done.stderr
    assert list(content.rglob("*.md")) == []  # nothing under a real name, not even empty
    left = temp_files(content)
    assert len(left) == 1 and left[0].read_text(encoding="utf-8").startswith("Title: 제목")
    again = st.Store(content)
    assert again.index == {} and again.cleanup_temp_files() == left
    assert temp_files(content) == []


def test_pending_writes_are_visible_to_the_store_that_made_them(tmp_path):
    store = st.Store(tmp_path, batch=True)
    ident = st.make_identity("hanbit", "http://x.kr/v?id=1")
    first = store.write_article("hanbit", ident, fields(ident), "첫 판")
    assert first.status == "new" and not first.path.exists() and store.pending == 1
    got_fields, body, ours = store.read_article(store.index[ident])
    assert body == "첫 판" and ours and ("Identity", ident) in got_fields
    # An update in the same run checks the pending text for an editor's change, and replaces it.
    second = store.write_article("hanbit", ident, fields(ident), "둘째 판", modified="2026-01-08")
    assert second.status == "updated" and store.pending == 1
    # An image saved twice before the commit is found the second time.
    rel = store.save_image("hanbit", "http://x.kr/a.png", png())
    assert store.existing_image("hanbit", "http://x.kr/a.png") == rel
    assert not (tmp_path / rel).exists()
    store.flush()
    text = first.path.read_text(encoding="utf-8")
    assert text.rstrip().endswith("둘째 판") and "Modified: 2026-01-08" in text
    assert content_hash(text) == store.index[ident].content_hash
    assert (tmp_path / rel).is_file() and temp_files(tmp_path) == []
    # Another store (the next run) finds what the first one flushed.
    assert st.Store(tmp_path).index[ident].path == first.path


def test_a_batch_knows_how_long_its_oldest_write_has_waited(tmp_path):
    store = st.Store(tmp_path, batch=True)
    assert store.pending_seconds == 0.0
    ident = st.make_identity("hanbit", "http://x.kr/1")
    store.write_article("hanbit", ident, fields(ident), "본문")
    first = store.pending_seconds
    assert first >= 0.0
    time.sleep(0.05)
    assert store.pending_seconds >= first + 0.04
    store.flush()
    assert store.pending_seconds == 0.0 and st.Store(tmp_path).pending_seconds == 0.0


def test_a_merged_copy_is_removed_only_after_its_article_is_on_disk(tmp_path):
    store = st.Store(tmp_path, batch=True)
    host_id = st.make_identity("hanbit", "http://x.kr/1")
    copy_id = st.make_identity("paper", "http://paper.kr/1")
    host = store.write_article("hanbit", host_id, fields(host_id), "본문")
    copy = store.write_article("paper", copy_id, [*fields(copy_id)[:-2], ("Source", "신문"),
                                                  ("Source_URL", "http://paper.kr/1"),
                                                  ("Source_ID", "paper"),
                                                  ("Identity", copy_id)], "본문")
    store.flush()
    entry, copy_entry = store.index[host_id], store.index[copy_id]
    result, action = store.merge_into(entry, copy_id, *store.read_article(copy_entry)[:2])
    assert result.status == "merged" and store.pending == 1
    store.remove_article(copy_entry)
    # Removing the copy put the article that credits it in place first.
    assert not copy.path.exists() and store.pending == 0
    assert "http://paper.kr/1" in host.path.read_text(encoding="utf-8")


@pytest.mark.parametrize("batch", [1, 1000])
def test_a_later_copy_merges_into_an_article_still_waiting_for_its_batch(
        fixture_server, tmp_path, monkeypatch, batch):
    """The agency's release and a paper's copy in one run: one article crediting both, all of
    it on disk when the run returns, whether the batch was flushed between them or not."""
    monkeypatch.setattr(pipeline, "WRITE_BATCH", batch)
    monkeypatch.setattr(pipeline, "WRITE_BATCH_SECONDS", 1e9)  # only the count decides
    s, o = fixture_server, fixture_server.origin
    serve(s, "daegu", [("busan-festival-2026", ()), ("daegu-youth", ())])
    serve(s, "yn", [("busan-festival-2026", ("suffix", "byline")), ("gwangju-voucher", ())])
    report = pipeline.scrape(two_sources(tmp_path, o, paper_first=False),
                             tmp_path / "content", state_dir=tmp_path / "state")
    found = articles(tmp_path)
    assert len(found) == 3, found
    merged = [m for m in found.values() if m.get("Other_Sources")]
    assert len(merged) == 1 and merged[0]["Source_ID"] == "daegu"
    assert f"{o}/yn/1.html" in merged[0]["Other_Sources"]
    totals = report.totals()
    assert (totals["new"], totals["merged"], totals["failed"]) == (3, 1, 0), totals
    # Every path the report names is on disk, complete, and no temporary file is left.
    assert sorted(set(report.written)) == sorted(found)
    assert temp_files(tmp_path / "content") == []


def test_a_run_stopped_by_a_full_disk_keeps_what_it_wrote_whole(fixture_server, tmp_path,
                                                                 monkeypatch):
    s, o = fixture_server, fixture_server.origin
    serve(s, "daegu", [("busan-festival-2026", ()), ("daegu-youth", ()),
                       ("gwangju-voucher", ())])
    serve(s, "yn", [])
    real = st.Store.write_article
    calls = []

    def third_fills_the_disk(self, *args, **kwargs):
        calls.append(args[1])
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(st.Store, "write_article", third_fills_the_disk)
    with pytest.raises(OSError) as info:
        pipeline.scrape(two_sources(tmp_path, o, paper_first=False), tmp_path / "content",
                        state_dir=tmp_path / "state")
    assert info.value.errno == errno.ENOSPC
    # The two articles written before the disk filled are in place and whole; nothing else.
    found = articles(tmp_path)
    assert len(found) == 2 and all(m["Title"] and m["Content_Hash"] for m in found.values())
    for rel in found:
        text = (tmp_path / "content" / rel).read_text(encoding="utf-8")
        assert content_hash(text) == found[rel]["Content_Hash"]
    assert temp_files(tmp_path / "content") == []


def test_a_batch_committed_in_the_background_stays_readable_and_reports_its_error(
        tmp_path, monkeypatch):
    store = st.Store(tmp_path, batch=True)
    ident = st.make_identity("hanbit", "http://x.kr/1")
    path = store.write_article("hanbit", ident, fields(ident), "본문").path
    store.flush(wait=False)  # committing in a thread while the run goes on
    assert store.pending == 0
    for _ in range(50):  # before, during or after the rename: always the whole text
        assert store.read_article(store.index[ident])[1] == "본문"
    again = st.make_identity("hanbit", "http://x.kr/2")
    store.write_article("hanbit", again, fields(again), "둘째")
    store.flush()
    assert path.is_file() and store.index[again].path.is_file()
    assert temp_files(tmp_path) == []

    def failing(fd):
        raise OSError(errno.EIO, "I/O error")

    third = st.make_identity("hanbit", "http://x.kr/3")
    store.write_article("hanbit", third, fields(third), "셋째")
    monkeypatch.setattr(files.os, "fsync", failing)
    store.flush(wait=False)
    fourth = st.make_identity("hanbit", "http://x.kr/4")
    store.write_article("hanbit", fourth, fields(fourth), "넷째")
    with pytest.raises(OSError):  # the background failure surfaces at the next flush
        store.flush()
    store.discard()
    assert not store.index[third].path.exists() and temp_files(tmp_path) == []
