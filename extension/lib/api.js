/**
 * The one call to the plainpage API: POST /v1/extract with the page the browser already has.
 *
 * The answer is always an outcome object, never a throw: `{article}` or `{error}` where
 * `error.code` is one of "unreachable", "timeout", "problem" (an RFC 9457 body: shown by its
 * title), "http" (an error without a problem body), "bad-response" or "not-article".
 * Every string in it came from the network or the page: the reader renders it as text only.
 */

export const START_COMMAND = "plainpage serve";
const TIMEOUT_MS = 30000; // the service's own budget is fetch deadline + 10 s extraction
const MAX_SHOWN = 400; // characters of a server-chosen string worth showing

export async function requestArticle(settings, page) {
  const body = { html: page.html };
  if (/^https?:\/\//i.test(page.url ?? "")) {
    body.url = page.url; // only the page's address, for resolving links; never fetched
  }
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  if (settings.token) {
    headers.Authorization = `Bearer ${settings.token}`;
  }
  let response;
  try {
    response = await fetch(`${settings.apiUrl}/v1/extract`, {
      method: "POST", headers, body: JSON.stringify(body), credentials: "omit",
      cache: "no-store", redirect: "error", signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    return { error: networkError(error, settings.apiUrl) };
  }
  if (!response.ok) {
    return { error: await problemError(response) };
  }
  return articleOutcome(response);
}

function networkError(error, apiUrl) {
  if (error?.name === "TimeoutError" || error?.name === "AbortError") {
    return { code: "timeout", title: "The plainpage API did not answer in time",
             detail: `No answer from ${apiUrl} within ${TIMEOUT_MS / 1000} seconds.`, apiUrl };
  }
  return { code: "unreachable", title: "The plainpage API is not reachable",
           detail: `Nothing answered at ${apiUrl}.`, apiUrl, command: START_COMMAND };
}

async function problemError(response) {
  let data = null;
  try {
    data = await response.json();
  } catch {
    // not JSON: a proxy's error page, say; the status line is all there is
  }
  if (data && typeof data === "object" && typeof data.title === "string") {
    return { code: "problem", status: response.status, type: clip(data.type),
             title: clip(data.title), detail: clip(data.detail) };
  }
  return { code: "http", status: response.status,
           title: `The API answered ${response.status} ${clip(response.statusText)}`.trim() };
}

async function articleOutcome(response) {
  let article;
  try {
    article = await response.json();
  } catch {
    article = null;
  }
  if (!article || typeof article !== "object" || !Array.isArray(article.blocks)) {
    return { error: { code: "bad-response", title: "The API sent something that is not an article",
                      detail: "Is the API address in the options the plainpage service?" } };
  }
  if (article.blocks.length === 0) {
    return { error: { code: "not-article", title: "This page does not look like an article",
                      detail: "plainpage found no article text on it." } };
  }
  return { article: slim(article) };
}

/** The article without the renderings the reader does not use: session storage is small. */
export function slim(article) {
  const { html, text, markdown, ...rest } = article;
  rest.blocks = article.blocks.map(slimBlock);
  rest.removed = Array.isArray(article.removed) ? article.removed : [];
  return rest;
}

function slimBlock(block) {
  const { markdown, ...rest } = block ?? {};
  if (Array.isArray(rest.children)) {
    rest.children = rest.children.map(slimBlock);
  }
  return rest;
}

function clip(value) {
  return typeof value === "string" ? value.slice(0, MAX_SHOWN) : "";
}
