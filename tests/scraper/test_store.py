"""store.py: identity, paths inside content/, the index, updates, atomic writes, images."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image

from press_scraper import store as st
from press_scraper.markdown import content_hash


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://Example.GO.KR:80/a/View.do?b=2&a=1#top", "http://example.go.kr/a/View.do?a=1&b=2"),
        ("https://x.kr:443/v?utm_source=fb&id=3&fbclid=abc&gclid=z", "https://x.kr/v?id=3"),
        ("http://x.kr:8080/v?id=3", "http://x.kr:8080/v?id=3"),
        ("http://x.kr", "http://x.kr/"),
    ],
)
def test_normalise_url(url, expected):
    assert st.normalise_url(url) == expected


def test_identity_and_path(tmp_path):
    a = st.make_identity("hanbit", "http://X.kr/v?id=1&utm_medium=rss")
    b = st.make_identity("hanbit", "http://x.kr/v?id=1")
    assert a == b == "hanbit http://x.kr/v?id=1"
    store = st.Store(tmp_path)
    path = store.article_path("hanbit", a)
    assert path.parent == (tmp_path / "scraped" / "hanbit").resolve()
    assert path.name == f"hanbit-{st.identity_hash(a)}.md" and len(path.stem) == len("hanbit-") + 10
    with pytest.raises(st.StoreError):
        store.article_path("../x", a)
    with pytest.raises(st.StoreError):
        st.make_identity("../x", "http://x.kr/")


def test_symlink_out_of_content_is_refused(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    content = tmp_path / "content"
    content.mkdir()
    (content / "scraped").symlink_to(outside)
    store = st.Store(content)
    with pytest.raises(st.StoreError):
        store.write_article("hanbit", "hanbit http://x.kr/", [("Title", "t")], "b")
    assert list(outside.iterdir()) == []


FIELDS = [("Title", "제목"), ("Date", "2026-01-07 14:11:00"), ("Category", "경제"),
          ("Source_ID", "hanbit")]


def fields(identity):
    return [*FIELDS, ("Identity", identity)]


def test_new_unchanged_updated_and_editor_modified(tmp_path):
    ident = "hanbit http://x.kr/v?id=1"
    store = st.Store(tmp_path)
    first = store.write_article("hanbit", ident, fields(ident), "본문")
    assert first.status == "new"
    text = first.path.read_text(encoding="utf-8")
    assert f"Identity: {ident}\nContent_Hash: {content_hash(text)}\n\n본문\n" in text
    # A second run (fresh index read from the files) writes nothing.
    mtime = first.path.stat().st_mtime_ns
    again = st.Store(tmp_path).write_article("hanbit", ident, fields(ident), "본문")
    assert again.status == "unchanged" and first.path.stat().st_mtime_ns == mtime
    # The original changed and nobody edited our file: update, with Modified.
    upd = st.Store(tmp_path).write_article(
        "hanbit", ident, fields(ident), "본문 수정", modified="2026-01-08 09:00:00"
    )
    assert upd.status == "updated"
    text = upd.path.read_text(encoding="utf-8")
    assert "본문 수정" in text and "Modified: 2026-01-08 09:00:00" in text
    # An editor changes the title; the original changes again: the editor's file stays.
    upd.path.write_text(text.replace("Title: 제목", "Title: 편집자 제목"), encoding="utf-8")
    kept = st.Store(tmp_path).write_article("hanbit", ident, fields(ident), "세 번째 판")
    assert kept.status == "editor-modified"
    assert "편집자 제목" in upd.path.read_text(encoding="utf-8")
    assert "세 번째 판" not in upd.path.read_text(encoding="utf-8")


def test_moved_file_is_still_known_and_editor_file_never_overwritten(tmp_path):
    ident = "hanbit http://x.kr/v?id=2"
    store = st.Store(tmp_path)
    res = store.write_article("hanbit", ident, fields(ident), "본문")
    moved = tmp_path / "articles" / "kept.md"
    moved.parent.mkdir()
    os.replace(res.path, moved)
    again = st.Store(tmp_path).write_article("hanbit", ident, fields(ident), "본문")
    assert again.status == "unchanged" and not res.path.exists()
    # An editor's file (no Identity) sitting at our path is left alone.
    other = "hanbit http://x.kr/v?id=3"
    target = st.Store(tmp_path).article_path("hanbit", other)
    target.write_text("Title: 편집자\n\n손으로 쓴 글\n", encoding="utf-8")
    res = st.Store(tmp_path).write_article("hanbit", other, fields(other), "본문")
    assert res.status == "conflict"
    assert target.read_text(encoding="utf-8") == "Title: 편집자\n\n손으로 쓴 글\n"


def test_killed_run_leftovers_are_cleaned_and_ignored(tmp_path):
    folder = tmp_path / "scraped" / "hanbit"
    folder.mkdir(parents=True)
    leftover = folder / ".hanbit-0123456789.abcd.tmp"
    leftover.write_text("Title: 반쯤", encoding="utf-8")
    store = st.Store(tmp_path)
    assert store.index == {}
    assert store.cleanup_temp_files() == [leftover]
    assert not leftover.exists()


def test_atomic_write_leaves_old_file_when_interrupted(tmp_path, monkeypatch):
    path = tmp_path / "a.md"
    path.write_text("old", encoding="utf-8")

    def boom(*a, **k):
        raise KeyboardInterrupt

    from newsroom.core import files

    monkeypatch.setattr(files.os, "replace", boom)
    with pytest.raises(KeyboardInterrupt):
        files.atomic_write(path, b"new")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]


def png(size=(4, 3)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(buf, "PNG")
    return buf.getvalue()


def test_images_are_verified_and_named_by_url(tmp_path):
    store = st.Store(tmp_path)
    rel = store.save_image("hanbit", "http://x.kr/img/a.png?x=1", png())
    assert rel.startswith("images/hanbit/") and rel.endswith(".png")
    assert (tmp_path / rel).read_bytes() == png()
    assert store.existing_image("hanbit", "http://X.kr/img/a.png?x=1") == rel
    for bad in (b"<svg onload=alert(1)>", b"GIF89a broken", b"<html>not an image</html>"):
        with pytest.raises(ValueError):
            store.save_image("hanbit", "http://x.kr/b", bad)
    assert not (tmp_path / "images" / "hanbit").joinpath("b").exists()


def test_atomic_write_gives_files_the_usual_permissions(tmp_path) -> None:
    # mkstemp's 0600 would hide scraped articles and images from a web server or editors.
    import os
    import stat

    from newsroom.core.files import _UMASK, atomic_write

    target = tmp_path / "a.md"
    atomic_write(target, b"Title: x\n")
    mode = stat.S_IMODE(os.stat(target).st_mode)
    assert mode == 0o666 & ~_UMASK
    assert mode & 0o444 == 0o444 or _UMASK & 0o444, f"{mode:o}: not readable by others"
