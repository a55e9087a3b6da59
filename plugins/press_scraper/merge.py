"""One article from several copies of a release: which text stays and who is credited.

Pure functions over header fields (`[(key, value), ...]`, as written by `markdown.article_fields`
or read back from a file) and bodies; the store does the I/O and protects editors' files.

The text rule (docs/scraper.md, "One release, many outlets"): the agency's own release beats a
newspaper's rewrite; between two of the same kind the fuller text wins (by more than
`FULLER` of the shorter's length, so two copies of equal length never flip back and forth);
between two equally full copies the earlier one stays. Whatever copy gives the text, the
article keeps the Slug, Identity, Date and Category of the copy that arrived first: one
stable URL, one place in the lists and feeds.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from newsroom.core.model import (
    OtherSource,
    format_other_sources,
    parse_date,
    parse_other_sources,
)

from .dedupe import normalise

FULLER = 0.1
# Kept from the first copy whatever copy gives the text.
STABLE_KEYS = ("Slug", "Identity", "Date", "Category")


def value(fields, key: str) -> str:
    key = key.lower()
    return next((v for k, v in fields if k.lower() == key), "")


def is_agency(fields) -> bool:
    """An agency's own release: under a 공공누리 licence, or published on a government host."""
    licence = value(fields, "License")
    host = (urlsplit(value(fields, "Source_URL")).hostname or "").lower()
    return "공공누리" in licence or "kogl" in licence.lower() or host.endswith(".go.kr")


def _when(fields):
    try:
        return parse_date(value(fields, "Date"))
    except ValueError:
        return None


def prefer_new(old_fields, old_body: str, new_fields, new_body: str) -> bool:
    """True when the new copy should give the article's text (the module's rule)."""
    old_agency, new_agency = is_agency(old_fields), is_agency(new_fields)
    if old_agency != new_agency:
        return new_agency
    old_len = len(normalise(old_body))
    new_len = len(normalise(new_body))
    if new_len > old_len * (1 + FULLER):
        return True
    if old_len > new_len * (1 + FULLER):
        return False
    old_date, new_date = _when(old_fields), _when(new_fields)
    return bool(old_date and new_date and new_date < old_date)


def primary(fields) -> OtherSource:
    """The outlet whose copy is the article's text now."""
    return OtherSource(value(fields, "Source_ID"), value(fields, "Source_URL"),
                       value(fields, "Source"))


def others(fields) -> list[OtherSource]:
    try:
        return parse_other_sources(value(fields, "Other_Sources"))
    except ValueError:  # hand-broken: `newsroom check` reports it; we keep what parses
        return [o for part in value(fields, "Other_Sources").split("|")
                for o in _lenient(part)]


def _lenient(part: str) -> list[OtherSource]:
    try:
        return parse_other_sources(part)
    except ValueError:
        return []


def _with(fields, changes: dict[str, str]):
    """`fields` with values replaced; Other_Sources placed after Source_URL when new."""
    out = [(k, changes.get(k, v)) for k, v in fields if k != "Content_Hash"]
    if "Other_Sources" in changes and not any(k == "Other_Sources" for k, _ in out):
        at = next((i + 1 for i, (k, _) in enumerate(out) if k == "Source_URL"), len(out))
        out.insert(at, ("Other_Sources", changes["Other_Sources"]))
    return out


def merge(host_fields, host_body: str, new_fields, new_body: str):
    """The article after the new copy joined it: (fields, body, action).

    action: "credited" (the new outlet added to Other_Sources, text kept), "switched" (the new
    copy gives the text, the former one is credited), "updated" (the new copy is the current
    text's own source, re-fetched), or "known" (nothing to change).
    """
    current, listed = primary(host_fields), others(host_fields)
    incoming = primary(new_fields)
    stable = {k: value(host_fields, k) for k in STABLE_KEYS if value(host_fields, k)}
    if incoming.url == current.url and incoming.source_id == current.source_id:
        fields = _with(new_fields, {**stable, "Other_Sources": format_other_sources(listed)})
        return fields, new_body, "updated"
    if prefer_new(host_fields, host_body, new_fields, new_body):
        rest = [o for o in listed if o.url != incoming.url] + [current]
        fields = _with(new_fields, {**stable, "Other_Sources": format_other_sources(rest)})
        return fields, new_body, "switched"
    if any(o.url == incoming.url for o in listed):
        return _with(host_fields, {}), host_body, "known"
    fields = _with(host_fields, {"Other_Sources": format_other_sources([*listed, incoming])})
    return fields, host_body, "credited"


def aliases(fields) -> list[str]:
    """Identities (`<source-id> <url>`) of every copy merged into this article but its own."""
    own = value(fields, "Identity")
    ids = [primary(fields).identity] + [o.identity for o in others(fields)]
    return [i for i in ids if i != own and " http" in i]
