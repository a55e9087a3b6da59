"""The status page lists the merges of the last run (issue 12): copy, article, similarity."""

from __future__ import annotations

from newsroom import status

STATUS = {"started": "2026-11-26T06:40:36+09:00", "finished": "2026-11-26T06:40:43+09:00",
          "exit_code": 0, "result": "published", "new_articles": 0, "updated_articles": 0,
          "built": True, "live_release": "r1", "sources": {"per_source": []},
          "merges": [
              {"copy": "https://yn.example/news/1?a=1&b=<x>", "source": "yeongnam",
               "into": "scraped/daegu/daegu-0123456789.md", "similarity": 0.913,
               "action": "switched", "forced": False},
              {"copy": "scraped/jeju/jeju-1.md", "into": "scraped/jeju/jeju-2.md",
               "similarity": None, "action": "held", "forced": True,
               "reason": "edited since it was scraped"},
          ]}


def test_merges_of_the_last_run_are_listed_with_their_similarity(tmp_path):
    status.write(STATUS, tmp_path / "status.json", tmp_path / "status.html", tmp_path / "st")
    page = (tmp_path / "status.html").read_text(encoding="utf-8")
    section = page.split("이번 실행에서 합친 기사")[1].split("<h2>")[0]
    assert "scraped/daegu/daegu-0123456789.md" in section and "0.91" in section
    assert "본문을 이 사본으로 교체" in section
    assert "&lt;x&gt;" in section and "<x>" not in section  # a URL is text, escaped
    assert '<tr class="bad">' in section and "편집자 지정" in section
    assert "edited since it was scraped" in section


def test_no_merges_no_section(tmp_path):
    status.write({**STATUS, "merges": []}, tmp_path / "status.json", tmp_path / "status.html",
                 tmp_path / "st")
    assert "합친 기사" not in (tmp_path / "status.html").read_text(encoding="utf-8")
