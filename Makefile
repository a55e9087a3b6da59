# The Makefile is a thin layer over the `newsroom` command and Pelican.
# Targets Pelican users know from pelican-quickstart: html clean serve devserver publish.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PELICAN := $(BIN)/pelican
NEWSROOM := $(BIN)/newsroom
INPUTDIR := $(CURDIR)/content
OUTPUTDIR := $(CURDIR)/output
CONFFILE := $(CURDIR)/pelicanconf.py
PUBLISHCONF := $(CURDIR)/publishconf.py
PORT ?= 8000
HOST ?= 127.0.0.1
PYTEST_ARGS ?=

.PHONY: help install html clean regenerate serve devserver publish demo check test lint \
        bench bench-scrape bench-update audit update rollback deploy

help:
	@echo "make demo        set up, scrape the built-in sample sources, build and serve on http://$(HOST):$(PORT)"
	@echo "make test        run the whole test suite (build, scraper, update job, browser, quality gates)"
	@echo "make install     create $(VENV) and install the project with its test tools"
	@echo "make html        build the preview site into output/"
	@echo "make devserver   preview with rebuild on change at http://$(HOST):$(PORT)"
	@echo "make check       validate every file under content/"
	@echo "make publish     build with publishconf.py (strict) into output/"
	@echo "make update      run the scheduled job once: scrape, rebuild if changed, go live"
	@echo "make bench       benchmarks (see docs/benchmarks.md)"
	@echo "make audit       Lighthouse scores of home, a section and an article"

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

publish: install
	$(PELICAN) $(INPUTDIR) -o $(OUTPUTDIR) -s $(PUBLISHCONF)

check: install
	$(NEWSROOM) check

lint: install
	$(BIN)/ruff check .

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# --- the update job (newsroom/update.py, newsroom/release.py, newsroom/deploy.py) -----------
# Exit codes and scheduling: docs/operations.md. `make update UPDATE_ARGS="--force -v"`.
UPDATE_ARGS ?=
DEPLOY_TARGET ?=

update: install
	$(NEWSROOM) update $(UPDATE_ARGS)

rollback: install
	$(NEWSROOM) rollback

deploy: install
	@test -n "$(DEPLOY_TARGET)" || { echo "usage: make deploy DEPLOY_TARGET=/var/www/news (or host:/path for rsync over ssh)"; exit 2; }
	$(NEWSROOM) publish --target $(DEPLOY_TARGET)

bench-update: install
	$(BIN)/python bench/update.py --docs docs/benchmarks.md
