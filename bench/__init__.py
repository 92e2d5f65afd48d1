"""Benchmarks for dealgraph: synthetic corpora and graphs, ingest throughput, cycle search and view building.

Run ``bench/run`` (``--quick`` for the short form); every figure is also reported as a ratio against a baseline
measured in the same run, because the machine is shared and noisy.
"""
