# Lumbung — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
export LUMBUNG_VAR_DIR ?= $(CURDIR)/var
PG_URL ?= $(or $(TEST_DATABASE_URL),postgres://postgres@127.0.0.1:5432/lumbung)

.PHONY: run install test test-sqlite test-postgres lint bench system-deps runtime-deps clean

run: install
	@$(BIN)/lumbung demo --if-empty
	@echo ""
	@echo "Lumbung berjalan di http://127.0.0.1:8000  (Ctrl+C untuk berhenti)"
	@echo "Akun demo: analis, pendamping, manajer.sejahtera, akuntan.sejahtera, teller.sejahtera,"
	@echo "           manajer.berkah, akuntan.berkah, teller.berkah, ... — kata sandi: lumbung-demo"
	@echo "Aplikasi anggota: http://127.0.0.1:8000/m/<kode koperasi>/  (simulator PPOB di :8091)"
	@echo "Anggota demo: nomor anggota 1, 2, 3 di tiap koperasi (mis. /m/ksp-sejahtera/) — PIN: 135790"
	@$(BIN)/lumbung ppob-simulator --port 8091 & sim=$$!; $(BIN)/lumbung notify --loop & notify=$$!; \
	trap 'kill $$sim $$notify 2>/dev/null' EXIT INT TERM; \
	DEBUG=$${DEBUG:-true} SECURE_COOKIES=$${SECURE_COOKIES:-false} $(BIN)/lumbung serve --host 127.0.0.1 --port 8000

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory runtime-deps
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --upgrade pip
	@$(BIN)/pip install --quiet -e .
	@touch $(STAMP)

install: $(STAMP)
	@mkdir -p $(LUMBUNG_VAR_DIR)
	@$(BIN)/lumbung migrate --no-input -v0
	@$(BIN)/lumbung collectstatic --no-input -v0

$(DEV_STAMP): $(STAMP)
	@$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(DEV_STAMP)

# What WeasyPrint needs to print receipts and statements (Pango and a font). Installed from
# Debian's packages when missing.
runtime-deps:
	@if ! ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || ! fc-list 2>/dev/null | grep -qi dejavu; then \
	  echo "Memasang paket sistem: libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fontconfig fonts-dejavu-core >/dev/null; \
	fi

# System tools the tests use: Chromium for browser tests, hledger as an outside oracle,
# poppler for PDF rendering. Installed from Debian's packages when missing.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v hledger >/dev/null || missing="$$missing hledger"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
	  echo "Memasang paket sistem:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing fonts-dejavu-core >/dev/null; \
	fi

# The two engines' suites run side by side (two cores); each one's output is printed whole.
test: $(DEV_STAMP) system-deps lint
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

lint: $(DEV_STAMP)
	@$(BIN)/ruff check lumbung tests bench
	@$(BIN)/mypy lumbung

test-sqlite: $(DEV_STAMP)
	@echo "== pytest di SQLite =="
	@env -u DATABASE_URL $(BIN)/pytest

test-postgres: $(DEV_STAMP)
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL)'.rsplit('/',1)[0]+'/postgres', connect_timeout=3).close()" 2>/dev/null; then \
	  echo "== pytest di PostgreSQL =="; \
	  DATABASE_URL=$(PG_URL) $(BIN)/pytest; \
	elif [ "$$CI" = "true" ]; then \
	  echo "PostgreSQL tidak dapat dihubungi di $(PG_URL) dan CI=true: gagal."; exit 1; \
	else \
	  echo "PostgreSQL tidak tersedia di $(PG_URL); lewati (wajib bila CI=true)."; \
	fi

bench: $(DEV_STAMP)
	@$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var
