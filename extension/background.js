/**
 * Background (Chrome: service worker; Firefox: event page). It holds no state of its own:
 * a worker may be stopped at any time, so everything lives in storage.session (lib/jobs.js).
 *
 * Click (toolbar or shortcut) → read the tab's live DOM (activeTab + scripting) → open the
 * reader tab at once → POST the DOM to the API (the host permission for the API origin
 * makes this fetch exempt from CORS) → store the outcome; the reader tab renders it.
 */
import { requestArticle } from "./lib/api.js";
import { ext } from "./lib/ext.js";
import { pruneJobs, readJob, startJob, updateJob } from "./lib/jobs.js";
import { capturePage, locateInPage } from "./lib/page.js";
import { loadSettings } from "./lib/settings.js";

const MAX_SELECTOR = 1000; // the rule schema's limit
const MAX_TEXT = 2000;
const CAPTURE_TRIES = 3;

ext.action.onClicked.addListener((tab) => {
  openReader(tab).catch((error) => console.error("plainpage: reading the page failed", error));
});

ext.runtime.onMessage.addListener((message, sender, sendResponse) => {
  handleMessage(message, sender).then(sendResponse, (error) => {
    sendResponse({ error: String(error?.message ?? error) });
  });
  return true; // the answer comes asynchronously
});

async function openReader(tab) {
  const id = crypto.randomUUID();
  const capturing = capture(tab.id); // reading the page needs nothing else: start at once
  await startJob(id, { tabId: tab.id, pageUrl: tab.url ?? "", pageTitle: tab.title ?? "" });
  // The reader tab opens while the API works: it shows "Reading…" and then the result.
  const opening = ext.tabs.create({ url: ext.runtime.getURL(`reader/reader.html?job=${id}`),
                                    index: tab.index + 1, openerTabId: tab.id });
  const outcome = await extract(await capturing);
  await opening;
  await updateJob(id, outcome.article
    ? { status: "done", article: outcome.article, pageUrl: outcome.url }
    : { status: "error", error: outcome.error });
  await pruneJobs();
}

async function capture(tabId) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const [injection] = await ext.scripting.executeScript({ target: { tabId }, func: capturePage });
      return injection?.result ?? null;
    } catch {
      if (attempt === CAPTURE_TRIES) {
        return null; // a page the browser keeps closed to extensions (or the tab is gone)
      }
      // Seen in Chromium right after a click: the activeTab grant had not reached the
      // tab yet and the first injection was refused; a moment later it goes through.
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

async function extract(page) {
  if (!page || typeof page.html !== "string") {
    return { error: { code: "unreadable", title: "This page cannot be read",
                      detail: "Browsers keep their own pages (settings, extension stores, the PDF "
                        + "viewer) closed to extensions." } };
  }
  const outcome = await requestArticle(await loadSettings(), page);
  return { ...outcome, url: page.url };
}

async function handleMessage(message, sender) {
  const fromReader = typeof sender.url === "string" && sender.url.startsWith(ext.runtime.getURL(""));
  if (fromReader && message?.type === "locate") {
    return locate(message.job);
  }
  if (fromReader && message?.type === "pick") {
    return startPicking(message.job, sender.tab?.id);
  }
  if (!fromReader && sender.tab && (message?.type === "picked" || message?.type === "pick-cancelled")) {
    return finishPicking(sender.tab.id, message);
  }
  return { error: "unknown message" };
}

async function locate(jobId) {
  const job = await readJob(String(jobId));
  if (!job?.article) {
    return { error: "no such article" };
  }
  const prefixes = job.article.blocks.map(blockPrefix);
  const removed = job.article.removed.map((item) => ({
    selector: item.selector, prefix: String(item.text ?? "").slice(0, 60) }));
  try {
    const [injection] = await ext.scripting.executeScript({
      target: { tabId: job.tabId }, func: locateInPage, args: [prefixes, removed] });
    return injection?.result ?? { error: "no answer from the page" };
  } catch {
    return { error: "the original tab is closed or shows another page" };
  }
}

/** A short piece of a block's text that also occurs, whitespace aside, in the page. */
function blockPrefix(block) {
  const first = String(block?.text ?? "").split(/\n| \| /).find((part) => part.trim()) ?? "";
  return first.trim().slice(0, 60);
}

async function startPicking(jobId, readerTabId) {
  const id = String(jobId);
  const job = await readJob(id);
  if (!job) {
    return { error: "no such article" };
  }
  try {
    await ext.scripting.executeScript({ target: { tabId: job.tabId }, files: ["picker.js"] });
  } catch {
    return { error: "the original tab is closed or shows another page" };
  }
  await updateJob(id, { picking: true, readerTabId });
  await activate(job.tabId);
  return { ok: true };
}

async function finishPicking(tabId, message) {
  const all = await ext.storage.session.get(null);
  const entry = Object.entries(all)
    .filter(([key, job]) => key.startsWith("job:") && job?.picking && job.tabId === tabId)
    .sort(([, a], [, b]) => b.created - a.created)[0];
  if (!entry) {
    return { error: "nothing is being picked in this tab" };
  }
  const [key, job] = entry;
  const picked = message.type === "picked" && typeof message.selector === "string"
    ? { selector: message.selector.slice(0, MAX_SELECTOR),
        text: String(message.text ?? "").slice(0, MAX_TEXT), at: Date.now() }
    : job.picked ?? null;
  await updateJob(key.slice("job:".length), { picking: false, picked });
  if (job.readerTabId !== undefined) {
    await activate(job.readerTabId);
  }
  return { ok: true };
}

async function activate(tabId) {
  try {
    const tab = await ext.tabs.update(tabId, { active: true });
    await ext.windows.update(tab.windowId, { focused: true });
  } catch {
    // the tab was closed meanwhile: nothing to bring forward
  }
}
