"""Exit codes of every `newsroom` command, in one table (documented in docs/operations.md).

The numbers follow sysexits.h where one fits (75 EX_TEMPFAIL: try again later; 70
EX_SOFTWARE: a bug), so cron wrappers and systemd units can tell them apart.
"""

from __future__ import annotations

OK = 0
FAILED = 1  # the command could not do its job (build failed, nothing written, …)
USAGE = 2  # bad arguments, settings or sources.toml: fix the input and run again
SOURCES_FAILED = 3  # done, but at least one source could not be read
INVALID = 4  # the new release failed validation; the live site is unchanged
HELD_BACK = 5  # published, but some content files were held back until they are fixed
INTERNAL = 70  # a bug: a traceback was logged
LOCKED = 75  # another job holds the lock; the next scheduled run will do the work

