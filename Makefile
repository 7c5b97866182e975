# Shouwang — the two set-up commands are `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
SIZE ?= default
PG_URL ?= postgres://postgres@127.0.0.1:5432
DEBIAN_PACKAGES := chromium fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fontconfig

.PHONY: install system-deps demo test lint messages test-sqlite test-postgresql

$(BIN)/shouwang: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(BIN)/shouwang

# Debian packages for PDFs (CJK font, pango) and browser tests (Chromium). Installed
# when missing and we are root; otherwise listed for the operator.
system-deps:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "please install: sudo apt-get install $$missing"; fi; \
	fi

install: $(BIN)/shouwang system-deps

demo: install
	$(BIN)/shouwang demo --size $(SIZE) --port $(PORT)

# Django's form messages reworded (shouwang/locale): compile after editing the .po.
messages:
	cd shouwang/locale/zh_Hans/LC_MESSAGES && msgfmt --check -o django.mo django.po

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/shouwang makemigrations --check --dry-run

test-sqlite: install
	SHOUWANG_VAR=$$(mktemp -d) $(BIN)/pytest -q shouwang

test-postgresql: install
	db=shouwang_ci_$$$$_$$(date +%s); \
	SHOUWANG_VAR=$$(mktemp -d) DATABASE_URL=$(PG_URL)/$$db $(BIN)/pytest -q shouwang; \
	status=$$?; psql $(PG_URL)/postgres -qc "DROP DATABASE IF EXISTS test_$$db" >/dev/null 2>&1; exit $$status

test: lint test-sqlite test-postgresql
