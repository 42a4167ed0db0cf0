.PHONY: test lint bench bench-ingest fuzz

test:
	python -m pytest -q

lint:
	ruff check src tests
	ruff format --check src tests
	mypy

# speed figures (cold start, articles/s per stage, bare-spaCy floor) on the evaluation data;
# `make bench DATA=dir` points it elsewhere, `storydiff bench --limit 50` is a quick run
DATA ?= ../shared/eval

bench:
	storydiff bench --data $(DATA)

# corpus figures: ingest of 2,000+ articles with 1 and 2 workers, story clustering through the corpus
bench-ingest:
	storydiff bench --ingest --data $(DATA)

# the long fuzz run of the way in (tests/test_fuzz.py): fresh random inputs, FUZZ_EXAMPLES per strategy
# for its five strategies (JSON Lines, feeds, WARC, HTML, text): 10^5 inputs in all; the suite runs 200 each.
# (the warning filter: reporting a failure makes hypothesis import libcst, which warns, and warnings are errors)
FUZZ_EXAMPLES ?= 20000

fuzz:
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_RANDOM=1 python -m pytest -q -p no:cacheprovider --durations=0 \
		-W "ignore:mypy_extensions.TypedDict is deprecated:DeprecationWarning" tests/test_fuzz.py
