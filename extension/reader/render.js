/**
 * The article's blocks as DOM, built with createElement/textContent only. Every string here
 * came from the page through the API and is treated as hostile: it never reaches innerHTML,
 * and the only markup taken from it is an allow-list of inline elements (links, emphasis,
 * code …) rebuilt one by one from an inert DOMParser document (see appendInline).
 */

const INLINE = new Set(["a", "em", "i", "strong", "b", "u", "s", "code", "sub", "sup", "mark",
                        "small", "q", "abbr", "cite", "time", "br", "kbd", "var", "dfn", "del",
                        "ins"]);
// Inline markup is unwrapped from anything else; these go entirely (lists and tables are
// rendered from the block's structure, not its HTML; the rest is active content).
const DROP = new Set(["script", "style", "template", "noscript", "svg", "math", "iframe",
                      "object", "embed", "img", "picture", "video", "audio", "source", "ul",
                      "ol", "table", "form", "input", "button", "select", "textarea", "link",
                      "meta", "base", "frame", "frameset", "canvas"]);
const LINK_SCHEMES = new Set(["http:", "https:", "mailto:"]);
const IMAGE_SCHEMES = new Set(["http:", "https:"]);

/** Render `blocks` into `parent`; returns the top-level elements in reading order. */
export function renderBlocks(parent, blocks, baseUrl) {
  const made = [];
  for (const block of blocks) {
    const element = renderBlock(block, baseUrl);
    if (element) {
      parent.append(element);
      made.push(element);
    }
  }
  return made;
}

function renderBlock(block, baseUrl) {
  if (!block || typeof block !== "object") {
    return null;
  }
  switch (block.type) {
    case "heading":
      return withInline(`h${Math.min(6, Math.max(2, Number(block.level) || 2))}`, block, baseUrl);
    case "list":
      return renderList(block, baseUrl);
    case "quote":
      return renderQuote(block, baseUrl);
    case "code":
      return renderCode(block);
    case "figure":
      return renderFigure(block, baseUrl);
    case "table":
      return renderTable(block);
    case "rule":
      return document.createElement("hr");
    default: // paragraph, and any type a newer API may add: its text still reads
      return withInline("p", block, baseUrl);
  }
}

function withInline(tag, block, baseUrl) {
  const element = document.createElement(tag);
  appendInline(element, block, baseUrl);
  return element;
}

function renderList(block, baseUrl) {
  const list = document.createElement(block.ordered ? "ol" : "ul");
  const items = Array.isArray(block.children) ? block.children : [];
  for (const item of items) {
    const li = withInline("li", item, baseUrl);
    for (const nested of item?.children ?? []) { // an item's children are its nested lists
      const sub = renderBlock(nested, baseUrl);
      if (sub) {
        li.append(sub);
      }
    }
    list.append(li);
  }
  return list;
}

function renderQuote(block, baseUrl) {
  const quote = document.createElement("blockquote");
  if (Array.isArray(block.children) && block.children.length) {
    renderBlocks(quote, block.children, baseUrl);
  } else {
    quote.append(withInline("p", block, baseUrl));
  }
  return quote;
}

function renderCode(block) {
  const pre = document.createElement("pre");
  const code = document.createElement("code");
  code.textContent = String(block.text ?? "");
  if (typeof block.language === "string" && /^[\w+#.-]{1,30}$/.test(block.language)) {
    pre.dataset.language = block.language;
  }
  pre.append(code);
  return pre;
}

function renderFigure(block, baseUrl) {
  const figure = document.createElement("figure");
  const src = safeUrl(block.src, baseUrl, IMAGE_SCHEMES);
  if (src) {
    const img = document.createElement("img");
    img.src = src;
    img.alt = String(block.alt ?? "");
    img.loading = "lazy";
    img.decoding = "async";
    img.referrerPolicy = "no-referrer";
    figure.append(img);
  }
  const caption = String(block.caption ?? "") || (src ? "" : String(block.text ?? ""));
  if (caption) {
    const figcaption = document.createElement("figcaption");
    figcaption.textContent = caption;
    figure.append(figcaption);
  }
  return figure.childElementCount ? figure : null;
}

function renderTable(block) {
  const rows = Array.isArray(block.rows) ? block.rows : [];
  if (!rows.length) {
    return withInline("p", { text: block.text });
  }
  const wrap = document.createElement("div");
  wrap.className = "table-wrap";
  const table = document.createElement("table");
  const headerRows = Math.max(0, Number(block.header_rows) || 0);
  const head = document.createElement("thead");
  const body = document.createElement("tbody");
  rows.forEach((row, index) => {
    const tr = document.createElement("tr");
    for (const cell of Array.isArray(row) ? row : []) {
      const td = document.createElement(index < headerRows ? "th" : "td");
      td.textContent = String(cell ?? "");
      tr.append(td);
    }
    (index < headerRows ? head : body).append(tr);
  });
  if (head.childElementCount) {
    table.append(head);
  }
  table.append(body);
  wrap.append(table);
  return wrap;
}

/**
 * The block's inline content: from its sanitised HTML when present (links, emphasis), else
 * its text. The HTML is parsed into an inert document (no scripts run, nothing loads) and
 * only allow-listed elements are re-created here; attributes are copied by name, never all.
 */
export function appendInline(parent, block, baseUrl) {
  const html = typeof block?.html === "string" ? block.html : "";
  if (!html) {
    parent.textContent = String(block?.text ?? "");
    return;
  }
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  const top = doc.body.childElementCount === 1 ? doc.body.firstElementChild : doc.body;
  copyChildren(top, parent, baseUrl);
  if (!parent.textContent.trim() && block.text) {
    parent.textContent = String(block.text); // nothing usable in the HTML: the text still reads
  }
}

function copyChildren(from, to, baseUrl) {
  for (const node of from.childNodes) {
    if (node.nodeType === Node.TEXT_NODE) {
      to.append(document.createTextNode(node.data));
    } else if (node.nodeType === Node.ELEMENT_NODE) {
      const tag = node.localName;
      if (DROP.has(tag)) {
        continue;
      }
      if (!INLINE.has(tag)) {
        copyChildren(node, to, baseUrl); // unwrap: keep its text and allowed children
        continue;
      }
      const copy = document.createElement(tag);
      copyAttributes(node, copy, baseUrl);
      copyChildren(node, copy, baseUrl);
      to.append(copy);
    }
  }
}

function copyAttributes(from, to, baseUrl) {
  if (to.localName === "a") {
    const href = safeUrl(from.getAttribute("href"), baseUrl, LINK_SCHEMES);
    if (href) {
      to.href = href;
      to.rel = "noopener noreferrer";
    }
  } else if (to.localName === "abbr" && from.hasAttribute("title")) {
    to.title = from.getAttribute("title");
  } else if (to.localName === "time" && from.hasAttribute("datetime")) {
    to.dateTime = from.getAttribute("datetime");
  }
}

/** An absolute URL with an allowed scheme, or null ("javascript:", "data:" … never pass). */
export function safeUrl(value, baseUrl, schemes) {
  if (typeof value !== "string" || !value.trim()) {
    return null;
  }
  try {
    const url = baseUrl ? new URL(value, baseUrl) : new URL(value);
    return schemes.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}
