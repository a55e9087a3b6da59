"""The lead image is shown above the body unless the body already shows it with its caption."""

from __future__ import annotations

import shutil
from pathlib import Path

import lxml.html
from helpers import PROJECT_ROOT, build_ok

SAMPLE = PROJECT_ROOT / "content" / "images" / "sample"


def _article(slug: str, body: str) -> str:
    return (
        f"Title: 사진 기사 {slug}\nDate: 2026-11-20 10:00\nCategory: 문화\nSlug: {slug}\n"
        f"Image: images/sample/pic.jpg\n\n{body}\n"
    )


def test_lead_image_once_with_size_and_not_again_when_the_body_has_it(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    (content / "images" / "sample").mkdir(parents=True)
    shutil.copy(next(SAMPLE.glob("*.jpg")), content / "images" / "sample" / "pic.jpg")
    (content / "articles" / "lead.md").write_text(_article("lead", "본문만 있습니다."), "utf-8")
    (content / "articles" / "inbody.md").write_text(
        _article("inbody", "![축제 사진]({static}/images/sample/pic.jpg)\n\n사진 설명과 본문."),
        "utf-8",
    )
    result = build_ok(content, tmp_path / "out")

    lead = lxml.html.parse(str(result.output / "news" / "lead.html")).getroot()
    figs = lead.xpath("//figure[contains(@class,'lead-image')]//img")
    assert len(figs) == 1
    assert figs[0].get("width") == "1200" and figs[0].get("height") == "675"

    inbody = lxml.html.parse(str(result.output / "news" / "inbody.html")).getroot()
    assert not inbody.xpath("//figure[contains(@class,'lead-image')]")
    imgs = [i.get("src") for i in inbody.xpath("//article//img") if "pic.jpg" in i.get("src", "")]
    assert len(imgs) == 1, imgs
    # still the article's image for machines and lists
    assert inbody.xpath("//meta[@property='og:image']/@content")[0].endswith("/images/sample/pic.jpg")
