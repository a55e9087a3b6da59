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
