"""`newsroom new`: the real command in a temporary project directory."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from newsroom.core import model

ROOT = Path(__file__).resolve().parents[2]
_SCRIPT = Path(sys.executable).with_name("newsroom")
NEWSROOM = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "newsroom.cli"]
PELICAN = Path(sys.executable).with_name("pelican")

# A minimal site for a real Pelican read of what `newsroom new` wrote: Pelican's own theme and
# no plugins, so the test depends on the file format only, not on the theme being built.
MINIMAL_CONF = """\
PATH = "content"
THEME = "simple"
TIMEZONE = "Asia/Seoul"
ARTICLE_PATHS = ["articles"]
ARTICLE_URL = ARTICLE_SAVE_AS = "news/{slug}.html"
DRAFT_URL = DRAFT_SAVE_AS = "drafts/{slug}.html"
FEED_ALL_ATOM = CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
NEWSROOM_SECTIONS = [("정치", "politics"), ("경제", "economy"), ("문화", "culture")]
"""


def newsroom(project: Path, *args: str, command: str = "new") -> subprocess.CompletedProcess:
    return subprocess.run(
        [*NEWSROOM, command, *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder holding a copy of the real pelicanconf.py and an empty content/."""
    shutil.copy(ROOT / "pelicanconf.py", tmp_path / "pelicanconf.py")
    (tmp_path / "content").mkdir()
    return tmp_path


def header_of(path: Path) -> model.Header:
    return model.parse_header(path.read_text(encoding="utf-8"))


def test_writes_a_filled_article_and_prints_its_path(project: Path) -> None:
    before = datetime.now(model.KST).replace(microsecond=0)
    result = newsroom(
        project,
        "--category", "경제",
        "--title", "청주시, 전통시장 상품권 할인율 10%로 확대",
        "--subtitle", "- 연말까지 한시 적용 -",
        "--tags", "청주, 청주시청, 전통시장,, ",
        "--author", "박서연",
        "--source", "청주시",
        "--source-url", "https://example.go.kr/cheongju/press/101",
    )  # fmt: skip
    after = datetime.now(model.KST)
    assert result.returncode == 0, result.stderr
    printed = result.stdout.strip()
    assert re.fullmatch(r"content/articles/\d{8}-[0-9a-f]{6}\.md", printed), printed
    path = project / printed
    assert path.is_file()

    header = header_of(path)
    values = {f.key: f.value for f in header.fields}
    slug = path.stem
    assert values == {
        "Title": "청주시, 전통시장 상품권 할인율 10%로 확대",
        "Subtitle": "- 연말까지 한시 적용 -",
        "Date": values["Date"],
        "Category": "경제",
        "Tags": "청주, 청주시청, 전통시장",
        "Authors": "박서연",
        "Source": "청주시",
        "Source_URL": "https://example.go.kr/cheongju/press/101",
        "Status": "draft",
        "Slug": slug,
    }
    assert all(k in model.KNOWN_KEYS for k in values)
    # Slug: ASCII, from the KST date and a random suffix, never from the Korean title.
    assert slug.isascii() and model.SLUG_RE.match(slug)
    # Date: now, in Korea time, written without an offset (which means Asia/Seoul).
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", values["Date"])
    written = model.parse_date(values["Date"])
    assert written.utcoffset() == timedelta(hours=9)
    assert before <= written <= after
    assert slug.startswith(written.strftime("%Y%m%d-"))
    body = path.read_text(encoding="utf-8").splitlines()[header.body_line - 1 :]
    assert any("기사 본문을 작성하세요" in line for line in body)

    # The project's own validator accepts the file as written.
    check = newsroom(project, command="check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout == ""


def test_finds_the_project_from_a_subfolder(project: Path) -> None:
    sub = project / "content" / "pages"
    sub.mkdir()
    result = newsroom(sub, "--category", "정치", "--title", "제목", "--slug", "from-sub")
    assert result.returncode == 0, result.stderr
    assert (project / "content" / "articles" / "from-sub.md").is_file()
    assert not (sub / "content").exists()


def test_generated_slugs_differ(project: Path) -> None:
    paths = set()
    for _ in range(3):
        result = newsroom(project, "--category", "문화", "--title", "같은 제목")
        assert result.returncode == 0, result.stderr
        paths.add(result.stdout.strip())
    assert len(paths) == 3
    assert len(list((project / "content" / "articles").glob("*.md"))) == 3


def test_injected_newline_stays_on_one_line(project: Path) -> None:
    title = "강릉시 예산안 통과\nCategory: 정치\r\nStatus: published\u2028Image: x.jpg"
    result = newsroom(project, "--category", "경제", "--title", title, "--slug", "inject")
    assert result.returncode == 0, result.stderr
    path = project / "content" / "articles" / "inject.md"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [ln for ln in lines if ln.startswith("Category:")] == ["Category: 경제"]
    assert [ln for ln in lines if ln.startswith("Status:")] == ["Status: draft"]
    assert not any(ln.startswith("Image:") for ln in lines)
    header = header_of(path)
    expected = "강릉시 예산안 통과 Category: 정치 Status: published Image: x.jpg"
    assert header.value("Title") == expected
    assert all(not f.continued for f in header.fields)


def test_never_overwrites_an_existing_file(project: Path) -> None:
    articles = project / "content" / "articles"
    articles.mkdir()
    # The file name is taken although its Slug says otherwise: only the exclusive create stops it.
    existing = articles / "budget.md"
    original = "Title: 원래 기사\nDate: 2026-11-20 10:00:00\nCategory: 정치\nSlug: other\n\n본문\n"
    existing.write_text(original, encoding="utf-8")
    result = newsroom(project, "--category", "정치", "--title", "새 기사", "--slug", "budget")
    assert result.returncode == 2
    assert ("content/articles/budget.md: 이미 있는 파일이라 덮어쓰지 않습니다. --slug로 다른 "
            "slug를 주세요.") in result.stderr
    assert existing.read_text(encoding="utf-8") == original

    # A slug another file already claims is refused too, naming that file.
    result = newsroom(project, "--category", "정치", "--title", "새 기사", "--slug", "other")
    assert result.returncode == 2
    assert ("slug 'other' 중복: content/articles/budget.md 파일이 이미 이 주소를 씁니다."
            in result.stderr)
    assert sorted(p.name for p in articles.iterdir()) == ["budget.md"]


def test_unknown_category_lists_the_sections(project: Path) -> None:
    result = newsroom(project, "--category", "사회", "--title", "제목")
    assert result.returncode == 2
    assert ("설정에 없는 분야입니다: '사회'. --category에 정치, 경제, 문화 가운데 하나를 주세요"
            in result.stderr)
    assert not (project / "content" / "articles").exists() or not any(
        (project / "content" / "articles").iterdir()
    )


def test_sections_come_from_the_settings_file(tmp_path: Path) -> None:
    (tmp_path / "pelicanconf.py").write_text(
        'PATH = "content"\nNEWSROOM_SECTIONS = [("사회", "society"), ("정치", "politics")]\n',
        encoding="utf-8",
    )
    ok = newsroom(tmp_path, "--category", "사회", "--title", "제목")
    assert ok.returncode == 0, ok.stderr
    bad = newsroom(tmp_path, "--category", "경제", "--title", "제목")
    assert bad.returncode == 2
    assert "사회, 정치" in bad.stderr


def test_bad_sections_setting_names_file_and_key(tmp_path: Path) -> None:
    (tmp_path / "pelicanconf.py").write_text(
        'NEWSROOM_SECTIONS = [("정치", "정치")]\n', encoding="utf-8"
    )
    result = newsroom(tmp_path, "--category", "정치", "--title", "제목")
    assert result.returncode == 2
    assert "pelicanconf.py" in result.stderr and "NEWSROOM_SECTIONS" in result.stderr
    assert not (tmp_path / "content").exists()


def test_bad_input_is_refused(project: Path) -> None:
    bad_slug = newsroom(project, "--category", "정치", "--title", "제목", "--slug", "서울-1")
    assert bad_slug.returncode == 2
    assert "--slug 값에 쓸 수 없는 글자가 있습니다: '서울-1'. 영어 소문자(a-z)" in bad_slug.stderr
    bad_url = newsroom(
        project, "--category", "정치", "--title", "제목", "--source-url", "javascript:alert(1)"
    )
    assert bad_url.returncode == 2
    assert ("--source-url 값이 웹 주소가 아닙니다: 'javascript:alert(1)'. http:// 또는 https://"
            in bad_url.stderr)
    empty = newsroom(project, "--category", "정치", "--title", " \n ")
    assert empty.returncode == 2 and "--title 값이 비어 있습니다." in empty.stderr
    missing = newsroom(project, "--category", "정치", "--title", "제목", "--settings", "nope.py")
    assert missing.returncode == 2 and "nope.py: 설정 파일이 없습니다." in missing.stderr
    assert not (project / "content" / "articles").exists() or not any(
        (project / "content" / "articles").iterdir()
    )


def test_pelican_reads_what_was_written(tmp_path: Path) -> None:
    """A real Pelican build: the published article lands at news/<slug>.html, the draft does not."""
    (tmp_path / "pelicanconf.py").write_text(MINIMAL_CONF, encoding="utf-8")
    (tmp_path / "content").mkdir()
    draft = newsroom(tmp_path, "--category", "문화", "--title", "초안 기사")
    assert draft.returncode == 0, draft.stderr
    draft_slug = Path(draft.stdout.strip()).stem
    live = newsroom(
        tmp_path,
        "--category", "문화",
        "--title", "전주 한지 축제 개막\nCategory: 정치",
        "--author", "이도윤",
        "--publish",
    )  # fmt: skip
    assert live.returncode == 0, live.stderr
    slug = Path(live.stdout.strip()).stem
    out = tmp_path / "out"
    build = subprocess.run(
        [str(PELICAN), "content", "-o", str(out), "-s", "pelicanconf.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    assert "WARNING" not in build.stdout + build.stderr, build.stdout + build.stderr
    page = (out / "news" / f"{slug}.html").read_text(encoding="utf-8")
    assert "전주 한지 축제 개막 Category: 정치" in page
    assert not (out / "news" / f"{draft_slug}.html").exists()
    assert (out / "drafts" / f"{draft_slug}.html").exists()


def test_a_slug_taken_by_a_markdown_file_of_any_extension_is_not_reused(project: Path) -> None:
    # Pelican reads .markdown (and .mkd, .mdown) like .md: their slugs are taken too.
    scraped = project / "content" / "scraped" / "daegu"
    scraped.mkdir(parents=True)
    (scraped / "market-news.markdown").write_text(
        "Title: 시장 소식\nDate: 2025-11-21 09:30\nCategory: 경제\n\n본문.\n", encoding="utf-8"
    )
    (scraped / "other.mkd").write_text(
        "Title: 다른 소식\nDate: 2025-11-21 09:30\nCategory: 경제\nSlug: council-news\n\n본문.\n",
        encoding="utf-8",
    )
    for slug, owner in (("market-news", "market-news.markdown"), ("council-news", "other.mkd")):
        result = newsroom(project, "--category", "경제", "--title", "새 기사", "--slug", slug)
        assert result.returncode == 2, result.stdout
        assert f"slug {slug!r} 중복: " in result.stderr and owner in result.stderr
    assert not (project / "content" / "articles" / "market-news.md").exists()
    assert not (project / "content" / "articles" / "council-news.md").exists()


def _photo(path: Path, fmt: str = "JPEG", size=(64, 48)) -> Path:
    from PIL import Image

    Image.new("RGB", size, (30, 90, 160)).save(path, fmt)
    return path


def test_summary_photo_caption_and_credit(project: Path, tmp_path: Path) -> None:
    photo = _photo(tmp_path / "현장 사진.jpeg")
    result = newsroom(
        project, "--category", "문화", "--title", "한빛시 등불 축제 개막",
        "--summary", "한빛시 등불 축제가 14일 개막했다.",
        "--image", str(photo), "--caption", "개막식에서 등을 켜는 시민들",
        "--credit", "홍길동 기자", "--publish",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    path = project / result.stdout.strip()
    values = {f.key: f.value for f in header_of(path).fields}
    slug = path.stem
    assert values["Summary"] == "한빛시 등불 축제가 14일 개막했다."
    assert values["Image"] == f"images/articles/{slug}.jpg"
    assert values["Image_Caption"] == "개막식에서 등을 켜는 시민들"
    assert values["Image_Credit"] == "홍길동 기자"
    copied = project / "content" / values["Image"]
    assert copied.read_bytes() == photo.read_bytes()
    assert not list(copied.parent.glob(".*tmp*"))
    assert all(k in model.KNOWN_KEYS for k in values)


@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_bytes(b"<html>not a photo</html>") or p,
     "이 사이트가 보여 줄 수 있는 그림 파일이 아닙니다"),
    (lambda p: p.write_bytes(b"\0" * (10 * 1024 * 1024 + 1)) or p, "10.0 MB입니다. 사진을 줄여 10 MB 이하로"),
    (lambda p: _photo(p, "BMP"), "BMP 형식은 모든 브라우저가 보여 주지는 않습니다. JPEG, PNG"),
    (lambda p: p, "파일이 없습니다. 사진 파일의 경로를 확인하세요."),
])
def test_a_bad_photo_is_refused_and_nothing_is_written(project: Path, tmp_path: Path,
                                                      make, message) -> None:
    photo = tmp_path / "photo.img"
    make(photo)
    result = newsroom(project, "--category", "문화", "--title", "제목", "--image", str(photo))
    assert result.returncode == 2, result.stdout
    assert message in result.stderr and str(photo) in result.stderr
    assert not list((project / "content").rglob("*.md"))
    assert not (project / "content" / "images").exists()


def test_caption_without_a_photo_is_refused(project: Path) -> None:
    result = newsroom(project, "--category", "문화", "--title", "제목", "--caption", "설명")
    assert result.returncode == 2
    assert "--caption과 --credit은 사진 설명입니다. 사진 파일을 --image로 함께 주세요." in result.stderr
