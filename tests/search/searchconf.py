"""Test settings: the published build (publishconf.py) with the newsroom_search plugin on.

The lead adds "newsroom_search" to PLUGINS in pelicanconf.py; until then the search tests
build with this file. Paths are absolute because Pelican resolves relative THEME and
PLUGIN_PATHS against the folder of the settings file. NEWSROOM_SEARCH_TEST_KEEP_OUTPUT=1
keeps the output folder between builds (the incremental-index test compares two builds).
"""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from publishconf import *  # noqa: E402,F403
from publishconf import PLUGINS  # noqa: E402

THEME = os.path.join(ROOT, "theme")
PLUGIN_PATHS = [os.path.join(ROOT, "plugins")]
PLUGINS = [*PLUGINS, "newsroom_search"]
DELETE_OUTPUT_DIRECTORY = os.environ.get("NEWSROOM_SEARCH_TEST_KEEP_OUTPUT") != "1"
# Small index segments, so a test site of 30 articles has several (the real default: 4096).
if os.environ.get("NEWSROOM_SEARCH_TEST_SEGMENT"):
    NEWSROOM_SEARCH_SEGMENT = int(os.environ["NEWSROOM_SEARCH_TEST_SEGMENT"])
