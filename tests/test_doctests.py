"""The examples in the docstrings run: documentation that cannot rot."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["dealgraph.api", "dealgraph.graph.cycles", "dealgraph.graph.related", "dealgraph.graph.store",
           "dealgraph.graph.queries", "dealgraph.ingest.amounts", "dealgraph.ingest.clean", "dealgraph.ingest.dates",
           "dealgraph.ingest.gazetteer", "dealgraph.ingest.mentions", "dealgraph.ingest.pipeline",
           "dealgraph.ingest.sentences", "dealgraph.ontology.namespace", "dealgraph.graph.remote",
           "dealgraph.graph.guard"]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0
