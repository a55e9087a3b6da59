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
