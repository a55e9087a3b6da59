"""The related-articles memo of the update job (context.RelatedMemo): a kept list is used only
while everything it followed from is unchanged (the article's own tags and every earlier
article's file and tags, in order). Builds compare increments with clean builds elsewhere
(test_incremental_job.py, with NEWSROOM_RENDER_VERIFY recomputing every kept list)."""

from __future__ import annotations

from types import SimpleNamespace

from newsroom_site.context import RelatedMemo, _attach_related, _history_keys


def _article(path: str, *tags: str):
    return SimpleNamespace(source_path=path, tags=[SimpleNamespace(slug=t) for t in tags])


def _site():
    # newest first, as the build lists them
    return [_article(f"a{i}.md", "traffic" if i % 2 else "welfare", "budget") for i in range(8)]


def test_an_arrival_keeps_every_older_articles_key():
    old = _site()
    new = [_article("new.md", "traffic"), *old]
    assert _history_keys(new, 4)[1:] == _history_keys(old, 4)


def test_an_earlier_article_retagged_changes_the_keys_of_those_after_it_only():
    site = _site()
    before = _history_keys(site, 4)
    site[5].tags = [SimpleNamespace(slug="festival")]
    after = _history_keys(site, 4)
    assert after[6:] == before[6:]  # older than the retagged article
    assert all(a != b for a, b in zip(after[:6], before[:6], strict=True))


def test_the_count_is_part_of_the_key():
    assert _history_keys(_site(), 4)[0] != _history_keys(_site(), 3)[0]


def test_a_kept_list_is_used_and_a_stale_one_is_not(tmp_path):
    path = str(tmp_path / "related.pickle")
    site = _site()
    first = RelatedMemo(path)
    _attach_related(site, 2, first)
    first.save()
    want = {a.source_path: [r.source_path for r in a.related] for a in site}

    again = _site()  # the same files, read again
    memo = RelatedMemo(path)
    _attach_related(again, 2, memo)
    assert {a.source_path: [r.source_path for r in a.related] for a in again} == want
    assert set(memo.new) == set(want)

    retagged = _site()
    retagged[6].tags = [SimpleNamespace(slug="festival")]
    _attach_related(retagged, 2, RelatedMemo(path))
    clean = _site()
    clean[6].tags = [SimpleNamespace(slug="festival")]
    _attach_related(clean, 2)
    assert [[r.source_path for r in a.related] for a in retagged] == \
        [[r.source_path for r in a.related] for a in clean]
