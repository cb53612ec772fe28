/** Options: API address and token, default theme; a connection check; the shortcut in use. */
import { START_COMMAND } from "../lib/api.js";
import { ext } from "../lib/ext.js";
import { checkApiUrl, loadSettings, originPattern, saveSettings } from "../lib/settings.js";

const $ = (id) => document.getElementById(id);

start();

async function start() {
  const settings = await loadSettings();
  $("api-url").value = settings.apiUrl;
  $("token").value = settings.token;
  $("theme").value = settings.theme;
  $("save").addEventListener("click", save);
  $("check").addEventListener("click", check);
  $("token-show").addEventListener("click", (event) => {
    const shown = $("token").type === "text";
    $("token").type = shown ? "password" : "text";
    event.target.textContent = shown ? "Show" : "Hide";
    event.target.setAttribute("aria-pressed", String(!shown));
  });
  await showShortcut();
  $("options").dataset.state = "ready";
}

function save() {
  const checked = checkApiUrl($("api-url").value);
  if (checked.error) {
    status(`Not saved: ${checked.error}.`, "error");
    return;
  }
  // Asked first, inside the click: browsers grant permission prompts only to a user gesture.
  // For the default address (in the manifest's host permissions) it resolves at once.
  ext.permissions.request({ origins: [originPattern(checked.url)] }).then(async (granted) => {
    await saveSettings({ apiUrl: checked.url, token: $("token").value.trim(),
                         theme: $("theme").value });
    $("api-url").value = checked.url;
    status(granted ? "Saved." : `Saved, but without permission to reach ${checked.url} the `
      + "reader cannot use it.", granted ? "ok" : "error");
  }, (error) => status(`Not saved: ${error?.message ?? error}`, "error"));
}

async function check() {
  const { apiUrl, token } = await loadSettings();
  status(`Asking ${apiUrl} …`, "");
  let response;
  try {
    response = await fetch(`${apiUrl}/v1/rules`, {
      headers: token ? { Authorization: `Bearer ${token}` } : {}, credentials: "omit",
      cache: "no-store", signal: AbortSignal.timeout(10000) });
  } catch {
    status(`Nothing answers at ${apiUrl}. Start the API with: ${START_COMMAND}`, "error");
    return;
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (response.ok && data && Number.isInteger(data.rules)) {
    status(`Connected: the plainpage API answers, with ${data.rules} site rules.`, "ok");
  } else {
    const title = typeof data?.title === "string" ? data.title : `HTTP ${response.status}`;
    status(`The API refused: ${title.slice(0, 200)}.`
      + (response.status === 401 ? " Check the token." : ""), "error");
  }
}

async function showShortcut() {
  const commands = await ext.commands.getAll();
  const action = commands.find((command) => command.name === "_execute_action");
  $("shortcut").textContent = action?.shortcut
    ? `Read a page: ${action.shortcut}` : "No shortcut is set (the browser may have refused "
      + "the suggested one because something else uses it).";
}

function status(text, kind) {
  $("status").textContent = text;
  $("status").dataset.kind = kind;
}
