/**
 * The "Removed (N)" panel: what plainpage took out, grouped by kind with the reason, and a
 * toggle that shows each removed block in place in the article, marked. All text, no markup.
 */

export const KIND_LABELS = Object.freeze({
  appeal: "Appeals", subscribe: "Subscription nags", newsletter: "Newsletter boxes",
  readmore: "Read more and related", share: "Share prompts", comments: "Comments",
  ad: "Advertising", other: "Other", nav: "Navigation", hidden: "Hidden", noise: "Page furniture",
});
const SHOWN_CHARS = 280;

/** Fill `container` with one group per kind; `onRule(item)` runs on "Make a rule". */
export function renderRemovedGroups(container, removed, onRule) {
  container.replaceChildren();
  const groups = new Map();
  for (const item of removed) {
    const kind = kindOf(item);
    if (!groups.has(kind)) {
      groups.set(kind, []);
    }
    groups.get(kind).push(item);
  }
  const ordered = [...groups].sort(([a, x], [b, y]) => y.length - x.length || a.localeCompare(b));
  for (const [kind, items] of ordered) {
    const section = document.createElement("section");
    section.className = "kind-group";
    section.dataset.group = kind;
    const heading = document.createElement("h3");
    heading.textContent = `${KIND_LABELS[kind] ?? kind} (${items.length})`;
    const list = document.createElement("ol");
    for (const item of items) {
      list.append(removedItem(item, kind, onRule));
    }
    section.append(heading, list);
    container.append(section);
  }
}

function removedItem(item, kind, onRule) {
  const li = document.createElement("li");
  li.className = "removed-item";
  li.dataset.kind = kind;
  const text = document.createElement("p");
  text.className = "removed-text";
  text.textContent = clipped(item.text);
  const reason = document.createElement("p");
  reason.className = "removed-reason";
  reason.textContent = String(item.reason ?? "");
  const selector = document.createElement("code");
  selector.className = "removed-selector";
  selector.textContent = String(item.selector ?? "");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "make-rule";
  button.textContent = "Make a rule from this";
  button.addEventListener("click", () => onRule(item));
  li.append(text, reason, selector, button);
  return li;
}

/**
 * Insert the removed blocks among the article's `blockElements` by page position
 * (`located`: offsets from the page, see lib/page.js; null: unknown, all go last).
 * Returns the inserted elements, so the toggle can take them out again.
 */
export function showInPlace(blockElements, blockOffsets, removed, removedOffsets, container) {
  const offsets = [];
  let previous = -1;
  for (const offset of blockOffsets ?? []) { // unfound blocks sit just after the one before
    previous = offset >= 0 ? offset : previous;
    offsets.push(previous);
  }
  const inserted = [];
  removed.forEach((item, index) => {
    const at = removedOffsets?.[index] ?? -1;
    const marked = inlineRemoved(item, at < 0);
    const before = at < 0 ? -1 : offsets.findIndex((offset) => offset > at);
    if (before >= 0 && blockElements[before]) {
      blockElements[before].before(marked);
    } else {
      container.append(marked);
    }
    inserted.push(marked);
  });
  return inserted;
}

function inlineRemoved(item, unplaced) {
  const aside = document.createElement("aside");
  aside.className = "removed-inline";
  aside.dataset.kind = kindOf(item);
  const label = document.createElement("p");
  label.className = "removed-label";
  label.textContent = `Removed · ${KIND_LABELS[kindOf(item)] ?? kindOf(item)}`
    + (unplaced ? " · position unknown" : "");
  const text = document.createElement("p");
  text.textContent = String(item.text ?? "");
  const reason = document.createElement("p");
  reason.className = "removed-reason";
  reason.textContent = String(item.reason ?? "");
  aside.append(label, text, reason);
  return aside;
}

function kindOf(item) {
  const kind = String(item?.kind ?? "other");
  return /^[a-z]{1,20}$/.test(kind) ? kind : "other";
}

function clipped(value) {
  const text = String(value ?? "");
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}…` : text;
}
