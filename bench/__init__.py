"""``make bench``: national-scale data, page load against a bare Django view, email fan-out, report build.

Run it with ``python -m bench`` (see ``python -m bench --help``); it writes ``var/bench/results.json``.
"""
