/**
 * The reader page. Its job id (in the URL) names the storage.session record the background
 * fills; the page renders it and sets `main[data-state]` to "done" or "error" (a test hook,
 * with `data-error` naming the error code).
 */
import { START_COMMAND } from "../lib/api.js";
import { ext } from "../lib/ext.js";
import { jobKey, readJob } from "../lib/jobs.js";
import { loadSettings } from "../lib/settings.js";
import { setUpPrefs } from "./prefs.js";
import { renderRemovedGroups, showInPlace } from "./removed.js";
import { renderBlocks, safeUrl } from "./render.js";
import { setUpRuleDialog } from "./rule-dialog.js";

const $ = (id) => document.getElementById(id);
const WAIT_MS = 45000; // the API's own timeout is 30 s; past this the background is gone
const HTTP = new Set(["http:", "https:"]);
const jobId = new URLSearchParams(location.search).get("job") ?? "";

start().catch((error) => showError({ code: "internal", title: "The reader failed",
                                     detail: String(error?.message ?? error) }));

async function start() {
  setUpPrefs(await loadSettings());
  $("open-options").addEventListener("click", () => ext.runtime.openOptionsPage());
  const job = await settledJob();
  if (job?.status === "done" && job.article) {
    showArticle(job);
  } else {
    showError(job?.error ?? { code: "no-answer", title: "No answer from the extension",
                              detail: "Click the toolbar button on the page again." });
  }
}

/** The job once it is done or failed; follows storage.session until then. */
function settledJob() {
  return new Promise((resolve) => {
    const settle = (job) => {
      if (job && job.status !== "pending") {
        ext.storage.onChanged.removeListener(listener);
        clearTimeout(timer);
        resolve(job);
      }
    };
    const listener = (changes, area) => {
      if (area === "session" && changes[jobKey(jobId)]) {
        settle(changes[jobKey(jobId)].newValue);
      }
    };
    const timer = setTimeout(() => settle({ status: "error" }), WAIT_MS);
    ext.storage.onChanged.addListener(listener); // before the read: no change slips between
    readJob(jobId).then((job) => settle(job ?? { status: "error", error: {
      code: "gone", title: "This article is no longer here",
      detail: "The browser was restarted or it was read long ago. Open the page and click again." } }));
  });
}

function showArticle(job) {
  const { article } = job;
  const pageUrl = safeUrl(article.url, null, HTTP) ?? safeUrl(job.pageUrl, null, HTTP);
  const title = String(article.title || job.pageTitle || "Untitled");
  document.title = `${title} · plainpage`;
  $("title").textContent = title;
  $("meta").replaceChildren(...metaLine(article, pageUrl));
  showText("standfirst", article.standfirst);
  showText("byline", article.byline);
  showPaywall(article);
  showText("pages-note", article.pages_note);
  const body = $("body");
  setLanguage($("article"), article);
  const blockElements = renderBlocks(body, article.blocks, pageUrl);
  if (pageUrl) {
    $("source").href = pageUrl;
  } else {
    $("source").hidden = true;
  }
  const next = safeUrl(article.next_page, pageUrl, HTTP);
  if (next) {
    $("next-page").href = next;
    $("next-page").hidden = false;
  }
  setUpRemoved(job, pageUrl, blockElements);
  $("status").hidden = true;
  $("article").hidden = false;
  settle("done");
}

// The notice always says what the page does; how the page says it is sold follows.
const NOTICE = "This page shows only part of the article to readers without a subscription";
const ACCESS = {
  metered: `${NOTICE} (it says its articles are metered).`,
  subscriber: `${NOTICE} (it says the article is for subscribers).`,
};
const GUESSED = "This page seems to show only part of the article to readers without a "
  + "subscription: its text is much shorter than the length it states.";
const NOTHING_MORE = " plainpage shows what the page shows, nothing more.";

function showPaywall(article) {
  const evidence = Array.isArray(article.paywall_evidence) ? article.paywall_evidence : [];
  $("paywall").hidden = article.paywalled !== true;
  if (article.paywalled !== true) {
    return;
  }
  const guessed = evidence.length > 0 && evidence.every((item) => item?.source === "teaser");
  const lead = ACCESS[article.access] ?? (guessed ? GUESSED : `${NOTICE}.`);
  $("paywall-text").textContent = lead + NOTHING_MORE;
  $("paywall-evidence").replaceChildren(...evidence.filter((item) => item?.detail).map((item) => {
    const entry = document.createElement("li");
    entry.textContent = String(item.detail);
    return entry;
  }));
}

function metaLine(article, pageUrl) {
  const parts = [];
  const site = article.site_name || (pageUrl ? new URL(pageUrl).hostname : "");
  if (site) {
    parts.push(span("site", String(site)));
  }
  const date = new Date(String(article.published ?? ""));
  if (article.published && !Number.isNaN(date.getTime())) {
    const time = document.createElement("time");
    time.dateTime = date.toISOString();
    time.textContent = new Intl.DateTimeFormat(undefined, { dateStyle: "long" }).format(date);
    parts.push(time);
  }
  const minutes = Number(article.reading_minutes);
  if (Number.isFinite(minutes) && minutes > 0) {
    parts.push(span("reading-time", `${Math.round(minutes)} min read`));
  }
  return parts.flatMap((part, index) => (index ? [document.createTextNode(" · "), part] : [part]));
}

function span(className, text) {
  const element = document.createElement("span");
  element.className = className;
  element.textContent = text;
  return element;
}

function showText(id, value) {
  const element = $(id);
  element.textContent = typeof value === "string" ? value : "";
  element.hidden = !element.textContent;
}

function setLanguage(element, article) {
  if (typeof article.lang === "string" && /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(article.lang)) {
    element.lang = article.lang;
  }
  if (article.dir === "rtl" || article.dir === "ltr") {
    element.dir = article.dir;
  }
}

function setUpRemoved(job, pageUrl, blockElements) {
  const { article } = job;
  const removed = article.removed;
  const toggle = $("removed-toggle");
  const panel = $("removed-panel");
  toggle.textContent = `Removed (${removed.length})`;
  toggle.hidden = false;
  toggle.addEventListener("click", () => {
    panel.hidden = !panel.hidden;
    toggle.setAttribute("aria-expanded", String(!panel.hidden));
    document.body.classList.toggle("with-panel", !panel.hidden);
  });
  $("removed-close").addEventListener("click", () => toggle.click());
  const openRule = pageUrl ? setUpRuleDialog() : null;
  const lead = article.blocks.find((block) => block?.type === "paragraph")?.text ?? "";
  const ruleFrom = (selector, kind, text) => openRule?.({
    pageUrl, selector: String(selector ?? ""), kind, junkText: text, articleText: lead });
  renderRemovedGroups($("removed-groups"), removed,
                      (item) => ruleFrom(item.selector, item.kind, item.text));
  if (!pageUrl) {
    note("Rules need a page with an http(s) address.");
    $("pick").disabled = true;
    for (const button of document.querySelectorAll(".make-rule")) {
      button.disabled = true;
    }
  }
  setUpInPlace(removed, blockElements);
  setUpPicking(removed, ruleFrom);
}

function setUpInPlace(removed, blockElements) {
  let located = null;
  let inserted = [];
  $("show-in-place").addEventListener("change", async (event) => {
    inserted.forEach((element) => element.remove());
    inserted = [];
    if (!event.target.checked) {
      $("article").classList.remove("showing-removed");
      return;
    }
    located ??= await ext.runtime.sendMessage({ type: "locate", job: jobId });
    if (located?.error) {
      note(`Positions unknown (${located.error}): removed blocks are shown at the end.`);
    }
    inserted = showInPlace(blockElements, located?.blocks, removed, located?.removed, $("body"));
    $("article").classList.add("showing-removed");
  });
}

function setUpPicking(removed, ruleFrom) {
  let lastPick = 0;
  $("pick").addEventListener("click", async () => {
    const answer = await ext.runtime.sendMessage({ type: "pick", job: jobId });
    if (answer?.error) {
      note(`Cannot pick on the page: ${answer.error}.`);
    }
  });
  ext.storage.onChanged.addListener((changes, area) => {
    const picked = area === "session" ? changes[jobKey(jobId)]?.newValue?.picked : null;
    if (picked && picked.at !== lastPick) {
      lastPick = picked.at;
      const flat = (text) => String(text ?? "").replace(/\s+/g, " ").trim();
      const known = removed.find((item) => item.selector === picked.selector
                                 || (picked.text && flat(item.text) === flat(picked.text)));
      ruleFrom(picked.selector, known?.kind ?? "other", picked.text);
    }
  });
}

function note(text) {
  const element = $("in-place-note");
  element.textContent = text;
  element.hidden = false;
}

function showError(error) {
  $("error-title").textContent = String(error.title || "Something went wrong");
  $("error-detail").textContent = String(error.detail || "");
  $("error-help").replaceChildren(...errorHelp(error));
  $("error").dataset.error = String(error.code || "unknown");
  $("status").hidden = true;
  $("article").hidden = true;
  $("error").hidden = false;
  document.title = "plainpage: " + String(error.title || "error");
  settle("error", String(error.code || "unknown"));
}

function errorHelp(error) {
  const help = [];
  const para = (text) => {
    const p = document.createElement("p");
    p.textContent = text;
    help.push(p);
  };
  if (error.code === "unreachable" || error.code === "timeout") {
    para("Start the plainpage API on this computer:");
    const pre = document.createElement("pre");
    const code = document.createElement("code");
    code.className = "command";
    code.textContent = error.command || START_COMMAND;
    pre.append(code);
    help.push(pre);
    para("(from a clone of the repository: ./scripts/run serve). It prints the token to put "
      + "in the options. Then click the toolbar button on the page again.");
  } else if (error.code === "problem" || error.code === "http") {
    para(`The API answered with status ${Number(error.status) || "?"}`
      + (error.type ? ` (${String(error.type)}).` : "."));
    if (error.type === "unauthorized") {
      para("Check the token in the options: it is the one the API printed when it started.");
    }
  }
  return help;
}

function settle(state, errorCode) {
  const main = $("reader");
  if (errorCode) {
    main.dataset.error = errorCode;
  }
  main.dataset.state = state;
  main.setAttribute("aria-busy", "false");
}
