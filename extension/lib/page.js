/**
 * Functions that run inside the user's tab through scripting.executeScript({func}).
 * The browser serialises each function's source, so each must be self-contained: no
 * imports, no closures over module variables.
 */

/** The live DOM as the user sees it (JS-inserted nodes included), and the page's address. */
export function capturePage() {
  const doctype = document.doctype?.name === "html" ? "<!DOCTYPE html>\n" : "";
  return { html: doctype + document.documentElement.outerHTML, url: location.href,
           title: document.title };
}

/**
 * Where the article's blocks and the removed blocks are in page order, as offsets in the
 * page's whitespace-collapsed text (-1: not found). Removed blocks are found by the API's CSS
 * path, else by their text; article blocks by a short prefix of their text, searched
 * forward so repeated phrases keep reading order.
 */
export function locateInPage(blockPrefixes, removed) {
  const skip = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE"]);
  const walker = document.createTreeWalker(document.body ?? document.documentElement,
                                           NodeFilter.SHOW_TEXT);
  const starts = new Map();
  let text = "";
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (skip.has(node.parentElement?.tagName)) {
      continue;
    }
    let piece = node.data.replace(/\s+/g, " ");
    if (text.endsWith(" ") && piece.startsWith(" ")) {
      piece = piece.slice(1);
    }
    starts.set(node, text.length);
    text += piece;
  }
  const find = (prefix, from) => {
    const wanted = prefix.replace(/\s+/g, " ").trim();
    if (!wanted) {
      return -1;
    }
    const ahead = text.indexOf(wanted, from);
    return ahead >= 0 ? ahead : text.indexOf(wanted);
  };
  const offsetOf = (element) => {
    const inner = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = inner.nextNode(); node; node = inner.nextNode()) {
      if (starts.has(node)) {
        return starts.get(node);
      }
    }
    return -1;
  };
  let cursor = 0;
  const blocks = blockPrefixes.map((prefix) => {
    const at = find(prefix, cursor);
    if (at >= 0) {
      cursor = at + 1;
    }
    return at;
  });
  const removedAt = removed.map(({ selector, prefix }) => {
    let element = null;
    try {
      element = selector ? document.querySelector(selector) : null;
    } catch {
      element = null; // a selector this browser does not parse
    }
    const at = element ? offsetOf(element) : -1;
    return at >= 0 ? at : find(prefix, 0);
  });
  return { blocks, removed: removedAt };
}
