"""The legal masthead (NEWSROOM_MASTHEAD): validated once, shown in every page's footer, and
the published build warns about each empty field."""

from __future__ import annotations

import pytest
from helpers import PROJECT_ROOT, build_ok, build_site, new_content, parse_html, write_article

from newsroom.core.settings import SettingsError, masthead_gaps, validate


def test_masthead_settings_are_validated_with_the_key_named():
    with pytest.raises(SettingsError, match="NEWSROOM_MASTHEAD: unknown key.*'publsher'"):
        validate({"NEWSROOM_MASTHEAD": {"publsher": "홍길동"}})
    with pytest.raises(SettingsError, match="NEWSROOM_MASTHEAD: 'telephone' must be text"):
        validate({"NEWSROOM_MASTHEAD": {"telephone": 21234567}})
    with pytest.raises(SettingsError, match="NEWSROOM_MASTHEAD: expected a dict"):
        validate({"NEWSROOM_MASTHEAD": "우리고장뉴스"})
    values = validate({"NEWSROOM_MASTHEAD": {"title": " 우리고장\n뉴스 ", "editor": ""}})
    assert values["NEWSROOM_MASTHEAD"]["title"] == "우리고장 뉴스"
    assert masthead_gaps(values)[:2] == ["등록번호", "등록일"]
    assert "편집인" in masthead_gaps(values) and "제호" not in masthead_gaps(values)


def _content(tmp_path):
    content = new_content(tmp_path / "content")
    write_article(content / "articles", "one", "본문입니다.", title="기사 하나",
                  date="2026-11-20 10:00", category="경제", slug="one")
    return content


def test_every_page_shows_the_sample_masthead_and_the_feeds_in_the_footer(tmp_path):
    result = build_ok(_content(tmp_path), tmp_path / "out")
    assert not result.problems(), "\n".join(result.problems())
    for page in ("index.html", "news/one.html", "section/economy/index.html", "source/index.html"):
        soup = parse_html(tmp_path / "out" / page)
        pairs = {dt.get_text(): dt.find_next_sibling("dd").get_text()
                 for dt in soup.select("footer .masthead dt")}
        assert list(pairs)[:3] == ["제호", "등록번호", "등록일"], page
        assert {"발행인", "편집인", "청소년보호책임자", "주소", "전화"} <= set(pairs), page
        assert all("가상" in v for k, v in pairs.items() if k != "제호"), pairs
        # The feed row moved from the header to the footer; 기관별 joined the menu.
        assert not soup.select("header .feed-links"), page
        assert [a["href"].rsplit("/", 1)[-1] for a in soup.select("footer .feed-links a")] == [
            "all.atom.xml", "politics.atom.xml", "economy.atom.xml", "culture.atom.xml"]
        assert soup.select_one(".site-nav").find("a", string="기관별"), page


def test_published_build_warns_about_an_empty_masthead(tmp_path):
    content = _content(tmp_path)
    result = build_site(content, tmp_path / "out", PROJECT_ROOT / "publishconf.py",
                        extra_settings={"NEWSROOM_MASTHEAD": {"title": "우리고장뉴스"}})
    assert result.returncode == 0, result.log[-3000:]
    warned = [p for p in result.problems() if "NEWSROOM_MASTHEAD" in p]
    assert warned and "등록번호" in warned[0] and "청소년보호책임자" in warned[0], result.log[-3000:]
    soup = parse_html(tmp_path / "out" / "index.html")
    assert [dt.get_text() for dt in soup.select(".masthead dt")] == ["제호"]
    # The preview shows what there is and stays quiet.
    preview = build_site(content, tmp_path / "preview", PROJECT_ROOT / "pelicanconf.py",
                         extra_settings={"NEWSROOM_MASTHEAD": {}})
    assert preview.returncode == 0 and not [p for p in preview.problems() if "MASTHEAD" in p]
    assert not parse_html(tmp_path / "preview" / "index.html").select(".masthead")
