"""SHACL validation of what ingest writes for the seed article and for a broken fact node."""

from __future__ import annotations

import pytest
import rdflib

from dealgraph.api import KnowledgeGraph
from dealgraph.ontology import ontology_path, shapes_path
from tests.conftest import SEED, needs_shared

pyshacl = pytest.importorskip("pyshacl")


def _validate(data: rdflib.Graph) -> tuple[bool, str]:
    shapes = rdflib.Graph().parse(shapes_path())
    ont = rdflib.Graph().parse(ontology_path())
    ok, _, text = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ont, inference="none")
    return ok, text


@needs_shared
def test_seed_output_conforms():
    kg = KnowledgeGraph.open(None)
    kg.ingest_file(SEED, published="2026-01-07")
    data = rdflib.Graph().parse(data=kg.export("nquads").decode(), format="nquads")
    union = rdflib.Graph()
    for t in data:
        union.add(t)
    ok, text = _validate(union)
    assert ok, text


def test_round_without_company_is_refused():
    ttl = """@prefix dg: <https://w3id.org/dealgraph#> . @prefix prov: <http://www.w3.org/ns/prov#> .
    <urn:a> a dg:Article ; dg:contentHash "x" .
    <urn:r> a dg:FundingRound ; dg:amount 5.0 ; prov:wasDerivedFrom <urn:a> ; dg:evidence "s" ; dg:extractor "t" ."""
    ok, text = _validate(rdflib.Graph().parse(data=ttl, format="turtle"))
    assert not ok
    assert "company" in text
