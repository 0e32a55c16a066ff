# Two commands do all set-up: `make run` (the bot) and `make test` (lint, types, tests).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean i18n

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m bot run $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Four workers on two cores: the suite mostly waits (PostgreSQL, sockets, child processes),
# so 4 ran it in 6.5 minutes where 1 took 15. Each worker has its own PostgreSQL database.
PYTEST_ARGS ?= -n 4 --dist worksteal

test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Catalogs: extract the English templates, merge them into each language, compile to check.
# The bot compiles the .po files itself at start, so the .mo files are never committed.
# No source locations and a sorted order: catalogs stay stable while code moves, so branches
# that translate and branches that add strings merge cleanly.
LOCALES := bot/locales
LANGUAGES := es zh_Hant hi
PYBABEL := $(BIN)/python -m babel.messages.frontend

i18n: $(STAMP)
	$(PYBABEL) extract -F babel.cfg --project=mentorbot --no-location --sort-output \
		--width=100 --add-comments=Translators: -o $(LOCALES)/mentorbot.pot .
	for lang in $(LANGUAGES); do \
		if [ -f $(LOCALES)/$$lang/LC_MESSAGES/mentorbot.po ]; then \
			$(PYBABEL) update -D mentorbot -i $(LOCALES)/mentorbot.pot -d $(LOCALES) -l $$lang \
				--width=100 --ignore-obsolete --no-fuzzy-matching; \
		else \
			$(PYBABEL) init -D mentorbot -i $(LOCALES)/mentorbot.pot -d $(LOCALES) -l $$lang \
				--width=100; \
		fi; \
	done
	$(PYBABEL) compile -D mentorbot -d $(LOCALES) --statistics

bench: $(STAMP)
	$(BIN)/python -m bench $(ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
