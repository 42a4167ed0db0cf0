.PHONY: test lint bench

test:
	python -m pytest -q

lint:
	ruff check src tests
	ruff format --check src tests
	mypy

# the speed benchmark arrives with issue 3 (storydiff bench); until then, time the demo
bench:
	python -c "import time, storydiff; t = time.time(); storydiff.run(storydiff.demo_paths()); print(f'demo compare: {time.time() - t:.1f} s')"
