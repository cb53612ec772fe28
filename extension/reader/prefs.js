/**
 * Reading settings: theme (following the system by default), font, line width, text size.
 * They live in storage.local with the other settings; the reader and the options page both
 * write them, and every open reader follows changes at once.
 */
import { ext } from "../lib/ext.js";
import { FONT_SIZE, saveSettings } from "../lib/settings.js";

const $ = (id) => document.getElementById(id);
const SHOWN = ["theme", "fontFamily", "lineWidth", "fontSize"];

export function applyPrefs(settings) {
  const root = document.documentElement;
  root.dataset.theme = settings.theme;
  root.dataset.font = settings.fontFamily;
  root.dataset.width = settings.lineWidth;
  root.style.setProperty("--text-size", `${settings.fontSize}px`);
  $("pref-theme").value = settings.theme;
  $("pref-font").value = settings.fontFamily;
  $("pref-width").value = settings.lineWidth;
  $("pref-size").value = String(settings.fontSize);
  $("pref-smaller").disabled = settings.fontSize <= FONT_SIZE.min;
  $("pref-larger").disabled = settings.fontSize >= FONT_SIZE.max;
}

/** Apply `settings` and wire the toolbar controls; storage is the one source of truth. */
export function setUpPrefs(settings) {
  const current = { ...settings };
  applyPrefs(current);
  const save = (changes) => saveSettings(changes).catch((error) => console.error(error));
  $("pref-theme").addEventListener("change", (event) => save({ theme: event.target.value }));
  $("pref-font").addEventListener("change", (event) => save({ fontFamily: event.target.value }));
  $("pref-width").addEventListener("change", (event) => save({ lineWidth: event.target.value }));
  $("pref-smaller").addEventListener("click", () => save({ fontSize: current.fontSize - 1 }));
  $("pref-larger").addEventListener("click", () => save({ fontSize: current.fontSize + 1 }));
  ext.storage.onChanged.addListener((changes, area) => {
    if (area !== "local" || !SHOWN.some((name) => name in changes)) {
      return;
    }
    for (const name of SHOWN) {
      if (name in changes && changes[name].newValue !== undefined) {
        current[name] = changes[name].newValue;
      }
    }
    applyPrefs(current);
  });
}
