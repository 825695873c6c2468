# Arquivo: developer set-up, tests and runs.  `make help` lists the targets.
#
# Everything happens in ./.venv, created on first use from a Python >= 3.11; nothing is
# installed globally.  Set-up is tracked by stamp files inside .venv, so a second
# `make test` rebuilds and downloads nothing:
#   .venv/.created        the venv exists and its pip is up to date
#   .venv/.llama-backend  which llama-cpp-python was built, for which GPU backend, with
#                         which CMake flags (rebuilt only when that line changes)
#   .venv/.installed      `pip install -e '.[dev]'` ran after the last pyproject.toml change
# The default models are checked (sha256) on every run and downloaded only when missing.
#
# Variables (make VAR=value target):
#   PYTHON=python3   interpreter that creates the venv (must be >= 3.11)
#   GPU=cpu          llama.cpp backend: cpu | cuda | vulkan | metal.  Sticky: without
#                    GPU=, the backend .venv was last built for is kept (cpu at first).
#   LLAMA_CMAKE_ARGS replaces the CMake flags chosen from GPU and the CPU architecture
#   MODELS_DIR=DIR   models folder (default: $ARQUIVO_MODELS_DIR, $ARQUIVO_HOME/models,
#                    or the user data folder, e.g. ~/.local/share/arquivo/models)
#   PYTEST_ARGS=...  extra pytest arguments, e.g. PYTEST_ARGS='-k chunking -x'
#   ANSWER_LIMIT=150 questions the chat model answers per data set in `make eval`
#   RERANKER=NAME    the reranker `make eval` also measures (its index kept in .cache/eval)
#   EXTRA=NAME,...   optional models `make models` also fetches (`all`: every one);
#                    `.venv/bin/python packaging/fetch_models.py --list` lists them

.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
GPU ?= $(or $(shell sed -n 's/.* GPU=\([a-z]*\) .*/\1/p' .venv/.llama-backend 2>/dev/null),cpu)
MODELS_DIR ?=
PYTEST_ARGS ?=
EXTRA ?=
EVAL_DATA ?= ../shared/data/eval
RERANKER ?= ms-marco-MiniLM-L-12-v2-int8
ANSWER_LIMIT ?= 150
# The old default chat model: `make eval` answers with it too, as the reference row.
REFERENCE_CHAT_MODEL ?= SmolLM2-135M-Instruct.Q4_1.gguf

VENV := .venv
PY := $(VENV)/bin/python
# Always the venv's pip.  --quiet still shows warnings and errors.
PIP := $(PY) -m pip
PIP_QUIET ?= --quiet --disable-pip-version-check

CREATED := $(VENV)/.created
LLAMA_STAMP := $(VENV)/.llama-backend
INSTALLED := $(VENV)/.installed

# ---- llama-cpp-python build flags ---------------------------------------------------
# A native build (-DGGML_NATIVE=ON, llama.cpp's default) crashes on CPUs with AMX, and
# would not run on another machine anyway, so CPU features are named explicitly.
ARCH := $(shell uname -m)
ifneq ($(filter x86_64 amd64 AMD64,$(ARCH)),)
  CPU_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
else
  # arm64 and others.  On macOS arm64 llama.cpp turns Metal on by itself.
  CPU_CMAKE_ARGS := -DGGML_NATIVE=OFF
endif

ifeq ($(GPU),cpu)
  GPU_CMAKE_ARGS :=
else ifeq ($(GPU),cuda)
  GPU_CMAKE_ARGS := -DGGML_CUDA=ON
else ifeq ($(GPU),vulkan)
  GPU_CMAKE_ARGS := -DGGML_VULKAN=ON
else ifeq ($(GPU),metal)
  GPU_CMAKE_ARGS := -DGGML_METAL=ON
else
  $(error GPU=$(GPU) is not one of: cpu cuda vulkan metal)
endif
# The GPU backends keep the portable CPU flags: some work still runs on the CPU.
LLAMA_CMAKE_ARGS ?= $(strip $(CPU_CMAKE_ARGS) $(GPU_CMAKE_ARGS))

# The pinned requirement, read from pyproject.toml (e.g. llama-cpp-python==0.3.36).
LLAMA_REQ := $(shell sed -n 's/^[[:space:]]*"\(llama-cpp-python[^"]*\)".*/\1/p' pyproject.toml | head -n 1)
ifeq ($(LLAMA_REQ),)
  $(error could not find the llama-cpp-python requirement in pyproject.toml)
endif
# What .venv/.llama-backend must say; any change rebuilds llama-cpp-python (only it).
LLAMA_WANT := $(LLAMA_REQ) GPU=$(GPU) CMAKE_ARGS=$(LLAMA_CMAKE_ARGS)

# pip's wheel cache does not key on CMAKE_ARGS: a wheel built for one backend would be
# reused for another (or a native build from another project reused here).  So
# llama-cpp-python gets a wheel cache of its own per build line: switching backends
# back and forth compiles each one once, and never mixes them.
CACHE_HOME := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)
LLAMA_CACHE := $(CACHE_HOME)/arquivo/llama-wheels/$(GPU)-$(shell printf '%s' '$(LLAMA_WANT)' | cksum | cut -d ' ' -f 1)

FETCH_MODELS := $(PY) packaging/fetch_models.py $(if $(MODELS_DIR),--dest '$(MODELS_DIR)') \
  $(if $(EXTRA),--extra '$(EXTRA)')

.PHONY: help setup models run test test-slow lint bench eval clean translations FORCE

help: ## list the targets
	@echo "Usage: make <target> [GPU=cpu|cuda|vulkan|metal] [PYTHON=python3.11] [MODELS_DIR=dir]"
	@echo "(GPU now: $(GPU); see the top of the Makefile for all variables)"
	@echo
	@awk 'BEGIN { FS = ":.*## " } /^[a-z][a-z-]*:.*## / { printf "  %-10s %s\n", $$1, $$2 }' \
	  $(firstword $(MAKEFILE_LIST))

# ---- set-up ---------------------------------------------------------------------------

# 1. The venv, from a Python >= 3.11.  If PYTHON was not given and python3 is too old,
#    look for python3.14 ... python3.11 on the PATH.
$(CREATED):
	@py='$(PYTHON)'; \
	ok() { command -v "$$1" >/dev/null 2>&1 && \
	  "$$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; }; \
	if ! ok "$$py" && [ '$(origin PYTHON)' = file ]; then \
	  for c in python3.14 python3.13 python3.12 python3.11; do if ok "$$c"; then py=$$c; break; fi; done; \
	fi; \
	if ! ok "$$py"; then \
	  if command -v "$$py" >/dev/null 2>&1; then found=$$("$$py" --version 2>&1 | head -n 1); \
	  else found='not found'; fi; \
	  echo "error: Arquivo needs Python >= 3.11, but '$$py' is: $$found." >&2; \
	  echo "       Install Python 3.11 or newer, then e.g.: make PYTHON=python3.12 test" >&2; \
	  exit 1; \
	fi; \
	if [ ! -x $(PY) ]; then echo "==> Creating $(VENV) with $$py ($$("$$py" --version 2>&1))"; \
	  "$$py" -m venv $(VENV) || exit 1; fi
	@$(PIP) install $(PIP_QUIET) --upgrade pip
	@touch $@

# 2. llama-cpp-python, built from source for the chosen backend.  FORCE makes make look
#    at the stamp every time; the recipe does nothing when it already says $(LLAMA_WANT).
#    --force-reinstall --no-deps swaps only this package (its dependencies come in step 3).
$(LLAMA_STAMP): FORCE | $(CREATED)
	@if [ "$$(cat $@ 2>/dev/null)" != '$(LLAMA_WANT)' ]; then \
	  echo "==> Building $(LLAMA_REQ) for GPU=$(GPU)"; \
	  echo "    CMAKE_ARGS='$(LLAMA_CMAKE_ARGS)'"; \
	  echo "    (compiles llama.cpp: several minutes the first time; cached in $(LLAMA_CACHE))"; \
	  rm -f $@; \
	  CMAKE_ARGS='$(LLAMA_CMAKE_ARGS)' $(PIP) install $(PIP_QUIET) --force-reinstall --no-deps \
	    --cache-dir '$(LLAMA_CACHE)' '$(LLAMA_REQ)' || { \
	    echo "error: building llama-cpp-python for GPU=$(GPU) failed (see above)." >&2; \
	    echo "       cuda needs the CUDA toolkit (nvcc), vulkan the Vulkan SDK (glslc)," >&2; \
	    echo "       metal a Mac; GPU=cpu needs only a C++ compiler." >&2; \
	    exit 1; }; \
	  printf '%s\n' '$(LLAMA_WANT)' > $@; \
	fi

# 3. The project itself, editable, with the dev tools; again after pyproject.toml changes.
#    llama-cpp-python is already there (order-only prerequisite), so pip keeps it.
$(INSTALLED): pyproject.toml | $(LLAMA_STAMP)
	@echo "==> Installing arquivo (editable) with its dev extras"
	@CMAKE_ARGS='$(LLAMA_CMAKE_ARGS)' $(PIP) install $(PIP_QUIET) -e '.[dev]'
	@touch $@

setup: $(INSTALLED) ## create .venv and install everything (GPU=cpu|cuda|vulkan|metal)

# 4. The default models (sha256-checked each time, downloaded only when missing).
models: | $(INSTALLED) ## fetch the default models into the models folder (MODELS_DIR=...)
	@$(FETCH_MODELS)

# ---- use ------------------------------------------------------------------------------

run: setup models ## start the app
	$(PY) -m desktop

lint: setup ## ruff, mypy and import-linter
	$(VENV)/bin/ruff check desktop tests
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

test: lint models ## lint, then the fast tests (offscreen Qt; `slow` ones deselected)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

test-slow: setup models ## only the tests marked slow
	@QT_QPA_PLATFORM=offscreen $(PY) -m pytest -m slow $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "(no slow tests yet)"; rc=0; fi; exit $$rc

# The package's two benchmarks need `make package` and a fresh clone: bench-package.
PACKAGE_BENCHES := tests/benchmarks/bench_first_window.py tests/benchmarks/bench_package.py

bench: setup models ## run every tests/benchmarks/bench_*.py but the package's
	@set -e; n=0; for f in tests/benchmarks/bench_*.py; do \
	  case " $(PACKAGE_BENCHES) " in *" $$f "*) continue;; esac; \
	  [ -e "$$f" ] || continue; n=$$((n + 1)); echo "==> $$f"; $(PY) "$$f"; \
	done; [ $$n -gt 0 ] || echo "no benchmarks yet (tests/benchmarks/bench_*.py)"

bench-package: package ## time the package's first window, and make package from a fresh clone
	@set -e; for f in $(PACKAGE_BENCHES); do echo "==> $$f"; $(PY) "$$f"; done

# The evaluation is a developer's tool in tests/evaluation/, not part of the app:
# `$(EVAL) --help` lists its options.
EVAL := $(PY) -m tests.evaluation

eval: setup models ## evaluate retrieval, the refusal gate and answers on each data set in EVAL_DATA (tests/evaluation)
	@set -e; if [ ! -d '$(EVAL_DATA)' ]; then echo "no eval data in $(EVAL_DATA)"; exit 0; fi; \
	for d in '$(EVAL_DATA)'/*/; do n=$$(basename "$$d"); echo "==> $$d"; \
	  $(EVAL) "$$d" --keep-index ".cache/eval/$$n"; \
	  $(EVAL) "$$d" --keep-index ".cache/eval/$$n" --reranker $(RERANKER) \
	    --out "bench-results/eval-$$n-reranker.json"; \
	  $(EVAL) --answers --answer-limit $(ANSWER_LIMIT) "$$d"; \
	  $(EVAL) --answers --answer-limit $(ANSWER_LIMIT) "$$d" \
	    --model $(REFERENCE_CHAT_MODEL); done

clean: ## remove .venv and caches (not your data, models or index)
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .cache build dist *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

FORCE:

# ---- the installable package (packaging/README.md) -----------------------------------
PACKAGE := dist/arquivo-$(shell sed -n 's/^__version__ = "\(.*\)"/\1/p' desktop/__init__.py)-linux-$(ARCH).tar.gz

.PHONY: package package-test bench-package
package: setup ## build the self-contained Linux app: dist/arquivo-<version>-linux-<arch>.tar.gz
	$(PIP) install $(PIP_QUIET) -e '.[package]'
	$(PY) packaging/build.py

package-test: ## run the packaged app (after `make package`): offline, clean env, real PDFs
	@# --noconftest: the packaged app brings its own models; tests/conftest.py would ask for
	@# the source tree's (make models), which these tests never load.
	@[ -f '$(PACKAGE)' ] || { echo "no $(PACKAGE): run make package first"; exit 2; }
	ARQUIVO_PACKAGE='$(PACKAGE)' ARQUIVO_PACKAGE_SCREENSHOT=dist/package-test.png \
	  $(PY) -m pytest -p no:cacheprovider --noconftest tests/packaging/test_package.py tests/packaging/test_build.py -v -rs
	@echo "screenshot of the packaged app's window: dist/package-test.png"

.PHONY: docs
docs: setup ## rewrite the docs' generated parts (CLI, settings, measurements, module map)
	$(PY) docs/generate.py

translations: setup ## refresh the UI translations: extract texts, fill pt_BR, compile .qm
	$(VENV)/bin/pyside6-lupdate $$(find desktop/ui -name '*.py' | sort) \
	  -ts resources/i18n/arquivo_pt_BR.ts -no-obsolete
	$(PY) resources/i18n/translate_pt_BR.py
