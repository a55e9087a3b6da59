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


def test_candidate_lookup_reads_only_other_sources_from_the_index():
    """The run's own earlier articles share their agency's template (many band keys): the
    lookup leaves them out by index ranges, not by reading and filtering every entry (that
    made each lookup slower the more one source had written). Same rows as `source != ?`."""
    from press_scraper import dedupe

    index = dedupe.DedupeIndex(None)
    base = " ".join(f"한빛시는 청년 창업 공간 {k}곳을 열고 입주 기업 {k * 3}곳을 모집한다고 밝혔다. "
                    f"입주 기업은 {k}년 동안 회의실과 사무 공간 {k * 11}개를 무료로 쓴다."
                    for k in range(1, 30))
    for n in range(60):
        source = ("a", "b", "c")[n % 3]
        text = base + f" 사업 {n}호 추진 세부 계획 {n * 7}건 확정."
        index.add(f"{source} https://{source}.test/{n}", dedupe.signature(text, f"사업 {n}호"),
                  "2026-11-01")
    probe = dedupe.signature(base + " 사업 99호 추진 세부 계획 1건 확정.", "사업 99호")
    keys = dedupe.band_keys(probe)
    plan = " ".join(row[-1] for row in index.db.execute(
        "EXPLAIN QUERY PLAN " + dedupe._CANDIDATES_SQL[len(keys)],
        [*keys, "b", *keys, "b", dedupe.MAX_CANDIDATES]))
    assert "source<?" in plan and "source>?" in plan, plan
    marks = ",".join("?" * len(keys))
    reference = [row[0] for row in index.db.execute(
        "SELECT a.identity FROM (SELECT article, COUNT(*) AS shared FROM bands"
        f" WHERE key IN ({marks}) AND source != ? GROUP BY article ORDER BY shared DESC"
        " LIMIT ?) AS b JOIN articles AS a ON a.id = b.article",
        [*keys, "b", dedupe.MAX_CANDIDATES])]
    found = [identity for identity, _, _ in index.candidates(probe, source="b")]
    assert found == reference and len(found) == dedupe.MAX_CANDIDATES
    assert not [i for i in found if i.startswith("b ")]
