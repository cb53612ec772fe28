/*
 * The element picker, injected into the original tab on request (scripting.executeScript
 * with the activeTab grant of the click that opened the reader). The user points at a
 * block, ↑/↓ widen or narrow the choice, a click picks it, Esc cancels. Only a CSS selector
 * and the block's text go back to the background; the page sees nothing but an outline.
 * A classic script (injected files cannot be modules), so it is self-contained.
 */
(() => {
  "use strict";
  const ext = globalThis.browser ?? globalThis.chrome;
  if (globalThis.__plainpagePicking) {
    return; // already picking in this tab
  }
  globalThis.__plainpagePicking = true;

  const host = document.createElement("plainpage-picker");
  const root = host.attachShadow({ mode: "closed" });
  const outline = document.createElement("div");
  const bar = document.createElement("div");
  // CSSOM properties, not <style> or style="": a page's CSP cannot block these.
  Object.assign(host.style, { position: "fixed", inset: "0", pointerEvents: "none",
                              zIndex: "2147483647" });
  Object.assign(outline.style, { position: "fixed", border: "2px solid #c0392b",
                                 background: "rgba(192, 57, 43, 0.12)", pointerEvents: "none",
                                 display: "none", boxSizing: "border-box" });
  Object.assign(bar.style, { position: "fixed", left: "50%", bottom: "16px",
                             transform: "translateX(-50%)", background: "#222", color: "#fff",
                             font: "14px/1.4 system-ui, sans-serif", padding: "8px 14px",
                             borderRadius: "6px", boxShadow: "0 2px 8px rgba(0,0,0,.3)" });
  bar.textContent = "plainpage: click the block a rule should remove · ↑ wider · ↓ narrower · Esc cancels";
  root.append(outline, bar);
  document.documentElement.append(host);
  document.documentElement.setAttribute("data-plainpage-picker", "on");

  let current = null;
  const narrower = [];

  function show(element) {
    current = element;
    const box = element.getBoundingClientRect();
    Object.assign(outline.style, { display: "block", left: `${box.left}px`, top: `${box.top}px`,
                                   width: `${box.width}px`, height: `${box.height}px` });
  }

  function pickable(element) {
    return element instanceof Element && element !== host && element !== document.body
      && element !== document.documentElement;
  }

  function onMove(event) {
    if (narrower.length && current?.contains(event.target)) {
      return; // widened with ↑: the choice holds while the pointer stays inside it
    }
    if (pickable(event.target) && event.target !== current) {
      narrower.length = 0;
      show(event.target);
    }
  }

  function onClick(event) {
    swallow(event);
    const element = current ?? event.target;
    if (!pickable(element)) {
      return;
    }
    const text = (element.innerText ?? element.textContent ?? "").replace(/\s+/g, " ").trim();
    finish({ type: "picked", selector: selectorFor(element), text: text.slice(0, 2000) });
  }

  function onKey(event) {
    if (event.key === "Escape") {
      swallow(event);
      finish({ type: "pick-cancelled" });
    } else if (event.key === "ArrowUp" && current && pickable(current.parentElement)) {
      swallow(event);
      narrower.push(current);
      show(current.parentElement);
    } else if (event.key === "ArrowDown" && narrower.length) {
      swallow(event);
      show(narrower.pop());
    }
  }

  function swallow(event) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }

  const listeners = [["mousemove", onMove], ["click", onClick], ["keydown", onKey],
                     ["mousedown", swallow], ["mouseup", swallow], ["pointerdown", swallow],
                     ["pointerup", swallow], ["auxclick", swallow]];
  for (const [type, listener] of listeners) {
    window.addEventListener(type, listener, true);
  }

  function finish(message) {
    for (const [type, listener] of listeners) {
      window.removeEventListener(type, listener, true);
    }
    host.remove();
    document.documentElement.removeAttribute("data-plainpage-picker");
    globalThis.__plainpagePicking = false;
    Promise.resolve(ext.runtime.sendMessage(message)).catch(() => {});
  }

  // --- a selector that should outlast small redesigns (rules/README.md) ------------------

  function stableName(name) {
    // Generated names (css-1x2y3z, sc-bdVaJa, hashes) change with every deployment.
    return /^[A-Za-z_][\w-]{1,63}$/.test(name) && !/\d{3,}/.test(name)
      && !/^(css|sc|jsx|emotion|svelte)-/.test(name) && !/(?=[a-z]*\d)[a-z\d]{6,}$/i.test(name);
  }

  function unique(selector, element) {
    try {
      const found = document.querySelectorAll(selector);
      return found.length === 1 && found[0] === element;
    } catch {
      return false;
    }
  }

  function compound(element) {
    const classes = [...element.classList].filter(stableName).slice(0, 2);
    return element.localName + classes.map((name) => `.${CSS.escape(name)}`).join("");
  }

  function selectorFor(element) {
    if (element.id && stableName(element.id) && unique(`#${CSS.escape(element.id)}`, element)) {
      return `#${CSS.escape(element.id)}`;
    }
    const parts = [];
    for (let node = element; pickable(node) && parts.length < 5; node = node.parentElement) {
      parts.unshift(compound(node));
      const selector = parts.join(" > ");
      if (unique(selector, element)) {
        return selector;
      }
      const parent = node.parentElement;
      if (parent?.id && stableName(parent.id)
          && unique(`#${CSS.escape(parent.id)} > ${selector}`, element)) {
        return `#${CSS.escape(parent.id)} > ${selector}`;
      }
    }
    return positional(element);
  }

  function positional(element) {
    const parts = [];
    for (let node = element; pickable(node); node = node.parentElement) {
      const same = [...node.parentElement.children].filter((n) => n.localName === node.localName);
      const index = same.indexOf(node) + 1;
      parts.unshift(same.length > 1 ? `${compound(node)}:nth-of-type(${index})` : compound(node));
    }
    return ["body", ...parts].join(" > ");
  }
})();
