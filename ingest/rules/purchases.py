"""Who buys compute from whom, and the contract: ``OpenAI signed a $38 billion cloud computing deal with AWS``."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dealgraph.ingest.context import SentenceContext
from dealgraph.ingest.model import Fact, Mention
from dealgraph.ingest.rules.common import (
    _ACQ,
    _CHIP_WORDS,
    _SHARE_EN,
    RuleState,
    _as_mention,
    _date_near,
    _listed_after,
    _pure_investor,
    _rel,
    _reporter,
    _status,
    _unit_pairs,
)

__all__ = ["rule_purchase", "rule_contract_capacity"]


_BUY = re.compile(r"采购|购买|买入|订购|租用|算力合同|云计算合同|云服务合同|合同|协议|订单|拥有|部署|配备|使用|"
                  r"\bbuy(?:s|ing)?\b|\bbought\b|\bpurchase[sd]?\b|\bordered\b|\bcontract\b|\bdeal\b|\bagreement\b|"
                  r"\busing\b|\buse\b|\bowns?\b|\brent(?:s|ing)?\b|\bcustomer\b|\bclient\b|\bcommitment\b")
_SUPPLY_ZH = re.compile(r"为(?P<cust>[^，,。]{1,20}?)(?:建设|部署|提供|供应|打造)|"
                        # "甲骨文将向OpenAI提供算力": only compute, chips or cloud are sold this way (not 资金)
                        r"向(?P<cust2>[^，,。；;]{1,20}?)(?:提供|供应|出售|交付|销售)(?=[^，,。；;]{0,10}?(?:算力|GPU|芯片|服务器|"
                        r"云|计算|加速器|处理器|数据中心|容量))")


def _seller_score(ctx: SentenceContext, m: Mention) -> int:
    tags = set(ctx.tags.get(m.key, ()))
    return 2 * bool(tags & {"chip", "cloud", "hardware"}) - bool(tags & {"lab", "investor"})


_RELY_ON = re.compile(r"\b(?:relies|rely|relied|relying|depends|depend|depended|depending|leans|lean)\s+(?:heavily\s+|mainly\s+|"
                      r"largely\s+)?on\s+")
_DEPLOY_EN = re.compile(r"\b(?:deploy|deploys|deployed|deploying|use|uses|using|run|runs|running|buy|buys|bought|buying|"
                        r"purchase|purchases|purchased|purchasing|order|orders|ordered|ordering)\s+(?:at least\s+|up to\s+|"
                        r"about\s+|some\s+|more than\s+|roughly\s+)?(?:[$€£]?[\d.,]+\s*(?:gigawatts?|GW|megawatts?|MW|million|"
                        r"billion|bn)?\s+(?:(?:worth\s+)?of\s+)?)?"
                        r"(?=\S+(?:['’]s)?\s+(?:systems|chips|GPUs|processors|accelerators|servers|hardware)\b)")
_FROM_EN = re.compile(r"\b(?:buy|buys|bought|buying|purchase|purchases|purchased|purchasing|rent|rents|rented|renting|"
                      r"lease|leases|leased|source|sources|sourced|order|orders|ordered)\b(?:[^.;]|(?<=\d)\.(?=\d)){0,60}?\bfrom\b")
_ORDER_WITH = re.compile(r"\b(?:placed|places|place|signed|signs|sign|expanded|expands|struck|strikes|inked|inks)\b(?:[^.;]|(?<=\d)\.(?=\d)){0,60}?"
                         r"\b(?:order|orders|contract|contracts|deal|agreement|commitment)\s+with\b")
_PAY_EN = re.compile(r"\b(?:pay|pays|paid|paying)\s+")
_DEAL_WITH = re.compile(r"\b(?:agreement|agreements|deal|deals|contract|contracts|order|orders|commitment|commitments)\s+"
                        r"with\s+")
_SPEND_ON = re.compile(r"\bspend(?:s|ing)?\b(?:[^.;]|(?<=\d)\.(?=\d)){0,40}?\b(?:on|buying|to buy|purchasing|for)\b")
_SUPPLIER = re.compile(r"是(?P<cust>[^，,。]{1,16}?)的(?:[^，,。]{0,10}?)(?:供应商|供货商|提供商|服务商|代工厂|代工商|制造商)|"
                       r"\b(?:is|was|as|became|remains)\s+(?P<cust2>[^.;]{1,30}?)['’]s\s+(?:\w+\s+){0,3}?(?:supplier|provider|vendor)\b|"
                       r"\b(?:is|was|became|remains)\s+(?:also\s+)?(?:a|an|the)\s+(?:\w+\s+){0,2}?(?:supplier|provider|vendor)s?"
                       r"\s+(?:to|of|for)\s+(?P<cust3>[^.;,]{1,30})")
_CUSTOMER = re.compile(r"是(?P<sup>[^，,。]{1,16}?)的(?:[^，,。]{0,8}?)(?:客户|买家)|"
                       r"\b(?:is|was|as|became|remains)\s+(?P<sup2>[^.;]{1,30}?)['’]s\s+(?:\w+\s+){0,3}?(?:customer|client)\b|"
                       r"\b(?:is|was|became|remains)\s+(?:also\s+)?(?:a|an|the)\s+(?:\w+\s+){0,2}?(?:customer|client)s?\s+of\s+"
                       r"(?P<sup5>[^.;,]{1,30})|"
                       r"\baccount(?:s|ed)? for\s+\d+(?:\.\d+)?\s?%\s+of\s+(?P<sup3>[^.;]{1,30}?)['’]s\s+(?:revenue|sales)|"
                       r"占(?P<sup4>[^，,。]{1,16}?)(?:收入|营收|销售额)的")
_CUSTOMER_OF_SUBJ = re.compile(r"\bas an? (?:major |key |big |large |anchor |important )?(?:customer|client)\b")


def _in_span(orgs: list[Mention], a: int, b: int) -> list[Mention]:
    return [o for o in orgs if a <= o.start < b]


_BUY_ZH = re.compile(r"(?:采购|购买|订购|买入|购入|租用|拥有|部署|使用|采用)了?")


def _explicit_purchases(ctx: SentenceContext, orgs: list[Mention]) -> Iterator[tuple[Mention, Mention]]:
    """(buyer, seller) of every explicit construction in the sentence, in the order of the patterns."""
    text = ctx.text
    products = ctx.of_type("Product")
    for m in _BUY_ZH.finditer(text):
        buyers = [o for o in orgs if o.end <= m.start() and not re.search(r"[，,。；;、]", text[o.end:m.start()])]
        sellers = [o for o in orgs if m.end() <= o.start <= m.end() + 12
                   and not re.search(r"[，,。；;、]", text[m.end():o.start])]
        if not buyers:
            buyers = [o for o in orgs if o.end <= m.start()][:1]
        if buyers and sellers and buyers[-1].key != sellers[0].key:
            tail = text[sellers[0].end:sellers[0].end + 14]
            if _CHIP_WORDS.search(tail) or re.search(r"云|服务|算力|系统|产品", tail) or \
                    any(0 <= p.start - sellers[0].end <= 3 for p in products):
                yield buyers[-1], sellers[0]
    before_of = lambda pos: [o for o in orgs if o.end <= pos and not re.search(r"[;。；]", text[o.end:pos])]  # noqa: E731
    for m in _BUY_FROM_ZH.finditer(text):       # "百川将向阿里巴巴采购云计算资源", "使用阿里云提供的算力"
        g = "s" if m["s"] is not None else "s2"
        sellers = _in_span(orgs, m.start(g), m.end(g))
        buyers = [o for o in before_of(m.start()) if not sellers or o.key != sellers[-1].key]
        if sellers and buyers:
            for b in buyers:        # a group named once ("这些公司向阿里云采购"): every member buys
                if (b.start, b.end) == (buyers[-1].start, buyers[-1].end):
                    yield b, sellers[-1]
    for m in re.finditer(r"向(?P<s>[^，,。；;]{1,16}?)支付", text):    # "微软已向CoreWeave支付超过100亿美元"
        sellers = [o for o in _in_span(orgs, m.start("s"), m.end("s")) if _seller_score(ctx, o) > 0]
        buyers = [o for o in before_of(m.start()) if not sellers or o.key != sellers[-1].key]
        if sellers and buyers:
            yield buyers[-1], sellers[-1]
    for m in _SUPPLY_WITH.finditer(text):         # "AMD agreed to supply OpenAI with six gigawatts of GPUs"
        buyers = [o for o in orgs if o.start == m.end()]
        sellers = before_of(m.start())
        if buyers and sellers and buyers[0].key != sellers[-1].key and \
                re.match(r"\s+with\b", text[buyers[0].end:]):
            yield buyers[0], sellers[-1]
    for m in _FROM_EN.finditer(text):
        sellers = [o for o in orgs if o.start >= m.end() and o.start - m.end() <= 6]
        buyers = before_of(m.start())
        if sellers and buyers:
            yield buyers[-1], sellers[0]
    for m in _ORDER_WITH.finditer(text):
        sellers = [o for o in orgs if o.start >= m.end() and o.start - m.end() <= 6]
        buyers = before_of(m.start())
        if sellers and buyers:
            b, s = buyers[-1], sellers[0]
            yield (b, s) if _seller_score(ctx, s) >= _seller_score(ctx, b) else (s, b)
    for m in _RELY_ON.finditer(text):           # "CoreWeave relies on Nvidia for its chips"
        sellers = [o for o in orgs if o.start == m.end()]
        buyers = before_of(m.start())
        if sellers and buyers and _CHIP_WORDS.search(text[sellers[0].end:sellers[0].end + 30]) or \
                sellers and buyers and re.match(r"\s+for\s+(?:its\s+|their\s+)?(?:compute|computing|cloud|capacity)",
                                                text[sellers[0].end:]):
            yield buyers[-1], sellers[0]
    for m in _DEPLOY_EN.finditer(text):       # "as the start-up deploys 10 gigawatts of Nvidia systems"
        sellers = [o for o in orgs if o.start == m.end() and _seller_score(ctx, o) > 0]
        buyers = before_of(m.start())
        if sellers and buyers and buyers[-1].key != sellers[0].key:
            yield buyers[-1], sellers[0]
    for m in _PAY_EN.finditer(text):
        sellers = [o for o in orgs if o.start == m.end() or (o.start > m.end() and re.fullmatch(r"\s*to\s*",
                                                                                             text[m.end():o.start]))]
        buyers = before_of(m.start())
        if sellers and buyers and _seller_score(ctx, sellers[0]) > 0:
            yield buyers[-1], sellers[0]
    for m in _SPEND_ON.finditer(text):
        sellers = [o for o in orgs if o.start >= m.end() and o.start - m.end() <= 20]
        buyers = before_of(m.start())
        if sellers and buyers and (_CHIP_WORDS.search(text[m.end():m.end() + 40]) or _seller_score(ctx, sellers[0]) > 0
                                   and sellers[0].key != buyers[-1].key):
            yield buyers[-1], sellers[0]
    for m in _SUPPLIER.finditer(text):
        g = next(x for x in ("cust", "cust2", "cust3") if m[x] is not None)
        cust = _in_span(orgs, m.start(g), m.end(g))
        sup = before_of(m.start())
        if cust and sup:
            yield cust[-1], sup[-1]
    for m in _CUSTOMER.finditer(text):
        g = next(x for x in ("sup", "sup2", "sup3", "sup4", "sup5") if m[x] is not None)
        sup = _in_span(orgs, m.start(g), m.end(g))
        cust = before_of(m.start())
        if cust and sup:
            yield cust[-1], sup[-1]
    m = _CUSTOMER_OF_SUBJ.search(text)
    if m:
        cands = before_of(m.start())
        subj = [o for o in orgs if _seller_score(ctx, o) > 0]
        if cands and subj and cands[-1].key != subj[0].key:
            yield cands[-1], subj[0]
    m = _SUPPLY_ZH.search(text)
    if m:
        g = "cust" if m["cust"] is not None else "cust2"
        cust = _in_span(orgs, m.start(g), m.end(g))
        prov = [o for o in orgs if o.end <= m.start()]
        if cust and prov:
            yield cust[0], prov[-1]
    found = _product_purchase(ctx, orgs)
    if found:
        yield found


_SUPPLY_WITH = re.compile(r"\b(?:supply|supplies|supplied|supplying|provide|provides|provided|providing|equip|equips|"
                          r"equipped)\s+")
_BUY_FROM_ZH = re.compile(r"(?:向|从|自)(?P<s>[^，,。；;]{1,20}?)(?:处)?(?:采购|购买|购入|订购|租用|租赁|买入|进口)|"
                          r"(?:使用|采用|依赖|租用)(?P<s2>[^，,。；;]{1,20}?)提供的(?:算力|云|计算|GPU|芯片|服务器)")
_BUY_ANY = re.compile(r"采购|购买|订购|买入|购入|租用|\bbuy(?:s|ing)?\b|\bbought\b|\bpurchas\w*|\border(?:s|ed)?\b|"
                      r"\brent(?:s|ed|ing)?\b|\blease[sd]?\b|\bspend\w*\b")


def _product_purchase(ctx: SentenceContext, orgs: list[Mention]) -> tuple[Mention, Mention] | None:
    """``OpenAI pledged to buy $250 billion of Azure services``, ``采购H100芯片``: the product's maker is paid."""
    from dealgraph.ingest.gazetteer import default_gazetteer

    gaz = default_gazetteer()
    for m in _BUY_ANY.finditer(ctx.text):
        prods = [p for p in ctx.of_type("Product") if 0 <= p.start - m.end() <= 40
                 and not re.search(r"[。；;]", ctx.text[m.end():p.start])]
        buyers = [o for o in orgs if o.end <= m.start() and not re.search(r"[。；;]", ctx.text[o.end:m.start()])]
        if not prods or not buyers:
            continue
        e = gaz.entities.get(prods[0].key)
        if e and e.maker and e.maker != buyers[-1].key:
            return buyers[-1], _as_mention(e.maker)
    return None


def _deals_with(ctx: SentenceContext, orgs: list[Mention], st: RuleState) -> list[tuple[Mention, Mention]]:
    """``OpenAI is committed to ... a $300 billion agreement with Oracle and chip deals with Nvidia and Broadcom``."""
    text = ctx.text
    subject = orgs[0] if orgs else None
    out = []
    for m in _DEAL_WITH.finditer(text):
        first = next((o for o in orgs if o.start == m.end()), None)
        if first is None or subject is None or subject.key == first.key or subject.start > m.start():
            continue
        for o in [first, *_listed_after(ctx, first.end, strict=True)]:
            if o.key == subject.key:
                continue
            mine, theirs = _seller_score(ctx, subject), _seller_score(ctx, o)
            if theirs > 0 and theirs >= mine:
                out.append((subject, o))
            elif mine > 0 and mine > theirs:        # "Nebius widened its deal with Microsoft": the cloud sells
                out.append((o, subject))
    return out


def rule_purchase(ctx: SentenceContext, st: RuleState) -> Iterator[Fact]:
    """Who pays whom for compute: ``OpenAI与甲骨文签署算力采购合同``, ``为OpenAI部署……配备英伟达芯片``,
    ``拥有一百万枚英伟达H100 GPU``, ``buys chips from Nvidia``, ``微软是OpenAI的云服务供应商``."""
    text = ctx.text
    orgs = [m for m in ctx.orgs() if not _pure_investor(ctx, m.key)]
    if re.search(r"\b(?:purchase|buyout) of\b", text) and _ACQ.search(text):
        return                              # buying a company, not its products (rule_founded_acquired)
    units = {frozenset((a.key, b.key)) for a, b in _unit_pairs(ctx)}    # "AWS, Amazon's cloud arm": no sale
    pairs = list(dict.fromkeys((b, s) for b, s in _explicit_purchases(ctx, ctx.orgs())   # funds buy too, when said
                               if b.key != s.key and not _pure_investor(ctx, s.key)
                               and frozenset((b.key, s.key)) not in units))
    pair = pairs[0] if pairs else None
    if pair is None:
        deals = [(b, s) for b, s in _deals_with(ctx, orgs, st) if frozenset((b.key, s.key)) not in units]
        for buyer, seller in deals:
            yield from (f for f in [_rel("buysFrom", buyer, seller, ctx, st, status=_status(text))] if f)
        for buyer, seller in deals:         # "a $300 billion agreement with Oracle and chip deals with Nvidia"
            yield from _contract(ctx, st, buyer, seller, near=seller.start)
        if deals:
            return
        if not _BUY.search(text) or len({m.key for m in orgs}) < 2:
            return
        invests = re.search(r"投资|入股|注资|持股|股份|股权|\binvest|\bstake\b|\bshares?\b|\bown(?:s|ed)?\b|\bholding\b",
                            text) or _SHARE_EN.search(text)
        if invests:
            return                          # investment wording: a purchase here must be said explicitly
        compute = bool(_CHIP_WORDS.search(text) or re.search(r"云|数据中心|compute|cloud|data cent|capacity", text))
        deal = bool(ctx.money() and re.search(r"合同|协议|订单|contract|agreement|deal|order", text))
        ranked = sorted(orgs, key=lambda m: -_seller_score(ctx, m))
        if not (compute or deal) or not ranked or _seller_score(ctx, ranked[0]) <= 0:
            return
        seller = ranked[0]
        if re.search(r"\b(?:will )?(?:supply|supplies|supplied|provide|provides|sell|sells)\b|供应|提供|出售", text):
            return                          # the subject sells here; who buys is not said
        if sum(1 for m in orgs if _seller_score(ctx, m) > 0) >= 3:
            return                          # "与英伟达、超微、甲骨文等签下的协议": no single supplier to name
        others = [m for m in orgs if m.key != seller.key and _seller_score(ctx, m) < _seller_score(ctx, seller)
                  and frozenset((m.key, seller.key)) not in units]
        if not others:
            return
        pair = (others[0], seller)
        pairs = [pair]
    seen = set()
    for buyer, seller in pairs:
        if buyer.key == seller.key or (buyer.key, seller.key) in seen:
            continue
        seen.add((buyer.key, seller.key))
        yield from (f for f in [_rel("buysFrom", buyer, seller, ctx, st, status=_status(text))] if f)
        yield from _contract(ctx, st, buyer, seller, near=seller.start if len(pairs) > 1 or _DEAL_WITH.search(text)
                             else None)


_TOTAL_TO = re.compile(r"\b(?:taking|bringing|lifting|raising|pushing)\s+(?:the\s+|its\s+|their\s+)?(?:total|overall|"
                       r"combined|cumulative)\b[^.;]{0,70}?\bto\s+(?:about\s+|around\s+|roughly\s+|nearly\s+|some\s+)?$|"
                       r"(?:总额|总值|总金额|合同总额|累计金额)(?:增|提高|提升|扩大)?至(?:约|近)?$")


def _contract(ctx: SentenceContext, st: RuleState, buyer: Mention, seller: Mention,
              near: int | None = None) -> Iterator[Fact]:
    text = ctx.text
    money = ctx.money()
    caps = ctx.capacities
    if not (money or caps or re.search(r"合同|协议|contract|agreement|deal|意向书|letter of intent", text)):
        return
    subject = "GPUs" if re.search(r"GPU|芯片|chip|processor", text) else ("cloud compute" if re.search(
        r"算力|云|compute|cloud|capacity", text) else None)
    values = [("capacity", caps[0].text)] if caps else []
    if subject:
        values.append(("subject", subject))
    amount = next((a for a in money if not re.search(r"每年|平均|per year|a year|annual", text[max(0, a.start - 8):a.start])
                   and not re.search(r"stock|shares|股", text[a.end:a.end + 12])
                   and not re.search(r"\binvest\w*\s+(?:up to\s+|about\s+|as much as\s+)?$|(?:投资|注资|入股)(?:最多|约)?$",
                                     text[max(0, a.start - 25):a.start])), None)
    if near is not None and money:          # several deals in one sentence: this seller's own amount
        others = [o.start for o in ctx.orgs() if o.start != near]
        before = [a for a in money if a.end <= near and near - a.end <= 60
                  and not any(a.end <= p < near for p in others)]
        after = [a for a in money if a.start >= near and a.start - near <= 40
                 and not any(near < p <= a.start for p in others)]
        amount = before[-1] if before else (after[0] if after else None)
    total = next((a for a in money if _TOTAL_TO.search(text[max(0, a.start - 90):a.start])), None)
    # "expanded by $6.5 billion, taking the total to $22.4 billion": the expansion and the whole contract
    amounts = [amount] + ([total] if total is not None and total is not amount else [])
    for a in amounts:
        fact = Fact("Contract", st.evidence(ctx), roles=(("buyer", buyer.key), ("seller", seller.key)),
                    amount=a.amount if a else None, values=tuple(values), date=_date_near(ctx),
                    status=_status(text), reported_by=_reporter(ctx))
        st.last_contract, st.last_contract_at = fact, ctx.sentence.index
        yield fact


def rule_contract_capacity(ctx: SentenceContext, st: RuleState) -> Iterator[Fact]:
    """``这笔合同……需要至少4.5吉瓦(GW)的电力``: capacity for the contract just named."""
    c = st.last_contract
    if c is None or ctx.sentence.index - st.last_contract_at != 1 or not ctx.capacities or c.value("capacity"):
        return
    if not re.search(r"这笔|该合同|合同|协议|the deal|the contract|the agreement", ctx.text):
        return
    st.extra.append(c)
    new = Fact(c.kind, c.evidence, roles=c.roles, values=c.values + (("capacity", ctx.capacities[0].text),),
               amount=c.amount, date=c.date, status=c.status, reported_by=c.reported_by)
    st.last_contract = new
    yield new
