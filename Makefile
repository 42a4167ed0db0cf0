.PHONY: test lint bench bench-ingest

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
