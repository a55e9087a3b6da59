"""sources.toml validation: every invalid config names the file, the source and the key."""

from __future__ import annotations

import dataclasses
import os
import textwrap

import pytest

from press_scraper.sources import (
    DEFAULT_SETTINGS,
    ScraperSettings,
    Source,
    SourcesError,
    load,
    settings_from_mapping,
)

GOOD = """
[scraper]
delay = 2
user_agent = "TestBot/1.0"
contact_url = "https://news.example/about.html"

[[sources]]
id = "haneul-si"
name = "하늘시청"
kind = "rss"
url = "https://www.haneul.example/rss/press.xml"
category = "경제"
tags = ["하늘시", "보도자료"]
license = "공공누리 제1유형"

[[sources]]
id = "daegu"
name = "바다군청"
kind = "html"
url = "http://bada.example/board/list.do?bbsNo=1&pageIndex=1"
excerpt_only = true
max_pages = 2
delay = 3.5
[sources.selectors]
list_item = "table.board tbody tr"
link = "td.title a"
title = "h3.view-title"
date = ".view-info .date"
body = "div.view-content"
author = ".writer"
next_page = "a.next"
subtitle = ".sub-title"
attachments = ".file-list a[href]"
"""


def write(tmp_path, text):
    path = tmp_path / "sources.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def source_block(**overrides):
    fields = {"id": '"daegu"', "name": '"대구시"', "kind": '"rss"',
              "url": '"https://daegu.example/rss.xml"'}
    fields.update(overrides)
    lines = [f"{k} = {v}" for k, v in fields.items() if v is not None]
    return "[[sources]]\n" + "\n".join(lines) + "\n"


def error_for(tmp_path, text, **kwargs):
    path = write(tmp_path, text)
    with pytest.raises(SourcesError) as info:
        load(path, **kwargs)
    return str(info.value), info.value


def test_good_file_loads_into_frozen_dataclasses(tmp_path):
    config = load(write(tmp_path, GOOD))
    first, second = config.sources
    assert first == Source(
        id="haneul-si", name="하늘시청", kind="rss", url="https://www.haneul.example/rss/press.xml",
        category="경제", tags=("하늘시", "보도자료"), license="공공누리 제1유형",
    )
    assert second.selectors.list_item == "table.board tbody tr"
    assert second.selectors.attachments == ".file-list a[href]"
    assert second.excerpt_only is True and second.max_pages == 2 and second.delay == 3.5
    assert first.selectors.body is None and first.max_pages == 3 and first.delay is None
    assert config.settings.delay == 2.0 and isinstance(config.settings.delay, float)
    assert config.settings.timeout == DEFAULT_SETTINGS["timeout"]
    assert config.settings.user_agent_header == "TestBot/1.0 (+https://news.example/about.html)"
    assert config.settings.robots_token == "TestBot"
    assert config.get("daegu") is second and config.get("nope") is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.url = "https://evil.example/"  # type: ignore[misc]


def test_empty_file_gives_defaults(tmp_path):
    config = load(write(tmp_path, ""))
    assert config.sources == ()
    assert config.settings == ScraperSettings()
    assert config.settings.delay >= 1.0


def test_defaults_dict_matches_dataclass():
    assert {f.name: f.default for f in dataclasses.fields(ScraperSettings)} == DEFAULT_SETTINGS


def test_unknown_source_key_suggests_the_right_one(tmp_path):
    text = source_block(id='"haneul"') + source_block(selector='{ body = "div" }')
    message, err = error_for(tmp_path, text)
    assert message.endswith(
        "sources.toml: source #2 (daegu): key 'selector': unknown key (did you mean 'selectors'?)"
    )
    assert (err.index, err.source_id, err.key) == (2, "daegu", "selector")
    assert str(tmp_path) in message


@pytest.mark.parametrize("bad_id", ['"../x"', '"Daegu"', '"dae_gu"', '"-x"', '"a--b"', '""', "3"])
def test_bad_id_is_rejected(tmp_path, bad_id):
    message, err = error_for(tmp_path, source_block(id=bad_id))
    assert "source #1" in message and "key 'id'" in message
    assert err.key == "id"


@pytest.mark.parametrize("missing", ["id", "name", "kind", "url"])
def test_missing_required_key(tmp_path, missing):
    message, _ = error_for(tmp_path, source_block(**{missing: None}))
    assert f"key {missing!r}: missing (required)" in message
    assert "source #1" in message


@pytest.mark.parametrize("url", [
    '"ftp://daegu.example/rss.xml"', '"file:///etc/passwd"', '"javascript:alert(1)"',
    '"daegu.example/rss.xml"', '"https://"', '"https://daegu.example/a b"',
    '"http://daegu.example:99999/"', '42',
])
def test_non_http_url_is_rejected(tmp_path, url):
    message, err = error_for(tmp_path, source_block(url=url))
    assert "source #1 (daegu): key 'url'" in message
    assert err.key == "url"


def test_bad_css_selector_names_the_selector_key(tmp_path):
    text = source_block(kind='"html"') + '[sources.selectors]\nlist_item = "tr"\nbody = "div[["\n'
    message, err = error_for(tmp_path, text)
    assert "source #1 (daegu): key 'selectors.body': invalid CSS selector 'div[['" in message
    assert err.key == "selectors.body"


def test_unknown_selector_key(tmp_path):
    text = source_block(kind='"html"') + '[sources.selectors]\nbdy = "div"\n'
    message, _ = error_for(tmp_path, text)
    assert "key 'selectors.bdy': unknown key (did you mean 'body'?)" in message


def test_list_selectors_only_for_html_boards(tmp_path):
    text = source_block() + '[sources.selectors]\nlist_item = "tr"\n'
    message, _ = error_for(tmp_path, text)
    assert "key 'selectors.list_item'" in message and "html" in message


def test_unknown_category_names_the_allowed_ones(tmp_path):
    message, _ = error_for(tmp_path, source_block(category='"스포츠"'))
    assert "key 'category': unknown category '스포츠'; expected one of 정치, 경제, 문화" in message


def test_sections_come_from_the_caller(tmp_path):
    path = write(tmp_path, source_block(category='"스포츠"'))
    assert load(path, sections=["스포츠"]).sources[0].category == "스포츠"


def test_duplicate_id(tmp_path):
    message, err = error_for(tmp_path, source_block() + source_block())
    assert "source #2 (daegu): key 'id': duplicate id, already used by source #1" in message


@pytest.mark.parametrize("extra, key", [
    ('kind = "atom"', "kind"),
    ('tags = "대구"', "tags"),
    ('tags = ["대구,경북"]', "tags"),
    ('excerpt_only = "yes"', "excerpt_only"),
    ("max_pages = 0", "max_pages"),
    ("delay = -1", "delay"),
    ('name = "두 줄\\n이름"', "name"),
])
def test_bad_values(tmp_path, extra, key):
    k, v = extra.split(" = ", 1)
    message, err = error_for(tmp_path, source_block(**{k: v}))
    assert f"key {key!r}" in message and err.key == key


def test_unknown_top_level_key(tmp_path):
    message, err = error_for(tmp_path, "[scrapper]\ndelay = 1\n")
    assert message.endswith("key 'scrapper': unknown key (did you mean 'scraper'?)")


@pytest.mark.parametrize("line, key", [
    ("delay = -0.5", "delay"),
    ('delay = "1"', "delay"),
    ("timeout = 0", "timeout"),
    ("concurrency = 0", "concurrency"),
    ("retries = true", "retries"),
    ("max_bytes = 1.5", "max_bytes"),
    ('contact_url = "mailto:x@example.com"', "contact_url"),
    ('user_agent = "Bad Bot"', "user_agent"),
    ("dellay = 1", "dellay"),
    ("extract_processes = -1", "extract_processes"),
    ("extract_processes = 1.5", "extract_processes"),
    ('extract_processes = "2"', "extract_processes"),
    ("extract_processes = true", "extract_processes"),
])
def test_bad_scraper_settings_name_the_key(tmp_path, line, key):
    message, err = error_for(tmp_path, f"[scraper]\n{line}\n")
    assert f"sources.toml: [scraper]: key {key!r}" in message
    assert err.key == key


def test_toml_syntax_error_names_file_and_line(tmp_path):
    message, _ = error_for(tmp_path, '[[sources]]\nid = "x"\nname = \n')
    assert "sources.toml: invalid TOML" in message and "line 3" in message


def test_missing_file(tmp_path):
    with pytest.raises(SourcesError, match="nope.toml: cannot read"):
        load(tmp_path / "nope.toml")


def test_overrides_win_and_are_validated(tmp_path):
    path = write(tmp_path, GOOD)
    assert load(path, overrides={"delay": 0}).settings.delay == 0.0
    with pytest.raises(SourcesError, match="settings override: key 'delay'"):
        load(path, overrides={"delay": -1})


def test_extract_processes_zero_means_inline_and_defaults_to_the_spare_cpus(tmp_path):
    assert load(write(tmp_path, "[scraper]\nextract_processes = 0\n")).settings \
        .extract_processes == 0
    assert load(write(tmp_path, "[scraper]\nextract_processes = 3\n")).settings \
        .extract_processes == 3
    cpus = len(os.sched_getaffinity(0))
    assert ScraperSettings().extract_processes == max(0, min(2, cpus - 1))


def test_settings_from_mapping_merges_over_defaults():
    s = settings_from_mapping({"retries": 0, "backoff": 0})
    assert s.retries == 0 and s.backoff == 0.0 and s.delay == DEFAULT_SETTINGS["delay"]


def test_the_example_file_loads_and_shows_every_kind():
    """sources.example.toml documents every key: it must stay valid."""
    from helpers import PROJECT_ROOT

    from press_scraper.sources import KINDS, load

    config = load(PROJECT_ROOT / "sources.example.toml")
    assert {s.kind for s in config.sources} == set(KINDS)
    post = next(s for s in config.sources if s.kind == "post").spec
    assert post.id_regex.search("searchDetail('1203')").group(1) == "1203"
    assert next(s for s in config.sources if s.kind == "api").spec.api_key_env == "DATA_GO_KR_KEY"
