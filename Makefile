# Peak Data: `make book` builds the site, `make test` runs every check. See README.md.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
WEBTOOLS := web/node_modules/.installed
JB     := $(BIN)/jupyter-book build . -W -n --keep-going
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
# numpy's baseline code path (no AVX2/AVX-512) and one BLAS thread: another reader's machine
PORTABLE := NPY_DISABLE_CPU_FEATURES="X86_V3 X86_V4 AVX512_ICL AVX512_SPR" OPENBLAS_NUM_THREADS=1

.PHONY: help install web-tools book lab serve test lint unit nbval site notebooks benchmark \
        benchmark-lab lighthouse vendor constraints clean handouts offline slides

help:
	@echo "make book       build the site into _build/html (creates $(VENV) on first use)"
	@echo "make test       lint, unit tests, nbval, the build (warnings as errors), browser tests"
	@echo "make lab        open the notebooks in JupyterLab"
	@echo "make serve      serve _build/html on http://127.0.0.1:8000"
	@echo "make notebooks  re-run every notebook and store its outputs (then commit them)"
	@echo "make benchmark  print widget latency, kernel speed-ups and build times"
	@echo "make benchmark-lab  slider moved -> figure changed in a real JupyterLab, per demo"
	@echo "make lighthouse Lighthouse (mobile and desktop) and page weight of every page, served with gzip"
	@echo "make handouts   student (no solutions) and instructor notebooks in _build/handouts"
	@echo "make slides     the slide decks of the teaching kit in _build/html/slides"
	@echo "make offline    the built site as one zip for a classroom: _build/peakdata-site.zip"
	@echo "make vendor     refresh web/static/vendor from npm (needs Node.js)"

$(STAMP): requirements.txt requirements-dev.txt constraints.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $@

install: $(STAMP)

# axe-core and Lighthouse for the browser tests (Node.js and npm needed)
$(WEBTOOLS): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --ignore-scripts
	touch $@

web-tools: $(WEBTOOLS)

# jupyter-cache keys on a notebook's code only: outputs computed by an older peakdata are stale
PACKAGE_FILES := $(shell find src -type f -not -path '*/__pycache__/*')
_build/.package-stamp: $(PACKAGE_FILES)
	rm -rf _build/.jupyter_cache _build/.doctrees
	mkdir -p _build && touch $@

book: $(STAMP) _build/.package-stamp
	$(JB)
	@echo "The book is built: open file://$(CURDIR)/_build/html/index.html (or run make serve)"

lab: $(STAMP)
	$(BIN)/jupyter lab book/

serve: $(STAMP)
	$(BIN)/python tools/serve.py _build/html --port 8000

test: lint unit nbval book site

lint: $(STAMP)
	$(BIN)/ruff check src tests tools web book benchmarks
	$(BIN)/ruff format --check src tests tools web book benchmarks

unit: $(STAMP)
	$(BIN)/python -m pytest tests -m "not site and not browser"

# every notebook twice: as this CPU computes, and on numpy's baseline path with one BLAS thread;
# both must reproduce the committed outputs (DESIGN.md §6), as must the determinism unit tests
nbval: $(STAMP)
	$(BIN)/python -m pytest $(NBVAL) book
	$(PORTABLE) $(BIN)/python -m pytest $(NBVAL) book
	$(PORTABLE) $(BIN)/python -m pytest tests -m "not site and not browser" \
		-k "determinism or deterministic or portable or vectorised"

site: $(STAMP) $(WEBTOOLS)
	$(BIN)/python -m pytest tests -m "site or browser"

notebooks: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py

handouts: $(STAMP)
	$(BIN)/python tools/handouts.py

slides: $(STAMP)
	$(BIN)/python tools/slides.py

offline: book
	$(BIN)/python tools/offline.py

benchmark: $(STAMP)
	$(BIN)/python benchmarks/run.py

benchmark-lab: $(STAMP)
	$(BIN)/python benchmarks/lab_latency.py

lighthouse: $(STAMP) $(WEBTOOLS)
	$(BIN)/python benchmarks/lighthouse.py

vendor:
	web/vendor.sh

constraints: $(STAMP)
	echo '# Every package of the build-and-test environment, pinned (pip freeze). Regenerate with `make constraints`.' > constraints.txt
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^peakdata' >> constraints.txt

clean:
	rm -rf _build
