"""Benchmarks from metrics: scenarios recorded through the NDJSON exporter, aggregated, and reported.

The flow: :mod:`aztec.bench.runner` runs scenarios (:mod:`aztec.bench.scenarios`) into ``DIR/<name>.ndjson``;
:mod:`aztec.bench.aggregate` turns a directory of NDJSON files into a :class:`aztec.bench.schema.BenchResult`;
:mod:`aztec.bench.report` renders it, against a base result, as the Markdown benchmark comment with plots.
"""
