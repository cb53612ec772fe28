/**
 * "Make a rule from this": a ready rules/<host>.toml for a pull request, written the way
 * `plainpage rules fmt` writes it (keys in schema order, the same string quoting), so that
 * `plainpage rules fmt --check` accepts it unchanged. The format is rules/README.md's.
 */

/** The kinds a rule may label a removal as; the core's own nav/hidden/noise are not among them. */
export const RULE_KINDS = Object.freeze([
  "appeal", "subscribe", "newsletter", "readmore", "share", "comments", "ad", "other",
]);
const PLACEHOLDER = "TODO";
const WIDTH = 100; // fmt.py: longest line before an array goes one item per line
const ESCAPES = { '"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n",
                  "\f": "\\f", "\r": "\\r" };

export function ruleKind(kind) {
  return RULE_KINDS.includes(kind) ? kind : "other";
}

/** The host a rule file is named after: lower case, no port, no trailing dot, no "www.". */
export function ruleHost(pageUrl) {
  return new URL(pageUrl).hostname.toLowerCase().replace(/\.$/, "").replace(/^www\./, "");
}

/** A fixture file name from the page address, as `plainpage rules new` makes one. */
export function fixtureName(pageUrl) {
  const last = new URL(pageUrl).pathname.split("/").filter(Boolean).pop() ?? "";
  const stem = decodeSafely(last).replace(/\.[^.]*$/, "").toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-").replace(/^[-._]+|[-._]+$/g, "");
  return `${stem || "page"}.html`;
}

/** A short phrase from the start of `text`: its first sentence, at most `max` characters. */
export function leadPhrase(text, max = 90) {
  const flat = String(text ?? "").replace(/\s+/g, " ").trim();
  const sentence = flat.match(/^.*?[.!?](?=\s|$)/)?.[0] ?? flat;
  if ([...sentence].length <= max) {
    return sentence;
  }
  const cut = [...sentence].slice(0, max).join("");
  return cut.slice(0, Math.max(cut.lastIndexOf(" "), 1)).trim();
}

/**
 * The whole rule file. `junkText` (the removed block's text) and `articleText` (a sentence of
 * the article) fill the test's `absent` and `contains`; missing ones stay TODO placeholders,
 * which `plainpage rules check` refuses until they are replaced.
 */
export function ruleSnippet({ pageUrl, selector, kind, junkText = "", articleText = "" }) {
  const url = new URL(pageUrl);
  const host = ruleHost(pageUrl);
  const fixture = fixtureName(pageUrl);
  const ruleKindName = ruleKind(kind);
  const contains = leadPhrase(articleText) || `${PLACEHOLDER}: replace with a sentence of the article`;
  const absent = leadPhrase(junkText, 60) || `${PLACEHOLDER}: replace with a phrase of the junk`;
  const header = [
    `# Site rule for ${host}: see rules/README.md for every key.`,
    "# Made by the plainpage extension. Save the page (\"Save page as…\", HTML only) as",
    `#   rules/fixtures/${host}/${fixture}`,
    `# If rules/${host}.toml exists already, add the [[strip]] entry to it. Then run`,
    `#   plainpage rules test ${host}`,
    "# and check that `contains` and `absent` say what the page must and must not show.",
  ].join("\n");
  const body = dumps({
    host,
    strip: [{ css: selector, kind: ruleKindName }],
    test: [{ fixture, url: url.origin + url.pathname, contains: [contains], absent: [absent],
             removed: [ruleKindName] }],
  });
  return `${header}\n\n${body}`;
}

/** TOML for the subset of the rule schema written here: strings, string arrays, table arrays. */
export function dumps(data) {
  const tables = new Set(["strip", "test"]);
  const top = Object.entries(data).filter(([key]) => !tables.has(key))
    .map(([key, value]) => pair(key, value));
  const sections = top.length ? [top.join("\n")] : [];
  for (const name of ["strip", "test"]) {
    for (const table of data[name] ?? []) {
      sections.push([`[[${name}]]`, ...Object.entries(table).map(([k, v]) => pair(k, v))].join("\n"));
    }
  }
  return sections.join("\n\n") + "\n";
}

function pair(key, value) {
  if (!Array.isArray(value)) {
    return `${key} = ${quote(value)}`;
  }
  const items = value.map(quote);
  const oneLine = `${key} = [${items.join(", ")}]`;
  if ([...oneLine].length <= WIDTH || items.length < 2) {
    return oneLine;
  }
  return [`${key} = [`, ...items.map((item) => `    ${item},`), "]"].join("\n");
}

/** A TOML string, quoted exactly as fmt.py's `quote` does. */
export function quote(text) {
  const chars = [...String(text)];
  const plain = !chars.some(needsEscape);
  if (plain && !text.includes('"') && !text.includes("\\")) {
    return `"${text}"`;
  }
  if (plain && !text.includes("'")) {
    return `'${text}'`;
  }
  return `"${chars.map(escapeChar).join("")}"`;
}

function needsEscape(char) {
  const code = char.codePointAt(0);
  return code < 0x20 || code === 0x7f;
}

function escapeChar(char) {
  if (char in ESCAPES) {
    return ESCAPES[char];
  }
  return needsEscape(char)
    ? `\\u${char.codePointAt(0).toString(16).toUpperCase().padStart(4, "0")}` : char;
}

function decodeSafely(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
