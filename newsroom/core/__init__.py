"""The project's core: what every layer agrees on, with no Pelican and no scraping library.

- `model`: metadata keys, the header format (reader and the one writer), slugs, KST dates.
- `files`: the one content-file walker and the one atomic writer.
- `settings`: NEWSROOM_* defaults and validation, the project's settings file, sections,
  origin and "now", resolved once for every command and both Pelican plugins.
- `exits`: the one table of exit codes.

Import rule (docs/architecture.md, enforced by tests/test_layers.py): modules here import the
standard library and each other only.
"""
