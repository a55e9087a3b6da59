"""The release link check gives the same answer on one core and split over several."""

from __future__ import annotations

from newsroom.validate import PARALLEL_MIN_PAGES, check_links, release_files


def test_parallel_link_check_finds_exactly_what_the_serial_one_finds(tmp_path):
    (tmp_path / "news").mkdir()
    (tmp_path / "index.html").write_text(
        '<a href="news/p0.html">첫 기사</a><a href="gone.html">사라진 쪽</a>', "utf-8")
    count = PARALLEL_MIN_PAGES + 100
    for i in range(count):
        links = f'<a href="../index.html">홈</a><a href="p{(i + 1) % count}.html">다음</a>'
        if i % 500 == 7:
            links += f'<img src="../images/missing-{i}.jpg" alt="">'
        (tmp_path / "news" / f"p{i}.html").write_text(f"<p>{links}</p>", "utf-8")
    files = release_files(tmp_path)

    serial = check_links(tmp_path, files, "http://127.0.0.1:8000", workers=1)
    parallel = check_links(tmp_path, files, "http://127.0.0.1:8000", workers=2)
    assert parallel == serial
    problems, checked = serial
    assert checked == 2 + 2 * count + len([i for i in range(count) if i % 500 == 7])
    missing = sorted(p.message.split(": no ")[1].split(" ")[0] for p in problems)
    assert missing == ["gone.html"] + sorted(
        f"images/missing-{i}.jpg" for i in range(count) if i % 500 == 7)


def test_a_cached_page_is_not_parsed_again_but_its_links_are_checked(tmp_path):
    """Release B takes page a.html unchanged from release A (a hard link, as the incremental
    build does): its links come from the cache, and a target B no longer has is still a
    broken link. A page written anew in B (another inode) is parsed again."""
    from newsroom.validate import LinkCache

    a, b, cache_file = tmp_path / "a", tmp_path / "b", tmp_path / "links.json"
    a.mkdir()
    b.mkdir()
    (a / "a.html").write_text('<a href="b.html">B</a><img src="photo.jpg" alt="">', "utf-8")
    (a / "b.html").write_text('<a href="a.html">A</a>', "utf-8")
    (a / "photo.jpg").write_bytes(b"jpeg")
    cache = LinkCache(cache_file)
    assert check_links(a, release_files(a), "http://127.0.0.1:8000", cache=cache) == ([], 3)
    cache.save()

    (b / "a.html").hardlink_to(a / "a.html")  # unchanged: same file
    (b / "b.html").write_text('<a href="a.html">A</a><a href="c.html">C</a>', "utf-8")
    # photo.jpg is gone from B: a.html's link to it must still be caught.
    cache = LinkCache(cache_file)
    assert LinkCache.key(b / "a.html") in cache.old
    problems, checked = check_links(b, release_files(b), "http://127.0.0.1:8000", cache=cache)
    assert checked == 4
    assert sorted(p.message.split(": no ")[1].split(" ")[0] for p in problems) == [
        "c.html", "photo.jpg"]
    assert LinkCache.key(b / "b.html") not in cache.old


def test_a_link_cache_kept_and_read_back_gives_each_page_its_own_links(tmp_path):
    """The cache keeps every page's link indices in one array: read back, each page has
    exactly its own; a file whose lengths do not add up is not trusted (read as empty)."""
    import pickle

    from newsroom.validate import LinkCache

    site, cache_file = tmp_path / "site", tmp_path / "links.pickle"
    site.mkdir()
    for i in range(30):
        links = "".join(f'<a href="p{j}.html">{j}</a>' for j in range(i % 4))
        (site / f"p{i}.html").write_text(f"<p>{links}</p>", "utf-8")
    cache = LinkCache(cache_file)
    check_links(site, release_files(site), "http://127.0.0.1:8000", cache=cache)
    cache.save()

    again = LinkCache(cache_file)
    assert again.old.keys() == cache.new.keys()
    for key, ids in cache.new.items():
        assert list(again.old[key]) == list(ids)
        assert [again.strings[i] for i in again.old[key]] == [cache.strings[i] for i in ids]

    data = pickle.loads(cache_file.read_bytes())
    keys, lengths, ids = data["entries"]["pages"]
    lengths[0] += 1  # one page claims an index the array does not hold
    data["entries"]["pages"] = (keys, lengths, ids)
    cache_file.write_bytes(pickle.dumps(data))
    assert LinkCache(cache_file).old == {}


def test_the_live_releases_own_pages_take_their_keys_without_a_stat(tmp_path, monkeypatch):
    """A page of the new release that is the live release's file under the same path (one
    inode in the two walks) takes the key the cache kept for that path: no `stat`, and the
    same answer as with one. A page that is another file, or a cache saved for another
    release than the live one, is stat-ed as before."""
    from newsroom.assets import Tree
    from newsroom.validate import LinkCache

    live, new, cache_file = tmp_path / "r1", tmp_path / "r2", tmp_path / "links.pickle"
    live.mkdir()
    new.mkdir()
    (live / "a.html").write_text('<a href="b.html">B</a><a href="gone.html">X</a>', "utf-8")
    (live / "b.html").write_text('<a href="a.html">A</a>', "utf-8")
    (live / "gone.html").write_text("<p>곧 사라질 쪽</p>", "utf-8")
    cache = LinkCache(cache_file)
    check_links(live, release_files(live), "http://127.0.0.1:8000", cache=cache,
                tree=Tree(live), release_id="r1")
    cache.save()

    (new / "a.html").hardlink_to(live / "a.html")  # taken unchanged
    (new / "b.html").write_text('<a href="a.html">A</a><a href="c.html">C</a>', "utf-8")
    stat_ed = []
    real_key = LinkCache.key
    monkeypatch.setattr(LinkCache, "key", staticmethod(
        lambda path: stat_ed.append(str(path).rsplit("/", 1)[-1]) or real_key(path)))

    cache = LinkCache(cache_file)
    assert cache.release == "r1" and set(cache.paths) == {"a.html", "b.html", "gone.html"}
    problems, checked = check_links(new, release_files(new), "http://127.0.0.1:8000",
                                    cache=cache, tree=Tree(new), live_tree=Tree(live),
                                    release_id="r2")
    assert stat_ed == ["b.html"]
    assert checked == 4
    # a.html's links came from the cache and are still checked against this release.
    assert sorted(p.message.split(": no ")[1].split(" ")[0] for p in problems) == [
        "c.html", "gone.html"]
    assert cache.new_paths["a.html"] == real_key(new / "a.html")

    # The cache names r1, but the live release is another folder: every page is stat-ed.
    other = tmp_path / "r0"
    other.mkdir()
    (other / "a.html").hardlink_to(live / "a.html")
    stat_ed.clear()
    check_links(new, release_files(new), "http://127.0.0.1:8000", cache=LinkCache(cache_file),
                tree=Tree(new), live_tree=Tree(other))
    assert stat_ed == ["a.html", "b.html"]


def test_a_broken_links_message_names_the_link_as_written_from_the_cache_too(tmp_path):
    """The cache keeps each page's internal targets only (external links, share buttons
    included, are not kept: nothing checks them). The message still quotes the first page's
    link as written, read again from the page, and counts the other pages once each; a page
    whose links come from the cache gives the same message and count as a parsed one."""
    from newsroom.validate import LinkCache

    site, cache_file = tmp_path / "r1", tmp_path / "links.pickle"
    (site / "news").mkdir(parents=True)
    share = "https://share.naver.com/web/shareView?url=http%3A//127.0.0.1%3A8000/news/a.html"
    (site / "news" / "a.html").write_text(
        f'<a href="{share}">공유</a><a href="https://www.korea.kr/">정책브리핑</a>'
        '<a href="mailto:desk@example.kr">제보</a><a href="#top">위로</a>'
        '<img srcset="../images/x.jpg 1x, ../images/gone.jpg 2x" alt="">'
        '<a href="../section/economy/">경제</a>', "utf-8")
    (site / "news" / "b.html").write_text(
        '<a href="http://127.0.0.1:8000/images/gone.jpg">큰 사진</a>'
        '<img src="/images/gone.jpg" alt=""><a href="a.html">앞 기사</a>', "utf-8")
    (site / "images").mkdir()
    (site / "images" / "x.jpg").write_bytes(b"jpeg")
    (site / "section" / "economy").mkdir(parents=True)
    (site / "section" / "economy" / "index.html").write_text("<p>경제</p>", "utf-8")
    files = release_files(site)

    cache = LinkCache(cache_file)
    first = check_links(site, files, "http://127.0.0.1:8000", cache=cache)
    cache.save()
    assert [p.message for p in first[0]] == [
        'broken link srcset="../images/gone.jpg": no images/gone.jpg '
        "(linked from news/a.html and 1 other pages)"]
    assert first[0][0].path == "news/a.html"
    assert first[1] == 6  # internal links only: 3 in a.html, 3 in b.html
    assert not any("share.naver" in t or "korea.kr" in t or "mailto" in t
                   for t in cache.strings), cache.strings

    again = LinkCache(cache_file)
    assert set(again.old) == {LinkCache.key(site / p) for p in files if p.endswith(".html")}
    assert check_links(site, files, "http://127.0.0.1:8000", cache=again) == first
