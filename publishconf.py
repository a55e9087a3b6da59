"""Settings for the published build: strict validation, a clean output directory.

`SITEURL` (environment) sets the absolute origin used in feeds, canonical URLs and sitemaps
(see NEWSROOM_SITE_ORIGIN in pelicanconf.py); pages keep relative links so a release
directory can be served from anywhere.
"""

import os
import sys

# Pelican's documented pattern for a publish settings file that extends pelicanconf.py:
# Pelican runs this file by path, so its own folder must be importable.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402,F403

DELETE_OUTPUT_DIRECTORY = True
# A bad article stops the published build with `path:line: message` instead of being skipped.
NEWSROOM_STRICT = True

# No draft in the published site: robots.txt asks crawlers to stay out of drafts/, but anyone
# could still read a draft at its guessable URL. The preview (pelicanconf.py) keeps writing
# drafts to drafts/ for editors; `newsroom update` refuses a release that contains one.
DRAFT_SAVE_AS = ""
DRAFT_LANG_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
DRAFT_PAGE_LANG_SAVE_AS = ""
