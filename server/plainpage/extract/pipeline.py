"""The extraction pipeline: the order of the stages, written once.

prescan → parse → site → marks → clean → signals → candidates → classify → metadata → render
(→ fallback: readability-lxml's second opinion when our confidence is low)

Each stage is a module of its own; this file only calls them in order and hands each one's
result to the next. ``site`` (a site rule's transforms) and ``clean`` are the only stages
that change the tree; ``classify`` returns the nodes to leave out and ``render`` skips them.
With ``Options.time_budget`` the budget is checked after every stage (``budget.Budget``).
"""

from __future__ import annotations

from ..model import Article
from ..options import Options
from ..rules import RuleSet
from . import (
    candidates,
    classify,
    clean,
    decode,
    fallback,
    marks,
    metadata,
    parse,
    prescan,
    render,
    signals,
    site,
)
from .assemble import assemble, empty_article
from .budget import Budget


def run(data: str | bytes, url: str | None, options: Options,
        charset: str | None = None, rules: RuleSet | None = None) -> Article:
    """Extract the article from ``data`` (a whole HTML document)."""
    budget = Budget(options.time_budget)              # OverBudget once it is spent
    source = decode.decode(data, charset)             # 0. bytes → str; refuses non-HTML
    text = source.text
    prescan.check(text, options, source.utf8)         # 1. refuse documents too costly to parse
    if not text.strip():
        return empty_article(url)
    page = parse.parse(text, url, source.utf8)        # 2. the one parse of the page
    budget.check("parse")
    rule = site.match(rules, url)                     # 3. the site rule, if any …
    site.transform(page, rule)                        #    … rewrites a few nodes
    marks.read(page, rule)                            #    next page, locked parts: pre-clean
    pending = clean.clean(page, options)              # 4. scripts, styles, hidden, forms
    ruled = site.prepare(page, rule)                  #    what the rule strips
    budget.check("clean")
    sig = signals.compute(page, options)              # 5. per-node text statistics
    budget.check("signals")
    choice = (site.choose(page, ruled)                # 6. the content root and confidence
              or candidates.choose(page, sig, options))
    budget.check("candidates")
    decision = classify.classify(page, choice, sig, options, pending, ruled.hits,  # 7. boilerplate
                                 budget=budget)
    budget.check("classify")
    meta = site.metadata(page, ruled, metadata.extract(page, options))  # 8. title, byline, …
    rendered = render.render(choice.roots, page, decision.drops, options)  # 9. blocks → outputs
    budget.check("render")
    if (options.fallback and choice.root is not None and choice.confidence < options.fallback_below
            and budget.half_left()):  # it cannot be stopped, and costs about all of the above
        # readability-lxml's second opinion (it parses with lxml, so only for weak choices)
        rendered = fallback.second_opinion(text, page, rendered, options) or rendered
        budget.check("fallback")
    return assemble(page, meta, rendered, choice, decision, options)
