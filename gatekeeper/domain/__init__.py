"""The functional core: what Gatekeeper decides, in pure functions over plain data.

Standard library only; tests/unit/test_boundaries.py keeps it that way.
"""
