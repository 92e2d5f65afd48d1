"""Stage 6, facts: rules that read relations and n-ary facts out of one sentence context at a time.

Each rule is a small function ``(ctx, state) -> iterable of Fact``; ``RULES`` lists them in order and the
extractor name ``rules.v3`` goes into the provenance of every fact. Keywords cover simplified Chinese (the
context text is simplified), and English; traditional text reaches the rules already folded to simplified.

One module per family of relations: ``rounds``, ``investments``, ``numbers`` (valuations, metrics),
``purchases`` (purchases, contracts), ``partners``, ``control`` (ownership, founders, acquisitions), ``people``
(executives) and ``products`` (develops, operates, projects); ``common`` holds what they share.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from dealgraph.ingest.context import SentenceContext
from dealgraph.ingest.model import Fact
from dealgraph.ingest.rules.common import RuleState
from dealgraph.ingest.rules.control import rule_control, rule_founded_acquired
from dealgraph.ingest.rules.investments import rule_invested_in
from dealgraph.ingest.rules.numbers import rule_metric, rule_valuation
from dealgraph.ingest.rules.partners import rule_partner
from dealgraph.ingest.rules.people import rule_executive
from dealgraph.ingest.rules.products import rule_develops, rule_operates, rule_project
from dealgraph.ingest.rules.purchases import rule_contract_capacity, rule_purchase
from dealgraph.ingest.rules.rounds import rule_funding_round, rule_investor_roles, rule_round_investors

__all__ = ["EXTRACTOR", "RULES", "RuleState", "apply_rules", "finish"]

EXTRACTOR = "rules.v3"  # bumped when the rules change: re-ingesting an article read by older rules reads it again


RULES: list[Callable[[SentenceContext, RuleState], Iterable[Fact]]] = [
    rule_funding_round, rule_round_investors, rule_invested_in, rule_investor_roles, rule_valuation, rule_metric,
    rule_purchase, rule_contract_capacity, rule_partner, rule_control, rule_executive, rule_founded_acquired,
    rule_develops, rule_operates, rule_project,
]


def apply_rules(ctx: SentenceContext, st: RuleState) -> list[Fact]:
    """Every fact the rules read from one sentence, in the discourse state the sentences before it left."""
    facts: list[Fact] = []
    for rule in RULES:
        facts.extend(rule(ctx, st))
    return facts


def finish(facts: list[Fact], st: RuleState) -> list[Fact]:
    """Drop the earlier versions of rounds and contracts that later sentences completed."""
    replaced = {id(f) for f in st.extra}
    return [f for f in facts if id(f) not in replaced]
