/** The "Make a rule from this" dialog: a rules/<host>.toml to copy or download. */
import { RULE_KINDS, ruleHost, ruleKind, ruleSnippet } from "../lib/rule.js";

const $ = (id) => document.getElementById(id);

/** Wire the dialog's controls once; returns open(details). */
export function setUpRuleDialog() {
  const dialog = $("rule-dialog");
  const kindSelect = $("rule-kind");
  for (const kind of RULE_KINDS) {
    const option = document.createElement("option");
    option.value = kind;
    option.textContent = kind;
    kindSelect.append(option);
  }
  let details = null;
  const refresh = () => {
    $("rule-snippet").value = ruleSnippet({ ...details, selector: $("rule-selector").value.trim(),
                                           kind: kindSelect.value });
    $("rule-status").textContent = "";
  };
  $("rule-selector").addEventListener("input", refresh);
  kindSelect.addEventListener("change", refresh);
  $("rule-close").addEventListener("click", () => dialog.close());
  $("rule-copy").addEventListener("click", () => copy($("rule-snippet")));
  $("rule-download").addEventListener("click", () => {
    download(`${ruleHost(details.pageUrl)}.toml`, $("rule-snippet").value);
    $("rule-status").textContent = "Downloaded.";
  });
  return (given) => {
    details = given;
    $("rule-file").textContent = `rules/${ruleHost(given.pageUrl)}.toml`;
    $("rule-selector").value = given.selector;
    kindSelect.value = ruleKind(given.kind);
    refresh();
    if (!dialog.open) {
      dialog.showModal();
    }
  };
}

async function copy(textarea) {
  try {
    await navigator.clipboard.writeText(textarea.value);
    $("rule-status").textContent = "Copied.";
  } catch {
    textarea.select(); // no clipboard access: leave it selected for Ctrl+C
    $("rule-status").textContent = "Press Ctrl+C to copy.";
  }
}

function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: "application/toml" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
