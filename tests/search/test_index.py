"""The index files (plugins/newsroom_search/index.py) and the query rules (query.py)."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from newsroom.core.model import KST
from newsroom_search.index import (
    build_files,
    decode_numbers,
    decode_postings,
    encode_number,
    encode_postings,
    fnv1a,
    partition,
    segment_span,
    shard_count,
    shard_of,
)
from newsroom_search.query import LoadedIndex, search
from newsroom_search.records import SearchDoc, html_to_text, make_excerpt
from newsroom_search.tokenize import query_words, text_terms

SECTIONS = [("정치", "politics"), ("경제", "economy"), ("문화", "culture")]
T0 = datetime(2026, 11, 1, 9, 0, tzinfo=KST)


def doc(slug, title, body, days=0, section="economy", source="전주시"):
    return SearchDoc(
        url=f"news/{slug}.html", title=title, section=section, source=source,
        date=T0 + timedelta(days=days), body=body, excerpt=make_excerpt(body),
    )


DOCS = [
    doc("voucher", "전주시, 온누리상품권 환급", "장보기 금액을 온누리상품권을 돌려준다", 1),
    doc("seoul-a", "광장 스케이트장", "서울은 올겨울에도 스케이트장을 연다", 2, "culture", "서울특별시"),
    doc("seoul-b", "심야 지하철", "서울시는 막차를 늦춘다", 3, "politics", "서울특별시"),
    doc("bus", "버스 노선 개편", "대중교통 불편을 줄이려고 시민단체와 협의체를 꾸렸다", 4, "politics", "부산광역시"),
    doc("safety", "교통안전 캠페인", "어린이 보호구역 교통안전", 5, "politics", "부산광역시"),
    doc("care", "돌봄 협의체", "동네 돌봄 협의체 구성", 6, "politics", "인천광역시"),
    doc("title-late", "상품권 할인 판매", "지역사랑상품권 할인", 0, "economy", "인천광역시"),
]


def segments(files) -> list[tuple[str, int]]:
    """[(name, doc count)] of the manifest's segments, oldest first."""
    return [(s["name"], s["count"]) for s in json.loads(files["manifest.json"])["segments"]]


def files_of(files, name) -> dict[str, bytes]:
    """The files of segment `name`."""
    return {p: b for p, b in files.items()
            if p.startswith((f"s/{name}/", f"d/{name}/", f"f/{name}."))}


def changed_files(before, after) -> set[str]:
    return {p for p in set(before) | set(after) if before.get(p) != after.get(p)}


def counts(grow) -> dict[str, int]:
    """{segment name: doc count} of the states a build keeps for growing."""
    return {name: state["count"] for name, state in grow.items()}


def ix(docs=DOCS):
    return LoadedIndex(build_files(docs, SECTIONS))


def slugs(index, q):
    return [index.doc(i)[0].split("/")[-1][:-5] for i in search(index, q).ids]


def test_numbers_and_postings_round_trip():
    for n in (0, 1, 31, 32, 1023, 1024, 10**6):
        assert decode_numbers(encode_number(n)) == [n]
    pairs = [(0, True), (1, False), (40, True), (41, True), (5000, False)]
    assert decode_postings(encode_postings(pairs)) == pairs
    # Dense lists take one character a posting.
    assert len(encode_postings([(i, False) for i in range(100)])) == 100


def test_fnv1a_matches_the_reference_values():
    # FNV-1a 32-bit reference values (the script computes the same over UTF-16 units).
    assert fnv1a("") == 0x811C9DC5
    assert fnv1a("a") == 0xE40C292C
    assert fnv1a("foobar") == 0xBF9CF968


def test_shard_count_grows_by_powers_of_two_up_to_a_full_segment():
    assert shard_count(0) == 8
    assert shard_count(64) == 8
    assert shard_count(65) == 16
    assert shard_count(2048) == 256
    assert shard_count(4096) == 512
    assert shard_count(10**7) == 512


def test_files_layout_and_manifest():
    files = build_files(DOCS, SECTIONS)
    manifest = json.loads(files["manifest.json"])
    assert manifest["count"] == len(DOCS)
    # Seven articles: one segment, the whole span of time (depth 0).
    assert [(s["name"], s["count"], s["shards"]) for s in manifest["segments"]] == [("0-0", 7, 8)]
    assert sorted(files) == sorted(
        ["manifest.json", "f/0-0.json"] + [f"d/0-0/{k}.json" for k in range(-(-len(DOCS) // 8))]
        + [f"s/0-0/{k}.txt" for k in range(8)]
    )
    # One hash for all of a segment's files: the script puts it in their URLs.
    assert re.fullmatch(r"[0-9a-f]{8}", manifest["segments"][0]["hash"])
    assert manifest["sections"] == [["politics", "정치"], ["economy", "경제"], ["culture", "문화"]]
    # Ids are publication order: the oldest article is 0. A row names its section and source.
    rows = json.loads(files["d/0-0/0.json"])
    assert rows[0] == ["news/title-late.html", "상품권 할인 판매", "economy", "인천광역시",
                       "2026.11.01", "지역사랑상품권 할인"]
    facets = json.loads(files["f/0-0.json"])
    assert facets["sections"][facets["rows"][0][0]] == "economy"
    assert facets["sources"][facets["rows"][0][1]] == "인천광역시"
    assert facets["rows"][0][2] == (T0.date() - datetime(1970, 1, 1).date()).days


def test_every_term_is_in_the_shard_its_hash_names():
    files = build_files(DOCS, SECTIONS)
    for k in range(8):
        for line in files[f"s/0-0/{k}.txt"].decode().splitlines():
            term = line.split("\t")[0]
            assert shard_of(term, 8) == k


def test_compound_particle_and_two_word_matching():
    index = ix()
    assert set(slugs(index, "상품권")) == {"voucher", "title-late"}
    assert set(slugs(index, "서울")) == {"seoul-a", "seoul-b"}
    assert slugs(index, "서울시는") == ["seoul-b"]
    assert slugs(index, "교통 협의체") == ["bus"]
    assert slugs(index, "없는단어") == []


def test_title_matches_rank_first_then_newer():
    # Both have 상품권 in the title: the newer first.
    assert slugs(ix(), "상품권") == ["voucher", "title-late"]
    # 협의체: "care" has it in the title, "bus" only in the body (and is older).
    assert slugs(ix(), "협의체") == ["care", "bus"]
    newer_body_only = DOCS + [doc("new", "새 소식", "협의체 회의", 30)]
    assert slugs(ix(newer_body_only), "협의체") == ["care", "new", "bus"]


def test_a_misspelling_finds_the_word_only_when_nothing_matches_exactly():
    index = ix()
    res = search(index, "오누리상품권")
    assert res.relaxed
    assert slugs(index, "오누리상품권") == ["voucher"]
    assert not search(index, "온누리상품권").relaxed


def test_no_result_lacks_every_query_term():
    """Whatever the pass, an article returned contains at least one bigram of every word."""
    index = ix()
    by_slug = {d.url.split("/")[-1][:-5]: text_terms(d.title + " " + d.body) for d in DOCS}
    for q in ["상품권", "교통 협의체", "오누리상품권", "서울시는 막차", "돌봄", "스케이트쟝"]:
        for slug in slugs(index, q):
            for _word, terms in query_words(q):
                assert set(terms) & by_slug[slug], (q, slug)


def test_adding_the_newest_article_rewrites_only_its_shards_and_the_last_files():
    before = build_files(DOCS, SECTIONS)
    new = doc("new", "한지 공예", "한지 공예 교실", 40, "culture", "전주시")
    after = build_files(DOCS + [new], SECTIONS)
    changed = {p for p in after if before.get(p) != after[p]}
    touched = {f"s/0-0/{shard_of(t, 8)}.txt" for t in text_terms(new.title + " " + new.body)}
    last_doc_file = f"d/0-0/{len(DOCS) // 8}.json"
    assert changed == touched | {"manifest.json", last_doc_file, "f/0-0.json"}
    assert len(touched) < 8


def test_segments_older_than_the_new_article_keep_their_bytes():
    many = [doc(f"a{i}", f"기사 {i}", f"교통 협의체 회의 {i}번째 안건", i) for i in range(10)]
    before = build_files(many, SECTIONS, segment=4)
    assert len(segments(before)) >= 3 and all(n <= 4 for _name, n in segments(before))
    new = doc("new", "상품권 할인", "지역사랑상품권을 판다", 50)
    after = build_files([*many, new], SECTIONS, segment=4)
    changed = changed_files(before, after)
    # The new article's span is the newest segment; no other segment's file changed.
    newest = segments(after)[-1][0]
    assert changed - set(files_of(after, newest)) - set(files_of(before, newest)) == {"manifest.json"}
    # Queries merge the segments: ids from every segment, newest first.
    index = LoadedIndex(after)
    assert slugs(index, "협의체") == [f"a{i}" for i in range(9, -1, -1)]
    assert slugs(index, "상품권") == ["new"]


def test_segments_are_spans_of_time_split_in_halves_until_each_holds_few_enough():
    """partition(): each segment a leaf of the binary split of time, at most `most` docs
    (except docs of one second), in date order, named by depth and position."""
    import random

    rng = random.Random(3)
    docs = [replace(doc(f"r{i}", "제목", "본문"),
                    date=T0 + timedelta(minutes=rng.randrange(0, 60 * 24 * 400)) if i % 50 else T0)
            for i in range(300)]
    docs.sort(key=lambda d: (d.date.timestamp(), d.url))
    parts = partition(docs, 16)
    assert parts[0][1] == 0 and parts[-1][2] == len(docs)
    assert all(a[2] == b[1] for a, b in zip(parts, parts[1:], strict=False))  # contiguous, in order
    for name, lo, hi in parts:
        start, end = segment_span(name)
        assert all(start <= d.date < end for d in docs[lo:hi]), name
        one_second = docs[lo].date == docs[hi - 1].date
        assert hi - lo <= 16 or one_second, name
        # A segment is split only when it must be: its parent span holds more than 16.
        depth = int(name.split("-")[0])
        if depth:
            parent = f"{depth - 1}-{int(name.split('-')[1], 16) >> 1:x}"
            p_start, p_end = segment_span(parent)
            assert sum(p_start <= d.date < p_end for d in docs) > 16, name
    # The six articles dated T0 to the second stay in one segment, whatever the limit.
    tied = [n for n, lo, hi in partition(docs, 2) if docs[lo].date == T0]
    assert len(tied) == 1
    assert partition([], 16) == []


def test_an_article_dated_in_an_older_segment_changes_only_that_segment():
    """An editor's story dated months back, from a source and a section no article had
    before: only the files of its own segment (or of the two it splits into, when it makes
    one too full) and the manifest change; every other segment keeps its bytes (ids after
    it move, but each segment counts its own ids from 0)."""
    many = [doc(f"a{i}", f"기사 {i} {'교통' if i % 2 else '복지'}", f"안건 {i}, 예산 {i * 3}억 원",
                i * 3, ("politics", "economy")[i % 2], ("전주시", "익산시")[i % 3 == 0])
            for i in range(60)]
    before = build_files(many, SECTIONS, segment=8)
    assert len(segments(before)) >= 8
    splits = 0
    for k, day in enumerate((40, 41, 42, 43, 44, 45, 100, 4, 150, 151)):
        late = replace(doc(f"late{k}", "늦게 쓴 기사", f"한지 공예 교실 {k}회", 0, "local-news", "새 기관"),
                       date=T0 + timedelta(days=day, hours=5))
        many.append(late)
        after = build_files(many, SECTIONS, segment=8)
        [(home, start, end)] = [(n, *segment_span(n)) for n, _c in segments(before)
                                if segment_span(n)[0] <= late.date < segment_span(n)[1]]
        assert home != segments(after)[-1][0]  # not the newest segment
        # Every other segment is there with the same files; new ones lie in the home span.
        for name, _count in segments(before):
            if name != home:
                assert files_of(after, name) == files_of(before, name), (late.date, name)
        born = {n for n, _c in segments(after)} - {n for n, _c in segments(before)}
        assert all(start <= segment_span(n)[0] and segment_span(n)[1] <= end for n in born)
        splits += bool(born)
        changed = changed_files(before, after)
        assert {p.split("/")[1].split(".")[0] for p in changed - {"manifest.json"}} <= born | {home}
        before = after
    assert splits >= 1  # the case of a segment made too full is covered
    # The new section is named in the manifest; the new source in its segment's facets.
    manifest = json.loads(after["manifest.json"])
    assert manifest["sections"][-1] == ["local-news", "local-news"]
    index = LoadedIndex(after)
    found = {index.doc(i)[0]: i for i in search(index, "공예 교실").ids}
    assert sorted(found) == sorted(f"news/late{k}.html" for k in range(10))
    found = found["news/late9.html"]
    assert index.facets(found) == ("local-news", "새 기관", (late.date.date() - datetime(1970, 1, 1).date()).days)
    assert slugs(index, "예산") == [f"a{i}" for i in range(59, -1, -1)]


def test_html_to_text_and_excerpt():
    assert html_to_text("<p>가&amp;나 <b>다</b></p>") == "가&나 다"
    assert make_excerpt("□ 전주시는 행사를 연다.", "ㅇ 기간은") == "전주시는 행사를 연다. 기간은"
    assert len(make_excerpt("가" * 1000)) == 240


def test_a_segment_cache_gives_the_same_files_and_tokenizes_only_changed_segments(monkeypatch):
    from newsroom_search import index as index_module

    many = [doc(f"a{i}", f"기사 {i}", f"교통 협의체 회의 {i}번째 안건", i) for i in range(10)]
    cache: dict = {}
    first = build_files(many, SECTIONS, segment=4, cache=cache)
    assert first == build_files(many, SECTIONS, segment=4)
    # Each segment's shards (by its texts) and its d/ files (by its result rows).
    assert len(cache) == 2 * len(segments(first)) and len(segments(first)) >= 3

    built = []  # the first article of each segment tokenized
    real = index_module.postings_range
    monkeypatch.setattr(index_module, "postings_range",
                        lambda docs, start, stop, *a: built.append(docs[start].url)
                        or real(docs, start, stop, *a))
    new = doc("new", "상품권 할인", "지역사랑상품권을 판다", 50)
    after = build_files([*many, new], SECTIONS, segment=4, cache=cache)
    assert built == ["news/new.html"]  # only the segment the new article made
    assert after == build_files([*many, new], SECTIONS, segment=4)

    # An edited older article changes its segment's key: never a stale shard.
    built.clear()
    edited = [*many]
    edited[1] = doc("a1", "기사 1", "고친 본문: 상품권", 1)
    fresh = build_files([*edited, new], SECTIONS, segment=4, cache=cache)
    assert built == ["news/a0.html"]  # the oldest segment, which holds a0 and a1
    assert fresh == build_files([*edited, new], SECTIONS, segment=4)


def test_the_segment_cache_folder_keeps_only_what_the_last_build_used(tmp_path):
    from newsroom_search.write import SegmentCache

    many = [doc(f"a{i}", f"기사 {i}", f"교통 {i}", i) for i in range(6)]
    cache = SegmentCache(tmp_path)
    files = build_files(many, SECTIONS, segment=4, cache=cache)
    assert len(segments(files)) == 2
    assert cache.save() == (4, 0)  # each segment's shards and result rows
    again = SegmentCache(tmp_path)
    assert build_files(many, SECTIONS, segment=4, cache=again) == files
    assert again.used == again.loaded and again.save() == (0, 0)
    third = SegmentCache(tmp_path)
    build_files(many[:3], SECTIONS, segment=4, cache=third)  # one segment, other articles
    assert third.save() == (2, 4)
    assert len(list(tmp_path.glob("*.json"))) == 2
    for path in tmp_path.glob("*.json"):
        path.write_text("not json", encoding="utf-8")
    assert len(SegmentCache(tmp_path)) == 0  # unreadable: a miss, not an error


def test_the_open_segment_grows_by_the_new_articles_only_with_the_same_bytes(monkeypatch):
    """The last segment, not yet full, keeps its postings between builds: articles that join
    it are tokenized alone and appended. Every build must equal one from scratch, also when
    the shard count doubles, when several articles arrive at once, and when an older article
    of the segment changes (then the state does not fit and the segment is built anew)."""
    from newsroom_search import index as index_module

    def corpus(n):
        return [doc(f"a{i}", f"기사 {i} {'교통' if i % 2 else '복지'}",
                    f"협의체 회의 {i}번째 안건, 예산 {i * 7}억 원. 지역사랑상품권 {i % 5}", i)
                for i in range(n)]

    built = []
    real = index_module.postings_range
    monkeypatch.setattr(index_module, "postings_range",
                        lambda docs, start, stop, *a: built.append(start) or real(docs, start, stop, *a))
    cache: dict = {}
    grow: dict = {}
    docs = corpus(60)
    assert build_files(docs, SECTIONS, segment=128, cache=cache, grow=grow) == \
        build_files(docs, SECTIONS, segment=128)
    assert counts(grow) == {"0-0": 60} and built == [0, 0]
    # 60 -> 61 (one new), 61 -> 70 (nine at once, and the shard count doubles past 64).
    for n in (61, 70):
        built.clear()
        docs = corpus(n)
        grown = build_files(docs, SECTIONS, segment=128, cache=cache, grow=grow)
        assert built == [], "the open segment was tokenized again"
        assert grown == build_files(docs, SECTIONS, segment=128)
        assert counts(grow) == {"0-0": n}
    # An edit inside the segment: the state does not fit; built anew, same bytes.
    built.clear()
    edited = corpus(71)
    edited[3] = doc("a3", "기사 3 고침", "완전히 다른 본문", 3)
    assert build_files(edited, SECTIONS, segment=128, cache=cache, grow=grow) == \
        build_files(edited, SECTIONS, segment=128)
    assert built[0] == 0
    # A state from other rules never fits.
    grow["0-0"]["version"] = "other"
    built.clear()
    docs = corpus(72)
    assert build_files(docs, SECTIONS, segment=128, cache=cache, grow=grow) == \
        build_files(docs, SECTIONS, segment=128)
    assert built[0] == 0


def test_articles_dated_inside_the_open_segment_join_it_without_tokenizing_it_again(monkeypatch):
    """An arrival dated before the newest articles (a paper's morning story scraped after an
    afternoon release) takes an id inside the newest segment and moves the later ones: the
    segment still grows from its state, tokenizing only the articles that joined, and every
    build equals one from scratch: one article in the middle, several at once, one before
    the segment's first article, one at the very end, ties on the date."""
    import random

    from newsroom_search import index as index_module

    tokenized = []
    real_terms = index_module.text_terms
    monkeypatch.setattr(index_module, "text_terms",
                        lambda text: tokenized.append(text) or real_terms(text))
    real_range = index_module.postings_range
    ranges = []
    monkeypatch.setattr(index_module, "postings_range",
                        lambda docs, start, stop, *a: ranges.append(docs[start].url)
                        or real_range(docs, start, stop, *a))

    def art(i, hours):
        return SearchDoc(
            url=f"news/n{i}.html", title=f"기사 {i} {'교통' if i % 2 else '복지'}",
            section="economy", source="전주시", date=T0 + timedelta(hours=hours),
            body=f"협의체 회의 {i}번째 안건 {'예산' * (i % 3)} 지역사랑상품권 {i % 7}",
            excerpt="")

    docs = [art(i, 10 * i) for i in range(40)]  # at most 32 a segment
    cache: dict = {}
    grow: dict = {}
    build_files(docs, SECTIONS, segment=32, cache=cache, grow=grow)
    rng = random.Random(7)
    arrivals = [[art(100, 395)],                        # inside the open segment
                [art(101, 321), art(102, 377), art(103, 500)],  # several at once
                [art(104, 380)],                        # the same date as one already there
                [art(105, 999)]]                        # the newest: appended
    arrivals += [[art(200 + k, rng.randrange(330, 700))] for k in range(6)]
    for new in arrivals:
        tokenized.clear()
        ranges.clear()
        docs = docs + new
        grown = build_files(docs, SECTIONS, segment=32, cache=cache, grow=grow)
        # Built from the state: only the joining articles' titles and bodies were read.
        # (A segment made only of arrivals, past the newest span, is tokenized: only them.)
        assert set(ranges) <= {d.url for d in new}, f"a segment was tokenized again for {new[0].url}"
        assert sorted(tokenized) == sorted([d.title for d in new] + [d.body for d in new])
        assert grown == build_files(docs, SECTIONS, segment=32), [d.url for d in new]
        assert counts(grow) == dict(segments(grown))
    # An arrival dated before the newest segment's span joins the older segment of its span,
    # which grows from its own state; the others come from the cache: still the same bytes.
    ranges.clear()
    tokenized.clear()
    docs = docs + [art(300, 5)]
    grown = build_files(docs, SECTIONS, segment=32, cache=cache, grow=grow)
    assert ranges == [] and len(segments(grown)) >= 2
    assert sorted(tokenized) == sorted([docs[-1].title, docs[-1].body])
    assert grown == build_files(docs, SECTIONS, segment=32)
    # A segment with no state (a lost file, say) is tokenized anew, same bytes.
    home = segments(grown)[0][0]
    del grow[home]
    ranges.clear()
    docs = docs + [art(301, 6)]
    grown = build_files(docs, SECTIONS, segment=32, cache=cache, grow=grow)
    assert ranges == ["news/n0.html"] and home in grow
    assert grown == build_files(docs, SECTIONS, segment=32)


def test_a_term_s_postings_split_from_the_end_match_a_full_decode():
    from newsroom_search.index import _split_tail

    pairs = [(100, True), (101, False), (140, True), (1200, False), (1201, True), (40000, False)]
    code = encode_postings(pairs, base=100)
    for first in (0, 100, 101, 102, 141, 1200, 1202, 40000, 40001):
        head, last, tail = _split_tail(code, pairs[-1][0], first)
        want_head = [p for p in pairs if p[0] < first]
        assert [(i, bool(t)) for i, t in tail] == [p for p in pairs if p[0] >= first]
        assert head == encode_postings(want_head, base=100)
        assert last == (want_head[-1][0] if want_head else 99)


def test_segment_states_survive_the_cache_folder_one_file_each(tmp_path):
    from newsroom_search.write import SegmentCache

    docs = [doc(f"a{i}", f"기사 {i}", f"교통 {i}", i * 20) for i in range(6)]
    cache = SegmentCache(tmp_path)
    files = build_files(docs, SECTIONS, segment=4, cache=cache, grow=cache.grow)
    cache.save()
    names = dict(segments(files))
    assert len(names) >= 2
    assert sorted(p.name for p in tmp_path.glob("*.state")) == sorted(f"{n}.state" for n in names)
    again = SegmentCache(tmp_path)
    # The states are not read as segments, and not read at all until asked for.
    assert len(again) == 2 * len(names) and sorted(again.grow) == sorted(names)
    assert again.grow._set == {}
    assert counts(again.grow) == names
    # One more article in the oldest span: that segment grows from its state file.
    oldest = segments(files)[0][0]
    more = [*docs, replace(doc("a6", "기사 6", "교통 6"), date=docs[0].date + timedelta(hours=1))]
    files = build_files(more, SECTIONS, segment=4, cache=again, grow=again.grow)
    assert files == build_files(more, SECTIONS, segment=4)
    assert sorted(again.grow._set) == sorted(set(dict(segments(files))) - set(names) | {oldest}) \
        or oldest not in dict(segments(files))  # (or its span was split in two)
    again.save()
    assert counts(SegmentCache(tmp_path).grow) == dict(segments(files))
    (tmp_path / f"{oldest}.state").write_text("[1, 2]", encoding="utf-8")
    assert SegmentCache(tmp_path).grow.get(oldest) is None  # not a state: a miss


def test_a_damaged_segment_state_is_a_miss_not_a_failed_build():
    """A state that reads as JSON but is not what the build wrote (an edited or damaged
    cache file) makes the segment tokenized anew: the same bytes as a clean build."""
    docs = [doc(f"a{i}", f"기사 {i}", f"교통 협의체 {i}번째 안건", i) for i in range(12)]
    more = [*docs, doc("new", "새 기사", "한지 공예 교실", 12)]
    want = build_files(more, SECTIONS, segment=32)
    for damage in ({"encoded": [1, 2]}, {"encoded": {"교통": "x"}}, {"docs": None},
                   {"encoded": {"교통": [5, "x"]}}, {"count": "many"}):
        grow: dict = {}
        build_files(docs, SECTIONS, segment=32, grow=grow)
        [name] = grow
        grow[name] = {**grow[name], **damage}
        assert build_files(more, SECTIONS, segment=32, grow=grow) == want, damage
        assert grow[name]["count"] == 13  # replaced by a good state


def test_a_record_kept_without_its_body_is_never_indexed_as_empty():
    docs = [doc(f"a{i}", f"기사 {i}", f"교통 협의체 {i}번째 안건", i) for i in range(5)]
    slim = [d.slim() for d in docs]
    assert all(s.body == "" and s.body_key == d.body_key for s, d in zip(slim, docs, strict=True))
    assert all(s.excerpt == "" and s.excerpt_key == d.excerpt_key
               for s, d in zip(slim, docs, strict=True))
    assert not slim[0].has_body and doc("e", "빈 본문", "", 0).slim().has_body
    assert not slim[0].has_excerpt and doc("e", "빈 본문", "", 0).slim().has_excerpt
    with pytest.raises(ValueError, match="news/a0.html: the record has no body text"):
        build_files(slim, SECTIONS)
    full = {d.url: d for d in docs}
    with pytest.raises(ValueError, match="news/a0.html: the record has no excerpt"):
        build_files(slim, SECTIONS, body=lambda d: full[d.url].body)
    assert build_files(slim, SECTIONS, body=lambda d: full[d.url].body,
                       excerpt=lambda d: full[d.url].excerpt) == build_files(docs, SECTIONS)


def test_result_rows_of_records_kept_without_excerpts_come_from_the_cache_and_states():
    """Records kept in Pelican's content cache have no excerpt (500 bytes an article held
    by the build): a segment's d/ files come from the cache while its rows are unchanged,
    else row by row from the states kept for its span (also across a split), and only a
    row in neither is made from the article's excerpt. Every build equals a clean one made
    from whole records."""
    def art(i, hours, title=None):
        return SearchDoc(
            url=f"news/n{i}.html", title=title or f"기사 {i}", section="economy",
            source=("전주시", "익산시")[i % 2], date=T0 + timedelta(hours=hours),
            body=f"협의체 회의 {i}번째 안건", excerpt=f"요약 {i}: 협의체 회의 {i}번째 안건")

    full = [art(i, 10 * i) for i in range(30)]
    by_url = {d.url: d for d in full}
    asked = []

    def excerpt(d):
        asked.append(d.url)
        return by_url[d.url].excerpt

    def build(docs, cache, grow):
        return build_files([d.slim() for d in docs], SECTIONS, segment=16, cache=cache,
                           grow=grow, body=lambda d: by_url[d.url].body, excerpt=excerpt)

    cache: dict = {}
    grow: dict = {}
    assert build(full, cache, grow) == build_files(full, SECTIONS, segment=16)
    assert sorted(asked) == sorted(by_url)  # a first build makes every row
    steps = [
        [art(100, 295)],                    # the newest span
        [art(101, 15)],                     # an older span
        [art(102, 100 + k) for k in range(9)],  # enough to split a span in two
    ]
    names = set(grow)
    for new in steps:
        asked.clear()
        full += new
        by_url.update((d.url, d) for d in new)
        assert build(full, cache, grow) == build_files(full, SECTIONS, segment=16), new[0].url
        assert sorted(asked) == sorted(d.url for d in new)  # only the arrivals' rows
    assert len(set(grow) - names) >= 2  # a span was split (its halves are new segments)
    # An edited title changes the row (and its key): made from the article again.
    asked.clear()
    full[3] = by_url["news/n3.html"] = art(3, 30, title="고친 제목")
    assert build(full, cache, grow) == build_files(full, SECTIONS, segment=16)
    assert asked == ["news/n3.html"]


def test_segments_tokenized_in_forked_processes_give_the_same_files():
    """The plugin shares the segments to tokenize between processes (newsroom.core.forked):
    the files are those of one process, whichever process tokenized which segment."""
    import os

    from newsroom.core import forked

    docs = [doc(f"a{i}", f"기사 {i} {'교통' if i % 3 else '복지'}", f"안건 {i}, 예산 {i * 3}억 원", i)
            for i in range(40)]
    pids = set()

    def run(segments, tokenize):
        done: dict = {}

        def one(seg):
            done[seg] = (os.getpid(), tokenize(seg))

        forked.run_shares(segments, 2, one, lambda jobs: {s: done[s] for s in jobs if s in done},
                          done.update)
        pids.update(pid for pid, _ in done.values())
        return {seg: encoded for seg, (_pid, encoded) in done.items()}

    assert build_files(docs, SECTIONS, segment=8, run=run) == build_files(docs, SECTIONS, segment=8)
    assert len(pids) == 2  # both processes tokenized segments


def test_records_made_in_shares_equal_those_made_in_one_process():
    """A first publish makes its search records on the build's processes
    (records.make_docs over newsroom.core.forked.map_shares): the records come back in the
    articles' order, equal to one process's, and an article that cannot be made into a
    record fails the build with its own error."""
    from types import SimpleNamespace

    from newsroom.core import forked
    from newsroom_search.records import make_docs

    def article(i):
        meta = {"summary": f"<p>요약 {i}</p>", "source": "대구광역시" if i % 3 else ""}
        return SimpleNamespace(
            metadata=meta, _content=f"<p>□ 본문 {i}: 대구시는 &amp; 예산을 편성했다.</p>" * (i % 5 + 1),
            tags=[f"태그{i % 4}"], category=SimpleNamespace(slug=("politics", "economy")[i % 2]),
            url=f"news/a-{i}.html", title=f"기사 {i} <b>제목</b>", date=T0 + timedelta(hours=i))

    articles = [article(i) for i in range(23)]

    def run(jobs, fn):
        return forked.map_shares(jobs, 2, fn)

    alone = make_docs(articles)
    shared = make_docs(articles, run)
    assert shared == alone
    assert [d.url for d in shared] == [f"news/a-{i}.html" for i in range(23)]
    assert all(d.body for d in shared)  # whole records, with the body the index needs

    # Share k takes articles k, k + 2, …: the broken one is the child's.
    broken = [article(0), article(1), article(2), SimpleNamespace(metadata=None)]
    with pytest.raises(AttributeError, match="metadata|get"):
        make_docs(broken, run)


def test_a_record_made_in_another_process_holds_the_articles_own_values():
    """A record made in a share (a first publish) comes back with copies of the article's
    title, URL, source, date and tag names; the record kept on the article (and pickled
    with it in Pelican's content cache) must hold the article's own objects, so that the
    cache does not load every value twice (about 600 bytes an article)."""
    import pickle
    import sys
    from types import SimpleNamespace

    from newsroom_search.records import _sharing, from_article

    class Tag:  # as Pelican's: its text is its name
        def __init__(self, name):
            self.name = name

        def __str__(self):
            return self.name

    tags = [Tag("대구"), Tag("예산")]
    article = SimpleNamespace(
        metadata={"summary": "<p>요약</p>", "source": "대구광역시"}, _content="<p>본문</p>",
        tags=tags, category=SimpleNamespace(slug="economy"), url="news/a.html",
        title="대구시 예산 편성", date=T0)
    copy = pickle.loads(pickle.dumps(from_article(article)))  # as from another process
    assert copy.date is not article.date and copy.source is not article.metadata["source"]
    kept = _sharing(copy.slim(), article)
    assert kept == copy.slim()  # equal values: only their sharing changes
    assert kept.title is article.title and kept.url is article.url
    assert kept.date is article.date
    # The source is one object per agency, the one the content cache pickles for the
    # article's metadata (newsroom_site/speedups.py interns it).
    assert kept.source is sys.intern("대구" + "광역시")
    assert [id(t) for t in kept.tags] == [id(t.name) for t in tags]
    # A value that differs from the article's stays the record's own.
    other = SimpleNamespace(**{**vars(article), "date": T0 + timedelta(hours=1),
                               "metadata": {"source": "경북도"}})
    assert _sharing(copy.slim(), other).date == T0
    assert _sharing(copy.slim(), other).source == "대구광역시"
