// Copying to the clipboard, for the permalink and citation buttons, and the page's translated
// interface words (templates/includes/interface_labels.html).

export function interfaceLabels() {
  const block = document.getElementById("interface-labels");
  return block ? JSON.parse(block.textContent) : {};
}

// Puts `text` on the clipboard, and `html` beside it where the browser takes HTML (so italics
// survive in a word processor). Outside a secure context it falls back to a hidden textarea.
export async function copyToClipboard(text, html = null) {
  if (navigator.clipboard && window.isSecureContext) {
    if (html !== null && window.ClipboardItem && navigator.clipboard.write) {
      try {
        await navigator.clipboard.write([
          new ClipboardItem({
            "text/plain": new Blob([text], { type: "text/plain" }),
            "text/html": new Blob([html], { type: "text/html" }),
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
