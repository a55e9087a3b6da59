# The Makefile is a thin layer over the `newsroom` command and Pelican.
# Targets Pelican users know from pelican-quickstart: html clean serve devserver publish.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PELICAN := $(BIN)/pelican
NEWSROOM := $(BIN)/newsroom
INPUTDIR := $(CURDIR)/content
# The preview is built into preview/; output/ is the live link (output -> releases/<id>) that
# `newsroom update` switches atomically, so nothing ever writes into a live release in place.
OUTPUTDIR := $(CURDIR)/preview
LIVEDIR := $(CURDIR)/output
CONFFILE := $(CURDIR)/pelicanconf.py
PUBLISHCONF := $(CURDIR)/publishconf.py
PORT ?= 8000
HOST ?= 127.0.0.1
PYTEST_ARGS ?=

.PHONY: help install html clean regenerate serve devserver publish demo check test lint \
        bench bench-scrape bench-build bench-update bench-search bench-serve bench-extract audit \
        update rollback deploy serve-nginx demo-update

help:
	@echo "make demo        set up, scrape the built-in sample sources, build and serve on http://$(HOST):$(PORT)"
	@echo "make test        run the whole test suite (build, scraper, update job, browser, quality gates)"
	@echo "make install     create $(VENV) and install the project with its test tools"
	@echo "make html        build the preview site into preview/"
	@echo "make devserver   preview with rebuild on change at http://$(HOST):$(PORT)"
	@echo "make check       validate every file under content/"
	@echo "make publish     strict build into a new release, switch output/ to it (and deploy to DEPLOY_TARGET if set)"
	@echo "make update      run the scheduled job once: scrape, rebuild if changed, go live"
	@echo "make demo-update the job once against the running demo source site (after make demo)"
	@echo "make rollback    switch the live site back to the previous release"
	@echo "make deploy      copy the live release to DEPLOY_TARGET (a folder, host:/path over rsync, or an rclone remote:bucket/path)"
	@echo "make serve       serve the preview/ folder; make regenerate: rebuild preview on change"
	@echo "make serve-nginx serve the live site (output/) with nginx and the shipped config on http://$(HOST):$(PORT)"
	@echo "make clean       remove preview/ and caches"
	@echo "make lint        ruff over the project"
	@echo "make bench       all benchmarks: bench-scrape, bench-build, bench-update (docs/benchmarks.md)"
	@echo "make audit       Lighthouse scores of home, a section and an article"
	@echo "make bench-serve nginx under wrk across release switches and rollbacks: requests/s, p99"
	@echo "make bench-extract generic extraction vs trafilatura/htmldate on ../shared/benchmarks (docs/benchmarks.md)"
	@echo "make bench-search  search: query-set recall, index size, build time and first result at 10,000 articles"

$(BIN)/newsroom: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(BIN)/newsroom

html: install
	$(PELICAN) $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE)

clean:
	rm -rf $(OUTPUTDIR) __pycache__ .pytest_cache

regenerate: install
	$(PELICAN) -r $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE)

serve: install
	$(PELICAN) -l $(OUTPUTDIR) -b $(HOST) -p $(PORT)

devserver: install
	$(PELICAN) -lr $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) -b $(HOST) -p $(PORT)

# The live site as production serves it: Debian's nginx, unprivileged, in the foreground, with
# deploy/nginx/ rendered into a temporary folder (headers, caching, gzip_static, 404).
serve-nginx: install
	$(NEWSROOM) nginx --root $(LIVEDIR) --host $(HOST) --port $(PORT)

# A strict build (publishconf.py) into a fresh release, validated, then switched live; no scrape.
publish: install
	$(NEWSROOM) update --no-scrape --force
	@if [ -n "$(DEPLOY_TARGET)" ]; then $(NEWSROOM) publish --target $(DEPLOY_TARGET); fi

# The built-in sample source site (demo/server.py) on 127.0.0.1:$(DEMO_SOURCE_PORT), the update
# job against it (sources.toml), then the live release served on http://$(HOST):$(PORT).
# The source site keeps running while the site is served, so in another terminal
#   .venv/bin/python demo/server.py --add-item "새 보도자료 제목" && make demo-update
# publishes a new item (give demo-update the same DEMO_SOURCE_PORT, HOST and PORT as demo).
# The job reads a copy of sources.toml with those ports (demo/sources_for.py) and builds with
# SITEURL=http://$(HOST):$(PORT), so feeds and canonical links name the address it serves.
# Everything stays on 127.0.0.1: it works offline.
DEMO_SOURCE_PORT ?= 8765
demo: install
	@mkdir -p .state
	@$(BIN)/python demo/server.py --port $(DEMO_SOURCE_PORT) & src=$$!; \
	trap 'kill $$src 2>/dev/null' EXIT INT TERM; \
	for i in $$(seq 50); do $(BIN)/python -c "import socket,sys; socket.create_connection(('127.0.0.1', $(DEMO_SOURCE_PORT)), 0.2)" 2>/dev/null && break; sleep 0.1; done; \
	$(BIN)/python demo/sources_for.py --source-port $(DEMO_SOURCE_PORT) --site http://$(HOST):$(PORT) .state/demo-sources.toml && \
	SITEURL=http://$(HOST):$(PORT) $(NEWSROOM) update --sources .state/demo-sources.toml -v; rc=$$?; \
	if [ ! -e "$(LIVEDIR)" ]; then echo "demo: no live release was published (exit $$rc)"; exit 1; fi; \
	echo "demo: update exited $$rc; serving the live release $$(readlink $(LIVEDIR))"; \
	$(NEWSROOM) serve $(LIVEDIR) --host $(HOST) --port $(PORT)

check: install
	$(NEWSROOM) check

lint: install
	$(BIN)/ruff check .

test: install | node_modules/axe-core/axe.min.js
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# axe-core for the accessibility gate (tests/quality), from package-lock.json: a fresh clone
# has no node_modules/, and `make test` must work there as README promises. Order-only (after
# the |): installed when missing, never re-run because npm's files carry old mtimes.
node_modules/axe-core/axe.min.js:
	npm ci --no-audit --no-fund --loglevel=error

# --- the update job (newsroom/update.py, newsroom/release.py, newsroom/deploy.py) -----------
# Exit codes and scheduling: docs/operations.md. `make update UPDATE_ARGS="--force -v"`.
UPDATE_ARGS ?=
DEPLOY_TARGET ?=

demo-update: install
	$(BIN)/python demo/sources_for.py --source-port $(DEMO_SOURCE_PORT) --site http://$(HOST):$(PORT) .state/demo-sources.toml
	SITEURL=http://$(HOST):$(PORT) $(NEWSROOM) update --sources .state/demo-sources.toml $(UPDATE_ARGS)

update: install
	$(NEWSROOM) update $(UPDATE_ARGS)

rollback: install
	$(NEWSROOM) rollback

deploy: install
	@test -n "$(DEPLOY_TARGET)" || { echo "usage: make deploy DEPLOY_TARGET=/var/www/news (or host:/path for rsync over ssh, or remote:bucket/path for rclone)"; exit 2; }
	$(NEWSROOM) publish --target $(DEPLOY_TARGET)

bench-update: install
	$(BIN)/python bench/update.py --docs docs/benchmarks.md

bench-build: install
	$(BIN)/python bench/build.py --docs docs/benchmarks.md

# Serving: wrk against nginx while releases switch and roll back (docs/operations.md, Serving).
BENCH_SERVE_SECONDS ?= 30
bench-serve: install
	$(BIN)/python bench/serve.py --seconds $(BENCH_SERVE_SECONDS) --docs docs/operations.md

# All benchmarks; numbers go to docs/benchmarks.md.
bench: bench-scrape bench-build bench-update

# Search benchmark (docs/search.md): query-set recall/precision, index size per 1,000 articles,
# build time and time to first result in chromium at 10,000 generated articles (skipped
# without ../shared). KIWI_PYTHON=/path/to/python with kiwipiepy adds its recall.
KIWI_PYTHON ?=
bench-search: install
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	$(BIN)/python bench/search.py --articles 10000 $(if $(KIWI_PYTHON),--kiwi-python $(KIWI_PYTHON))

# Generic extraction (parse_article without selectors) against trafilatura and htmldate alone on
# the public benchmarks in ../shared/benchmarks: text F1/P/R/accuracy, ms/page, dates share right.
bench-extract: install
	$(BIN)/python bench/extract.py --docs docs/benchmarks.md

# Scraper benchmark: 1,000 new articles from a local server, delay 0 (target >= 50/s).
bench-scrape: install
	$(BIN)/python bench/scrape.py --articles 1000 --site 10000 --write-docs

# Lighthouse scores of home, a section and an article of the built sample site (mobile and
# desktop) into docs/benchmarks.md; lighthouse is installed on demand so CI does not need it.
audit: install
	test -x node_modules/.bin/lighthouse || npm install --no-save --no-audit --no-fund lighthouse
	CHROME_PATH=/usr/bin/chromium $(BIN)/python bench/lighthouse.py --docs docs/benchmarks.md
