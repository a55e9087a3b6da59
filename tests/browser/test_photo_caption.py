"""The lead photo's caption and credit in a browser, at desktop and phone width (issue 14).

A real strict build of one article with `Image_Caption` and `Image_Credit`, served on
127.0.0.1 and opened in chromium at 1280 and 375 px: the caption sits right under the photo,
inside the page's width, in a smaller muted type than the body; screenshots are saved for a
person to look at.
"""

from __future__ import annotations

import pytest
from browserkit import new_context
from helpers import build_ok, new_content, serve_directory, write_article

pytestmark = pytest.mark.browser

IMAGE = "images/sample/market.jpg"
CAPTION = "18일 청주 육거리시장에서 상인들이 설 대목을 앞두고 손님을 맞고 있다."


@pytest.fixture(scope="module")
def caption_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("caption-browser")
    content = new_content(root / "content", IMAGE)
    write_article(
        content / "articles", "market-photo",
        "청주시는 전통시장 활성화를 위해 주차장을 넓히고 온누리상품권 할인율을 높인다.\n\n"
        "시 관계자는 \"설 대목에 시민들이 편하게 시장을 찾도록 하겠다\"고 말했다.",
        Title="청주 전통시장, 설 앞두고 주차장 넓힌다", Date="2026-11-24 09:00:00",
        Category="경제", Image=IMAGE, Image_Caption=CAPTION, Image_Credit="홍길동 기자",
        Authors="홍길동", Source="청주시",
    )
    for name in ("정치", "문화"):
        write_article(content / "articles", f"other-{ord(name[0])}", "본문입니다.",
                      Title=f"{name} 기사", Date="2026-11-20 09:00:00", Category=name)
    out = root / "out"
    build_ok(content, out)
    with serve_directory(out) as server:
        yield server.url


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_caption_sits_under_the_photo(chromium, caption_site, viewport, screenshot_dir):
    context = new_context(chromium, viewport)
    page = context.new_page()
    try:
        page.goto(caption_site + "/news/market-photo.html", wait_until="load")
        box = page.evaluate("""() => {
            const img = document.querySelector('.lead-image img');
            const cap = document.querySelector('.lead-image figcaption');
            const body = document.querySelector('.article-body p');
            const r = (e) => e.getBoundingClientRect();
            return {img: [r(img).left, r(img).right, r(img).bottom, img.naturalWidth],
                    cap: [r(cap).left, r(cap).right, r(cap).top, r(cap).height],
                    capFont: parseFloat(getComputedStyle(cap).fontSize),
                    bodyFont: parseFloat(getComputedStyle(body).fontSize),
                    capColor: getComputedStyle(cap).color,
                    bodyColor: getComputedStyle(body).color,
                    text: cap.textContent.trim(), alt: img.alt,
                    scrollX: document.documentElement.scrollWidth - window.innerWidth};
        }""")
        page.locator(".lead-image").scroll_into_view_if_needed()
        page.screenshot(path=str(screenshot_dir / f"photo-caption-{viewport}.png"))
    finally:
        context.close()
    assert box["img"][3] > 0, "the photo did not load"
    assert box["text"] == f"▲ {CAPTION} (사진=홍길동 기자)"
    assert box["alt"] == CAPTION
    img_left, img_right, img_bottom, _ = box["img"]
    cap_left, cap_right, cap_top, cap_height = box["cap"]
    assert 0 <= cap_top - img_bottom <= 16, "the caption is not right under the photo"
    assert cap_left >= img_left - 1 and cap_right <= img_right + 1, "caption wider than the photo"
    assert box["capFont"] < box["bodyFont"], "the caption is not smaller than the body text"
    assert box["capColor"] != box["bodyColor"], "the caption is not muted"
    assert box["scrollX"] <= 0, "the page scrolls sideways"
    assert cap_height > 0
