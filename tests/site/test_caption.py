"""Photo caption and credit under the lead image (issue 14): `Image_Caption`, `Image_Credit`.

Korean papers caption a photo as `▲ 설명 (사진=홍길동 기자)`; the caption is also the image's
alt text (the title when there is none, as before). A real strict build of small content.
"""

from __future__ import annotations

import pytest
from helpers import build_ok, new_content, parse_html, text_of, write_article

from newsroom.core.check import check_content

IMAGE = "images/sample/market.jpg"


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    root = tmp_path_factory.mktemp("caption")
    content = new_content(root / "content", IMAGE)
    common = {"Category": "경제", "Image": IMAGE}
    write_article(content / "articles", "both", "전통시장 기사 본문입니다.", Title="시장 기사",
                  Date="2026-11-24 09:00:00", Image_Caption="18일 청주 육거리시장에서 상인들이 손님을 맞고 있다.",
                  Image_Credit="홍길동 기자", **common)
    write_article(content / "articles", "caption-only", "본문입니다.", Title="설명만 있는 기사",
                  Date="2026-11-23 09:00:00", Image_Caption="시장 입구 <모습>", **common)
    write_article(content / "articles", "credit-only", "본문입니다.", Title="제공만 있는 기사",
                  Date="2026-11-22 09:00:00", Image_Credit="청주시 제공", **common)
    write_article(content / "articles", "neither", "본문입니다.", Title="설명 없는 기사",
                  Date="2026-11-21 09:00:00", **common)
    for name in ("정치", "문화"):
        write_article(content / "articles", f"other-{len(name)}-{ord(name[0])}", "본문입니다.",
                      Title=f"{name} 기사", Date="2026-11-20 09:00:00", Category=name)
    assert check_content(content, ["정치", "경제", "문화"]) == []
    result = build_ok(content, root / "out")
    assert not result.problems(), "\n".join(result.problems())
    return result.output


def _figure(out, slug):
    return parse_html(out / "news" / f"{slug}.html").find("figure", class_="lead-image")


def test_caption_and_credit_follow_the_korean_convention(out):
    figure = _figure(out, "both")
    caption = figure.find("figcaption")
    assert text_of(caption) == "▲ 18일 청주 육거리시장에서 상인들이 손님을 맞고 있다. (사진=홍길동 기자)"
    assert figure.find("img")["alt"] == "18일 청주 육거리시장에서 상인들이 손님을 맞고 있다."


def test_caption_alone_is_escaped_and_is_the_alt_text(out):
    figure = _figure(out, "caption-only")
    assert text_of(figure.find("figcaption")) == "▲ 시장 입구 <모습>"
    assert figure.find("img")["alt"] == "시장 입구 <모습>"
    assert "<모습>" not in (out / "news" / "caption-only.html").read_text(encoding="utf-8")


def test_credit_alone_and_title_as_alt(out):
    figure = _figure(out, "credit-only")
    assert text_of(figure.find("figcaption")) == "(사진=청주시 제공)"
    assert figure.find("img")["alt"] == "제공만 있는 기사"


def test_no_caption_without_the_keys(out):
    figure = _figure(out, "neither")
    assert figure.find("figcaption") is None
    assert figure.find("img")["alt"] == "설명 없는 기사"
