"""The closed ``DG`` namespace: a misspelled term raises at import or call time, not in a query that returns nothing.

>>> str(DG.investedIn)
'https://w3id.org/dealgraph#investedIn'
>>> DG.investedInn
Traceback (most recent call last):
...
AttributeError: term 'investedInn' not in namespace 'https://w3id.org/dealgraph#'
"""

from __future__ import annotations

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

__all__ = ["DG", "ID", "DOC", "FACT"]

ID = Namespace("https://w3id.org/dealgraph/id/")
DOC = Namespace("https://w3id.org/dealgraph/doc/")
FACT = Namespace("https://w3id.org/dealgraph/fact/")


class DG(DefinedNamespace):
    """Terms of ``ontology/dealgraph.ttl``; ``tests/ontology/test_namespace.py`` keeps the two equal."""

    _NS = Namespace("https://w3id.org/dealgraph#")
    _fail = True

    # classes
    Organization: URIRef
    Person: URIRef
    Product: URIRef
    Facility: URIRef
    Project: URIRef
    Fact: URIRef
    FundingRound: URIRef
    Valuation: URIRef
    FinancialMetric: URIRef
    Contract: URIRef
    RelationStatement: URIRef
    Article: URIRef
    # relations
    investedIn: URIRef
    buysFrom: URIRef
    partnerOf: URIRef
    founded: URIRef
    acquired: URIRef
    controls: URIRef
    executiveOf: URIRef
    develops: URIRef
    operates: URIRef
    participatesIn: URIRef
    leads: URIRef
    # n-ary roles and values
    company: URIRef
    investor: URIRef
    leadInvestor: URIRef
    strategicInvestor: URIRef
    valuation: URIRef
    buyer: URIRef
    seller: URIRef
    reportedBy: URIRef
    roundName: URIRef
    amount: URIRef
    currency: URIRef
    date: URIRef
    bound: URIRef
    status: URIRef
    metric: URIRef
    capacity: URIRef
    subject: URIRef
    role: URIRef
    # provenance
    evidence: URIRef
    startOffset: URIRef
    endOffset: URIRef
    extractor: URIRef
    contentHash: URIRef
    author: URIRef
    tag: URIRef
