"""Benchmarks run against real local servers; each module is run with `python -m bench.<name>`."""
