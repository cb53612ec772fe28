/**
 * One "job" per click: what the background learnt about a page, kept in storage.session
 * (memory only, cleared when the browser closes, readable by extension pages only, never by
 * content scripts). The reader tab finds its job by the id in its URL and follows changes.
 *
 * Record: {status: "pending"|"done"|"error", created, tabId, pageUrl, pageTitle,
 *          article?, error?, readerTabId?, picked?}
 */
import { ext } from "./ext.js";

const PREFIX = "job:";
const KEEP = 6; // recent jobs kept, so a reader tab survives a reload

export function jobKey(id) {
  return PREFIX + id;
}

export async function startJob(id, info) {
  await ext.storage.session.set({ [jobKey(id)]: { ...info, status: "pending", created: Date.now() } });
}

export async function readJob(id) {
  const key = jobKey(id);
  return (await ext.storage.session.get(key))[key] ?? null;
}

/** Merge `changes` into the job; false when the job is gone (pruned, or the browser restarted). */
export async function updateJob(id, changes) {
  const current = await readJob(id);
  if (!current) {
    return false;
  }
  try {
    await ext.storage.session.set({ [jobKey(id)]: { ...current, ...changes } });
  } catch (error) {
    // Over the session quota (a huge article): keep the job, say what happened.
    await ext.storage.session.set({ [jobKey(id)]: { ...current, status: "error", error: {
      code: "too-large", title: "This article is too large to show",
      detail: String(error?.message ?? error).slice(0, 200) } } });
  }
  return true;
}

/** Drop all but the newest jobs; called after a job settled, off the click's critical path. */
export async function pruneJobs() {
  const all = await ext.storage.session.get(null);
  const jobs = Object.entries(all)
    .filter(([key]) => key.startsWith(PREFIX))
    .sort(([, a], [, b]) => (b?.created ?? 0) - (a?.created ?? 0));
  const old = jobs.slice(KEEP).map(([key]) => key);
  if (old.length) {
    await ext.storage.session.remove(old);
  }
}
