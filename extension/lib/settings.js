/**
 * Settings, all in storage.local (a documented test hook: `apiUrl` and `token` live there).
 * Reader preferences share the same store, so the options page and the reader's own
 * controls change one value.
 */
import { ext } from "./ext.js";

export const THEMES = Object.freeze(["system", "light", "dark", "sepia"]);
export const WIDTHS = Object.freeze(["narrow", "medium", "wide"]);
export const FONTS = Object.freeze(["serif", "sans"]);
export const FONT_SIZE = Object.freeze({ min: 14, max: 28 });

export const DEFAULTS = Object.freeze({
  apiUrl: "http://127.0.0.1:8080",
  token: "",
  theme: "system",
  fontSize: 19,
  lineWidth: "medium",
  fontFamily: "serif",
});

const CHECKS = Object.freeze({
  apiUrl: (value) => typeof value === "string" && checkApiUrl(value).url !== undefined,
  token: (value) => typeof value === "string",
  theme: (value) => THEMES.includes(value),
  fontSize: (value) => Number.isInteger(value) && value >= FONT_SIZE.min && value <= FONT_SIZE.max,
  lineWidth: (value) => WIDTHS.includes(value),
  fontFamily: (value) => FONTS.includes(value),
});

/** Every setting; a stored value that is not valid (an old or hand-edited one) gives the default. */
export async function loadSettings() {
  const stored = await ext.storage.local.get(Object.keys(DEFAULTS));
  const settings = {};
  for (const [name, fallback] of Object.entries(DEFAULTS)) {
    settings[name] = CHECKS[name](stored[name]) ? stored[name] : fallback;
  }
  return settings;
}

/** Store some settings; refuses (throws) a value the readers of the store would ignore. */
export async function saveSettings(changes) {
  for (const [name, value] of Object.entries(changes)) {
    if (!(name in CHECKS) || !CHECKS[name](value)) {
      throw new RangeError(`not a valid value for ${name}: ${String(value).slice(0, 80)}`);
    }
  }
  await ext.storage.local.set(changes);
}

/**
 * The API base URL in a normal form, or why it cannot be used: absolute http(s), no query,
 * no fragment, no credentials; a path is kept (an API mounted under a prefix).
 */
export function checkApiUrl(text) {
  let url;
  try {
    url = new URL(String(text).trim());
  } catch {
    return { error: "not an address; expected e.g. http://127.0.0.1:8080" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return { error: "the API address must start with http:// or https://" };
  }
  if (url.username || url.password || url.search || url.hash) {
    return { error: "the API address takes no user name, password, query or #fragment" };
  }
  return { url: url.origin + url.pathname.replace(/\/+$/, "") };
}

/** The host permission pattern that lets the extension reach this API without CORS. */
export function originPattern(apiUrl) {
  const url = new URL(apiUrl);
  return `${url.protocol}//${url.hostname}/*`;
}
