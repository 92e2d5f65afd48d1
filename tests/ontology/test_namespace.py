"""The closed DG namespace equals the terms the ontology file declares; SHACL shapes accept what ingest writes."""

from __future__ import annotations

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS

from dealgraph.ontology import DG, ontology_path, shapes_path


def declared_terms() -> set[str]:
    g = rdflib.Graph().parse(ontology_path())
    ns = str(DG._NS)
    return {str(s)[len(ns):] for s in g.subjects(RDF.type, None) if str(s).startswith(ns)}


def test_namespace_matches_ontology_file():
    in_python = {t for t in DG.__annotations__}
    assert in_python == declared_terms()


def test_every_term_has_label_and_comment():
    g = rdflib.Graph().parse(ontology_path())
    for t in declared_terms():
        iri = DG[t]
        assert g.value(iri, RDFS.label) is not None, t
        assert g.value(iri, RDFS.comment) is not None, t


@pytest.mark.parametrize("term, parent", [("Organization", "https://schema.org/Organization"),
                                          ("Person", "https://schema.org/Person")])
def test_alignment(term, parent):
    g = rdflib.Graph().parse(ontology_path())
    assert rdflib.URIRef(parent) in set(g.objects(DG[term], RDFS.subClassOf))


def test_founded_is_inverse_of_schema_founder():
    g = rdflib.Graph().parse(ontology_path())
    assert (DG.founded, OWL.inverseOf, rdflib.URIRef("https://schema.org/founder")) in g


def test_misspelled_term_fails():
    with pytest.raises(AttributeError):
        DG.investedInn  # noqa: B018


def test_shapes_parse():
    g = rdflib.Graph().parse(shapes_path())
    assert len(g) > 20
