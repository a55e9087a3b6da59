"""The near-duplicate check on the labelled set (fixtures/dedupe, issue 12)."""

from __future__ import annotations

from datetime import datetime

import pytest
from dedupe_fixture import pairs, signed, text

from press_scraper import dedupe


@pytest.mark.parametrize("a,b,same", pairs(), ids=lambda v: v if isinstance(v, str) else None)
def test_labelled_pair(a, b, same):
    sa, da = signed(*a)
    sb, db = signed(*b)
    index = dedupe.DedupeIndex(None)
    index.add("a", sa, "")
    found = index.best(sb, db, parse=lambda _: da)
    assert (found is not None) == same, (a, b, dedupe.containment(sa, sb))


def test_the_set_covers_every_variant_and_sixty_pairs():
    all_pairs = pairs()
    assert len(all_pairs) >= 60
    used = {v for a, b, same in all_pairs if same for v in b[1]}
    assert used >= {"prefix", "suffix", "ellipsis", "byline", "trim", "reorder", "nocontact",
                    "caption", "width", "numbers"}


def test_annual_event_stays_apart_even_on_the_same_day():
    """The date window is not the only guard: 제20회 and 제21회 are two events."""
    a, _ = text("busan-festival-2025")
    b, _ = text("busan-festival-2026")
    sa, sb = dedupe.signature(a), dedupe.signature(b)
    assert dedupe.containment(sa, sb) > 0.7  # the words alone are close
    day = datetime(2026, 10, 19)
    assert dedupe.same_release(sa, sb, day, day, threshold=0.5) == 0.0


def test_normalise_removes_what_outlets_add():
    agency = "대구시는 1,000명을 지원한다（4일）.\n\n담당 부서: 청년정책과 053-803-0000"
    paper = "[대구일보=홍길동 기자] 대구시는 1000명을 지원한다(4일).\n\n홍길동 기자 hong@example.com"
    assert dedupe.normalise(agency) == dedupe.normalise(paper)


def test_short_texts_never_merge():
    a = dedupe.signature("시정 알림: 휴관 안내")
    assert dedupe.same_release(a, a) == 0.0


def test_index_survives_a_reopen_and_a_corrupt_file(tmp_path):
    path = tmp_path / "dedupe.sqlite"
    t, _ = text("daegu-youth")
    sig = dedupe.signature(t)
    index = dedupe.DedupeIndex(path)
    index.add("x https://a.example/1", sig, "2026-03-04 10:00:00")
    index.close()
    again = dedupe.DedupeIndex(path)
    assert [c[0] for c in again.candidates(sig)] == ["x https://a.example/1"]
    again.close()
    path.write_bytes(b"not a database at all" * 100)
    fresh = dedupe.DedupeIndex(path)  # a cache: a broken file is started anew
    assert fresh.identities() == set()


def test_a_dry_run_reads_the_index_and_writes_nothing(tmp_path):
    path = tmp_path / "dedupe.sqlite"
    sig, _ = signed("daegu-youth")
    index = dedupe.DedupeIndex(path)
    index.add("x https://a.example/1", sig, "")
    index.close()
    before = path.read_bytes()
    dry = dedupe.DedupeIndex(path, read_only=True)
    assert dry.identities() == {"x https://a.example/1"}
    dry.add("y https://b.example/2", sig, "")
    dry.close()
    assert path.read_bytes() == before
