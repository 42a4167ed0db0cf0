"""Measuring storydiff: the evaluation tasks, the development gold set, scorer fitting and benchmarks."""
