"""Benchmarks of Warranty Desk on a generated office of realistic size (`python -m benchmarks`).

Not tests: they measure time and memory against the targets of issue 9 and write
benchmarks/out/results.json. CI runs only `--size tiny` as a smoke check (tests/core/test_benchmarks_smoke.py).
"""
