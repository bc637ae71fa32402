"""Benchmark of the dashboard against a textbook baseline: ``python bench/run.py [--quick]``."""
