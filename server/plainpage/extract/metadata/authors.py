"""Reading a name out of a byline element.

An author box holds more than the name: a job title ("Games Editor"), a date, a photo, a
bio, "Follow" links. Their class names say what they are, so the text is read with those
parts left out; when the box links to author pages and holds other words beside the links,
the links' texts are the names.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

# Class/id words of the parts of an author box that are not the name. "title" only inside
# a box: an element of its own called "author-card__title" is the name.
_ROLE_WORD = re.compile(
    r"(?:^|[\s_-])(?:role|position|job|jobtitle|bio|biography|about"
    r"|date|time|timestamp|dateline|updated|published|avatar|image|img|photo|pic|picture"
    r"|headshot|social|follow|share|designation|occupation|credentials?|caption"
    r"|count|posts|karma|rank|badge)(?:$|[\s_-])",
    re.IGNORECASE)
_INNER_ROLE_WORD = re.compile(r"(?:^|[\s_-])(?:title|subtitle)(?:$|[\s_-])", re.IGNORECASE)
_AUTHOR_TITLE = re.compile(r"author[\s_-]*(?:title|subtitle)", re.IGNORECASE)
_ROLE_ITEMPROP = frozenset({"jobtitle", "description", "datepublished", "datemodified",
                            "image", "worksfor", "affiliation"})
# Boxes that name authors without being this article's byline: "Follow these authors",
# "More from …", a comment's author.
_OTHER_AUTHORS = re.compile(r"follow|share|social|related|recommend|comment|reply|more",
                            re.IGNORECASE)
_ELSEWHERE = re.compile(r"comment|reply|related|recommend", re.IGNORECASE)
_ANCESTORS = 6
_SKIP_TAGS = frozenset({"time", "img", "picture", "svg", "script", "style", "noscript",
                        "button", "figure", "template", "select", "input"})
_AUTHOR_HREF = re.compile(
    r"/(?:author|authors|autor|auteur|people|person|staff|profile|profiles|contributors?"
    r"|writers?|journalists?|team|u|user|users|members?|by)/", re.IGNORECASE)
# Words that may stand beside the names without being a name: "By A and B".
_CONNECTORS = re.compile(
    r"\b(?:written|posted|published|reported|by|von|par|por|door|and|und|et|y|e|with|mit"
    r"|avec|con)\b|[^\w]+", re.IGNORECASE)
_JOINER = re.compile(r",|&|\b(?:and|und|et|y|e|og|och|en|i)\b", re.IGNORECASE)
# "author-name", "author__name", "username", "name"; not "fullname-hidden" or "surname".
_NAME_CLASS = re.compile(r"(?:^|[\s_-])(?:user|display|author|full)?name(?:$|\s)",
                         re.IGNORECASE)
_MAX_PARTS = 80
_MAX_TEXT = 400


def other_authors(node: LexborNode) -> bool:
    """Whether an element marked as an author's is a box of other authors (its class or
    id says follow, share, related, comment …)."""
    attrs = node.attributes
    if _OTHER_AUTHORS.search(f"{attrs.get('class') or ''} {attrs.get('id') or ''}"):
        return True
    parent = node.parent
    for _ in range(_ANCESTORS):  # inside a comment or a related-stories box
        if parent is None or parent.tag in ("body", "html"):
            return False
        attrs = parent.attributes
        if _ELSEWHERE.search(f"{attrs.get('class') or ''} {attrs.get('id') or ''}"):
            return True
        parent = parent.parent
    return False


def role_node(node: LexborNode, inner: bool = False) -> bool:
    """Whether ``node`` is a part of an author box other than the name (by class, id,
    itemprop or tag); ``inner`` for an element inside the box."""
    if node.tag in _SKIP_TAGS:
        return True
    attrs = node.attributes
    words = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
    if words.strip() and (_ROLE_WORD.search(words) or _AUTHOR_TITLE.search(words)
                          or (inner and _INNER_ROLE_WORD.search(words))):
        return True
    return (attrs.get("itemprop") or "").lower() in _ROLE_ITEMPROP


def node_byline(node: LexborNode) -> str | None:
    """The byline text of an author element, without its role, date or photo parts."""
    if node.tag == "meta":
        return node.attributes.get("content")
    name = node.css_first('[itemprop="name"]') or _name_part(node)
    if name is not None:
        return name.attributes.get("content") or _text(name)
    text = _text(node)
    if not text:
        return None  # empty, or too long to be a byline
    links = _author_links(node)
    rest = _minus(text, links) if links else ""
    # Other words beside the links ("Games Editor"), or names with nothing between them:
    # the links are the names.
    if links and (_CONNECTORS.sub("", rest) or (len(links) > 1 and not _JOINER.search(rest))):
        return ", ".join(links)
    return text


def _name_part(node: LexborNode) -> LexborNode | None:
    """A descendant whose class says it is the name ("author__name", "username")."""
    for part in node.css('[class*="name" i]')[:4]:  # Lexbor's css() includes node itself
        if (part.mem_id != node.mem_id and _NAME_CLASS.search(part.attributes.get("class") or "")
                and _text(part)):
            return part
    return None


def _text(node: LexborNode) -> str:
    """``node``'s text with role parts left out, on one line; "" when its whole text runs
    past ``_MAX_TEXT`` characters (a container, not a byline: no need to read it all)."""
    parts: list[str] = []
    if not _collect(node, parts, [0], keep=True):
        return ""
    return " ".join(" ".join(parts).split()).replace(" ,", ",")


def _collect(node: LexborNode, parts: list[str], size: list[int], keep: bool) -> bool:
    """Append the text nodes under ``node`` to ``parts`` (role parts only counted, so a
    box is judged by its whole size); False once past the limit."""
    child = node.child
    while child is not None:
        if child.is_text_node:
            text = child.text_content or ""
            size[0] += len(text.strip())
            if size[0] > _MAX_TEXT or len(parts) > _MAX_PARTS:
                return False
            if keep:
                parts.append(text)
        elif child.is_element_node and not _collect(
                child, parts, size, keep and not role_node(child, inner=True)):
            return False
        child = child.next
    return True


def _author_links(node: LexborNode) -> list[str]:
    names: list[str] = []
    for link in node.css("a")[:8]:
        attrs = link.attributes
        if "author" in (attrs.get("rel") or "") or _AUTHOR_HREF.search(attrs.get("href") or ""):
            text = _text(link)
            if text and text not in names:
                names.append(text)
    return names


def _minus(text: str, parts: list[str]) -> str:
    for part in parts:
        text = text.replace(part, " ")
    return text
