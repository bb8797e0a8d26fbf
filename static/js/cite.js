// Adds a copy button after each rendered citation (elements with data-copy-text, whose value is
// the button's label). The clipboard gets the HTML, so italics survive in a word processor, and
// the plain text. Without JavaScript the citation is ordinary, selectable text.

const LABELS = {
  de: { copied: "Kopiert", failed: "Kopieren nicht möglich" },
  en: { copied: "Copied", failed: "Could not copy" },
};

function labels() {
  const lang = (document.documentElement.lang || "en").slice(0, 2);
  return LABELS[lang] || LABELS.en;
}

async function copy(element) {
  const text = element.textContent.trim();
  if (navigator.clipboard && window.isSecureContext) {
    if (window.ClipboardItem && navigator.clipboard.write) {
      try {
        await navigator.clipboard.write([
          new ClipboardItem({
            "text/plain": new Blob([text], { type: "text/plain" }),
            "text/html": new Blob([element.innerHTML.trim()], { type: "text/html" }),
          }),
        ]);
        return;
      } catch {
        // Some browsers refuse HTML on the clipboard: plain text below.
      }
    }
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.className = "visually-hidden";
  document.body.append(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  if (!ok) throw new Error("copy refused");
}

function enhance(element) {
  const text = labels();
  const button = document.createElement("button");
  button.type = "button";
  button.className = "copy-button";
  button.textContent = element.dataset.copyText;
  const status = document.createElement("span");
  status.className = "copy-status";
  status.setAttribute("role", "status");
  button.addEventListener("click", async () => {
    try {
      await copy(element);
      status.textContent = text.copied;
    } catch {
      status.textContent = text.failed;
    }
  });
  element.after(button, status);
}

document.querySelectorAll("[data-copy-text]").forEach(enhance);
