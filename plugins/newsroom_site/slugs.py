"""URL slugs of tags, reporters and sources (기관별): the official Revised Romanization.

Pelican makes these slugs with unidecode, which spells Hangul letter by letter: 강릉 becomes
`gangreung` and 한빛시청 `hanbicsiceong`, which no Korean reader recognises. The Revised
Romanization of Korean (국어의 로마자 표기법, 2000) spells what is pronounced, with the sound
changes between syllables: `gangneung`, `hanbitsicheong`, `silla`, `jongno`. koroman applies
those rules (docs/dependencies.md says why it and not another library).

The slug is romanized text passed through Pelican's own slugify with the site's
substitutions, so everything else about a slug stays as before (lower case, hyphens, and
unidecode for what is not Hangul, such as hanja). `legacy_slug` is the slug Pelican made
before: the redirects from old URLs (redirects.py) are computed from it at every build.

Article slugs are not made here: they are ASCII already (newsroom.core.model.derive_slug)
and are live URLs.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import koroman
from pelican.utils import slugify

KINDS = ("tag", "author", "source")


@lru_cache(maxsize=8192)
def romanize(text: str) -> str:
    """Hangul in `text` in the Revised Romanization (lower case); everything else as is."""
    return koroman.romanize(unicodedata.normalize("NFKC", text), casing_option="lowercase",
                            use_custom_dictionary=False)


def _slugify(text: str, settings: dict, kind: str) -> str:
    subs = settings.get(f"{kind.upper()}_REGEX_SUBSTITUTIONS",
                        settings.get("SLUG_REGEX_SUBSTITUTIONS", []))
    # Memoised: the same few hundred names come with every one of 10,000 articles.
    return _slugify_cached(text, tuple(tuple(sub) for sub in subs),
                           bool(settings.get("SLUGIFY_PRESERVE_CASE", False)),
                           bool(settings.get("SLUGIFY_USE_UNICODE", False)))


@lru_cache(maxsize=16384)
def _slugify_cached(text: str, subs: tuple, preserve_case: bool, use_unicode: bool) -> str:
    return slugify(text, regex_subs=[list(sub) for sub in subs], preserve_case=preserve_case,
                   use_unicode=use_unicode)


def romanized_slug(name: str, settings: dict, kind: str) -> str:
    """The slug of a tag, reporter or source name: `강릉` -> `gangneung`."""
    return _slugify(romanize(name), settings, kind)


def legacy_slug(name: str, settings: dict, kind: str) -> str:
    """The slug Pelican's unidecode gave the same name (`강릉` -> `gangreung`)."""
    return _slugify(name, settings, kind)


def assign(wrapper, kind: str) -> None:
    """Give a Pelican Tag or Author (or our Source) its romanized slug, keeping the old one
    as `legacy_slug`. Must run before Pelican groups articles by tag and author: their
    equality and hash are the slug."""
    name = wrapper.name or ""
    wrapper.legacy_slug = legacy_slug(name, wrapper.settings, kind)
    slug = romanized_slug(name, wrapper.settings, kind)
    if slug:
        wrapper.slug = slug
    else:  # nothing to romanize (punctuation only): what Pelican would have done
        wrapper.slug = wrapper.legacy_slug
