"""The generic boilerplate detector: appeals, nags, newsletter boxes, read-more lines …

No rule needed. Each block is judged on several weak signals added up: cue phrases of a
class (in eight languages, see ``lexicon``), a block that *starts* with a read-more or
share label, where its links lead (a donation page, a share intent), class/id names of the
same class, and its place (after the article's text). The sum must clear a threshold that
grows with the block's length, so a long paragraph of an article *about* donations keeps
its place while a short "Donate now" box goes.

The walk is top-down and pruned by text: a block none of whose words is a cue cannot hold
a block that has one, nor can a block without a cue word or phrase of the lexicon, so most
of an article is never looked at twice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from selectolax.lexbor import LexborNode

from ..clean import BUTTON_TRACE, EMAIL_TRACE
from ..measure import contains, find_tags, first_tag, tag_id
from ..patterns import Tokens
from ..selectors import class_and_id
from ..strings import lookup
from .lexicon import (
    HREF_HOSTS,
    HREF_SEGMENTS,
    LEXICON,
    SHARE_INTENTS,
    normalise,
)

# Elements judged as one block; inline elements belong to the block around them.
_BLOCKS = frozenset({
    "p", "div", "section", "aside", "header", "footer", "ul", "ol", "li", "dl", "dd", "dt",
    "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figure", "table", "tr", "td", "form",
    "center", "details", "article",
})
_BLOCK_IDS = frozenset(tag_id(tag) for tag in _BLOCKS)
_MAX_WORDS = 300  # longer blocks are never judged whole (their children may be)
_MAX_CHARS = 2500  # the same bound on the raw text, checked before any normalising
_LEAD_MAX_WORDS = 60  # "Read more: <headline>" is a line, not a paragraph
_LEAD = 3.0
_LABEL_EXTRA_WORDS = 4  # "Comments (12)", "Share this article on"
_HREF = 2.0
_CLASS = 2.0
_CONTROL = 2.0  # an e-mail field, a "Donate" button
_A = tag_id("a")
_EMAIL_CSS = f"[{EMAIL_TRACE}]"
_BUTTON_CSS = f"[{BUTTON_TRACE}]"
_TAIL = 1.0  # after the article's text, where appeals and nags sit
_TAIL_FROM = 0.7  # share of the root's text before a block that puts it at the tail
_MAX_LINKS = 12  # links of a block whose destination is looked at
_PROMPT_KINDS = frozenset({"comments", "share", "ad", "other"})
_PROMPT_WORDS = 12  # a block this short is a prompt whatever its order
_PROMPT_OPENING = 10  # characters into the block where a prompt's phrase may start ("Please")
_CORROBORATE = 40  # blocks longer than this need two firm signals, not one
_WEAK_CAP = 2.0  # weak words of one kind never add up to more than this
_CUE_LINE_WORDS = 6
_SHARE_LINK_WORDS = 15  # a share button counts in a share bar, not beside a paragraph
_TAIL_KINDS = frozenset({"appeal", "subscribe", "newsletter", "readmore", "share"})
# Marks that a lead is a label ("Read more: …", "Lire aussi >> …") and not a sentence.
_LABEL_MARKS = (":", ">", "»", "›", "→", "|", "–", "—", "-", "…", "(")
# The pre-test's sets, in the forms a whitespace split of raw text yields.
_SCAN = lookup(LEXICON.raw_cues, LEXICON.raw_firm)
_CUE, _FIRM = 1, 2  # their bits in what ``_SCAN`` met

# Class/id words per class, for the kind of a block and as one more signal.
_CLASS_KINDS = (
    ("newsletter", Tokens(("newsletter", "signup", "sign-up", "mailchimp", "optin", "opt-in"))),
    ("appeal", Tokens(("donat", "spende", "contribut", "support-us", "supportus"))),
    ("subscribe", Tokens(("subscri", "paywall", "regwall", "premium", "piano", "abonn"))),
    ("readmore", Tokens(("related", "recommend", "most-read", "mostread", "most-popular",
                         "mostpopular", "trending", "read-more", "readmore", "more-stories",
                         "empfehl", "recommand"))),
    ("share", Tokens(("share", "sharing", "social"))),
    ("comments", Tokens(("comment", "disqus", "reply"))),
    ("ad", Tokens(("advert", "sponsor", "promo", "outbrain", "taboola", "affiliate"),
                  ("ad", "ads"))),
    ("other", Tokens(("cookie", "consent", "gdpr"))),
)


@dataclass(slots=True)
class Evidence:
    """What fired for one block, per kind."""

    scores: dict[str, float] = field(default_factory=dict)
    signals: dict[str, list[str]] = field(default_factory=dict)
    weak: dict[str, float] = field(default_factory=dict)
    #: Kinds with at least one signal that is more than a common word.
    firm: set[str] = field(default_factory=set)
    firm_signals: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, weight: float, signal: str, *, firm: bool = True) -> None:
        if not firm:
            spent = self.weak.get(kind, 0.0)
            weight = min(weight, _WEAK_CAP - spent)
            if weight <= 0:
                return
            self.weak[kind] = spent + weight
        else:
            self.firm.add(kind)
            self.firm_signals[kind] = self.firm_signals.get(kind, 0) + 1
        self.scores[kind] = self.scores.get(kind, 0.0) + weight
        self.signals.setdefault(kind, []).append(signal)

    def best(self) -> tuple[str, float] | None:
        """The kind with the highest score among those with a firm signal."""
        firm = sorted(self.firm)  # (every firm kind has a score)
        if not firm:
            return None  # common words alone never make a block boilerplate
        kind = max(firm, key=self.scores.__getitem__)
        return kind, self.scores[kind]


@lru_cache(maxsize=4096)
def class_kind(names: str) -> str | None:
    """The boilerplate class a class/id string names ("newsletter-box" → newsletter);
    cached per distinct string, as ``patterns.class_weight`` is."""
    if not names:
        return None
    lowered = names.lower()
    for kind, tokens in _CLASS_KINDS:
        if tokens.search(lowered):
            return kind
    return None


def detect(root: LexborNode, traces: Sequence[LexborNode], *, inclusive: bool = False
           ) -> list[tuple[LexborNode, tuple[str, str]]]:
    """Blocks under ``root`` (with ``inclusive``, ``root`` itself first) that the signals
    call boilerplate, with (kind, reason). ``traces``: the elements clean marked with form
    controls' traces (``Page.traces``); ``inclusive`` is for blocks beside the article,
    which have no place in its text."""
    scan = _Scan(root, inclusive, traces)
    found: list[tuple[LexborNode, tuple[str, str]]] = []
    stack = [root] if inclusive else _children(root)[::-1]
    while stack:
        node = stack.pop()
        verdict, descend = _visit(node, scan)
        if verdict is not None:
            found.append((node, verdict))
        elif descend:
            stack.extend(_children(node)[::-1])
    return found


class _Scan:
    """What one ``detect`` call reads at most once: the pre-test of each distinct block
    text (wrappers repeat their only child's text), the root's text for the tail test and
    whether any form-control trace lies under the root, the last two only when asked."""

    __slots__ = ("_marked", "_raw", "_traces", "inclusive", "root", "tested")

    def __init__(self, root: LexborNode, inclusive: bool,
                 marked: Sequence[LexborNode]) -> None:
        self.root, self.inclusive, self._marked = root, inclusive, marked
        self.tested: dict[str, tuple[str, list[str]] | bool] = {}
        self._raw: str | None = None
        self._traces: bool | None = None

    def root_raw(self) -> str:
        """The root's text; empty for blocks beside the article (they have no tail)."""
        if self._raw is None:
            self._raw = "" if self.inclusive else self.root.text(separator=" ")
        return self._raw

    def traces(self) -> bool:
        """True when a control trace lies on the root or under it (a block without one
        below the root cannot have one either), told by the few elements clean marked."""
        if self._traces is None:
            self._traces = any(contains(self.root, node) for node in self._marked)
        return self._traces


def _visit(node: LexborNode, scan: _Scan) -> tuple[tuple[str, str] | None, bool]:
    """(verdict, whether to look inside) for one block. Big blocks are walked through
    unjudged; a block none of whose words is a cue holds no block that has one."""
    raw = node.text(separator=" ")
    if len(raw) > _MAX_CHARS:
        return None, True
    tested = scan.tested.get(raw)
    if tested is None:
        tested = scan.tested[raw] = _pretest(raw)
    if tested is False:
        return None, False
    if tested is True:
        return None, True
    norm, words = tested
    evidence = Evidence()
    _cue_words(evidence, norm, words)
    if not evidence.scores:
        # No cue word or phrase: nor has a block inside, whose words are a run of these
        # (its text is part of this one). Nothing to judge here or below.
        scan.tested[raw] = False
        return None, False
    return _judge(node, raw, norm, words, evidence, scan), True


def _pretest(raw: str) -> tuple[str, list[str]] | bool:
    """What the text alone says of a block: False (no cue: skip it and its children),
    True (look inside only) or its normal form and words, to be judged."""
    count, met = _SCAN(raw)  # (without a str per word: most blocks end here)
    if not met & _CUE:
        return False
    if not met & _FIRM and count > _CUE_LINE_WORDS and not _may_lead(raw, count):
        return True  # nothing here can be a firm signal; a child may start with a label
    norm = normalise(raw)
    words = norm.split(" ")
    if len(words) > _MAX_WORDS:
        return True
    return norm, words


def _may_lead(raw: str, count: int) -> bool:
    """True when the block (of ``count`` words) may open with a lead label ("Read more:",
    "Lire aussi")."""
    if count > _LEAD_MAX_WORDS:
        return False
    # the first words of raw.lower().split(): lower() neither makes nor takes white space,
    # and a word's lower case does not depend on the words around it
    tokens = raw.split(None, 3)[:3]
    first = tokens[0].lower()
    if first.isalnum() and first not in LEXICON.lead:
        return False  # a plain first word that opens no lead settles it (most prose)
    head = normalise(" ".join(tokens)).split(" ")
    return head[0] in LEXICON.lead_starts or " ".join(head[:2]) in LEXICON.lead_starts


def _children(node: LexborNode) -> list[LexborNode]:
    # by tag id: reading it costs half of reading the tag's name
    return [child for child in node.iter() if child.tag_id in _BLOCK_IDS]


def _judge(node: LexborNode, raw: str, norm: str, words: list[str], evidence: Evidence,
           scan: _Scan) -> tuple[str, str] | None:
    """The verdict on a block with cue words (``evidence``): the other signals added."""
    need = _threshold(len(words), node.tag)
    _lead(evidence, node, norm, words)
    kind_by_class = class_kind(class_and_id(node).strip())
    if kind_by_class is not None:
        evidence.add(kind_by_class, _CLASS, "class/id names it")
    if scan.traces():
        _controls(evidence, node)
    href_weight = _HREF if len(words) <= 40 else _HREF / 2
    if max(evidence.scores.values()) + href_weight + _TAIL >= need:  # links could decide
        links = [a for a in find_tags(node, _A) if "href" in a.attrs]  # css("a[href]")
        _hrefs(evidence, links, href_weight,
               share=len(words) <= _SHARE_LINK_WORDS)
    best = evidence.best()
    if best is None:
        return None
    kind, score = best
    if kind in _TAIL_KINDS and _at_tail(raw, scan.root_raw()):
        score += _TAIL
        evidence.signals[kind].append("after the article text")
    if score < need or (len(words) > _CORROBORATE and _firm_count(evidence, kind) < 2):
        return None
    fired = "; ".join(evidence.signals[kind])
    return kind, f"generic detector: {fired} (score {score:g} ≥ {need:g})"


def _controls(evidence: Evidence, node: LexborNode) -> None:
    """The form controls the block held (clean removed them and left a trace): an e-mail
    field is a sign-up box; a button labelled "Donate" or "Subscribe" says what it is for."""
    if node.css_first(_EMAIL_CSS) is not None:
        evidence.add("newsletter", _CONTROL, "an e-mail field")
    for holder in node.css(_BUTTON_CSS)[:_MAX_LINKS]:
        label = normalise(holder.attrs.get(BUTTON_TRACE) or "").split(" ")
        kinds = {kind for word in label for kind, _ in LEXICON.words.get(word, ())}
        for kind in sorted(kinds):
            evidence.add(kind, _CONTROL, f"a button '{' '.join(label)}'")
        if kinds:
            return


def _firm_count(evidence: Evidence, kind: str) -> int:
    return evidence.firm_signals.get(kind, 0)


def _cue_words(evidence: Evidence, norm: str, words: list[str]) -> None:
    """Add the cue words and phrases of the block, each once (a word is looked at once,
    a phrase is listed under one of its words only)."""
    present = sorted(LEXICON.cue_words.intersection(words))  # sorted: same reason every run
    padded = f" {norm} "
    cue_words = 0
    line = len(words) <= _CUE_LINE_WORDS  # only a short line needs its cue words counted
    for word in present:
        cues = LEXICON.words.get(word, ())
        if cues and line:
            cue_words += words.count(word)
        for kind, weight in cues:
            evidence.add(kind, weight, f"word '{word}'", firm=False)
        for phrase, kind, weight in LEXICON.phrases.get(word, ()):
            if f" {phrase} " in padded:
                firm = weight > 1 and (kind not in _PROMPT_KINDS or _is_prompt(padded, phrase,
                                                                               len(words)))
                evidence.add(kind, weight, f"phrase '{phrase}'", firm=firm)
    if line and cue_words * 2 >= len(words) and evidence.weak:
        # "Donate", "Newsletter abonnieren": a line of nothing but cue words is a button
        kind = max(sorted(evidence.weak), key=evidence.weak.__getitem__)
        evidence.add(kind, 0.0, "a short line of cue words")


def _is_prompt(padded: str, phrase: str, words: int) -> bool:
    """A prompt is the block ("Leave a Reply") or opens it; in the middle of a sentence the
    same words describe something ("users can now leave a comment on videos")."""
    return words <= _PROMPT_WORDS or padded.find(f" {phrase} ") <= _PROMPT_OPENING


def _lead(evidence: Evidence, node: LexborNode, norm: str, words: list[str]) -> None:
    """A block that starts with a label: "Read more: <headline>", "Share", "Advertisement".

    A read-more label must be marked as one (a colon, an arrow …) or be followed by links;
    the other labels must be (nearly) all there is, so "Comments and replies are …" in an
    article's prose is not a comments prompt.
    """
    if len(words) > _LEAD_MAX_WORDS:
        return
    for phrase, kind, _ in LEXICON.lead.get(words[0], ()):
        if norm == phrase:
            evidence.add(kind, _LEAD, f"is the label '{phrase}'")
            return
        if not norm.startswith(phrase + " "):
            continue
        if kind == "readmore":
            linked = first_tag(node, _A) is not None
            if (linked and _mostly_links(node, len(phrase))) or _labelled(node, phrase):
                evidence.add(kind, _LEAD, f"starts with the label '{phrase}'")
                return
        elif len(words) <= phrase.count(" ") + 1 + _LABEL_EXTRA_WORDS:
            evidence.add(kind, _LEAD, f"starts with the label '{phrase}'")
            return


def _mostly_links(node: LexborNode, label_chars: int) -> bool:
    """True when links hold most of the text after the label."""
    rest = max(1, len(" ".join(node.text(separator=" ").split())) - label_chars)
    linked = sum(len(" ".join(a.text(separator=" ").split())) for a in find_tags(node, _A))
    return linked >= 0.6 * rest


def _labelled(node: LexborNode, phrase: str) -> bool:
    """True when the raw text puts a mark (':', '>>', '»' …) right after the lead."""
    raw = " ".join(node.text(separator=" ").split()).lower()
    cut = raw[len(phrase):len(phrase) + 3].lstrip()
    return bool(cut) and cut[0] in "".join(_LABEL_MARKS)


# host (when absolute) and first path segment of a link
_URL_RE = re.compile(r"(?:[a-z][a-z0-9+.-]*:)?(?://([^/?#]*))?/?([^/?#]*)")


def _hrefs(evidence: Evidence, links: list[LexborNode], weight: float, *,
           share: bool) -> None:
    """Where the links lead: a donation page, a sign-up form, a share intent. Only the host
    and the first path segment count: an article's slug may say "donation" too."""
    fired: set[str] = set()
    for link in links[:_MAX_LINKS]:
        href = (link.attrs.get("href") or "").strip().lower()
        kind = _destination_kind(href)
        if kind is not None and kind not in fired and (share or kind != "share"):
            fired.add(kind)
            evidence.add(kind, weight, f"links to {href[:60]}")


@lru_cache(maxsize=4096)
def _destination_kind(href: str) -> str | None:
    """The kind a link's destination names (cached: share bars repeat their links)."""
    if href.startswith(("mailto:?", "whatsapp:")):
        return "share"
    parts = _URL_RE.match(href)
    if parts is None:
        return None
    host, segment = parts.group(1) or "", parts.group(2)
    if host and (host + "/" + segment).startswith(SHARE_INTENTS):
        return "share"
    if host:
        for kind, cues in HREF_HOSTS.items():
            if any(cue in host for cue in cues):
                return kind
    for kind, cues in HREF_SEGMENTS.items():
        if segment.startswith(cues):
            return kind
    return None


def _at_tail(raw: str, root_raw: str) -> bool:
    if not root_raw:
        return False
    start = root_raw.find(raw[:80])
    return start >= 0 and start >= _TAIL_FROM * len(root_raw)


def _threshold(words: int, tag: str | None) -> float:
    """The score a block of this length must reach: short lines need little, paragraphs of
    prose need several independent signals."""
    if words <= 12:
        need = 2.5
    elif words <= 40:
        need = 3.0
    elif words <= 100:
        need = 4.0
    else:
        need = 5.5
    if tag == "p" and words > 40:
        need += 1.0  # a paragraph of prose is the article's unless much says otherwise
    return need
