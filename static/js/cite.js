// Adds a copy button after each rendered citation (elements with data-copy-text, whose value is
// the button's label). The clipboard gets the HTML, so italics survive in a word processor, and
// the plain text. Without JavaScript the citation is ordinary, selectable text.

import { copyToClipboard, interfaceLabels } from "./clipboard.js";

function labels() {
  const text = interfaceLabels();
  return { copied: text.copied || "Copied", failed: text.copyFailed || "Could not copy" };
}

function copy(element) {
  return copyToClipboard(element.textContent.trim(), element.innerHTML.trim());
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

// "Cite ¶ 12" under a paragraph links to the Cite panel of the paragraph's page. Here it becomes
// a button that opens the citation in place, in the style chosen in this page's Cite panel, with
// copy buttons. The citation is the one that page renders (fetched once per style). Escape
// closes it and returns focus to the button.

function popoverLabels() {
  const text = interfaceLabels();
  return {
    loading: text.citationLoading || "Loading the citation …",
    failed: text.citationFailed || "The citation is not available.",
    more: text.citationMore || "All styles and downloads",
  };
}

function chosenStyle() {
  const select = document.getElementById("cite-style-select");
  return select ? select.value : "";
}

async function fetchCitation(pageUrl) {
  const response = await fetch(pageUrl, { headers: { Accept: "text/html" } });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const parts = [".reference", ".in-text"].map((name) => page.querySelector(`#cite ${name}`));
  if (parts.includes(null)) throw new Error("no citation on the page");
  return parts.map((part) => document.importNode(part, true));
}

function enhanceCiteLink(link) {
  const text = popoverLabels();
  const button = document.createElement("button");
  button.type = "button";
  button.className = "link-button cite-link";
  button.textContent = link.textContent;
  button.setAttribute("aria-expanded", "false");
  const panel = document.createElement("div");
  panel.className = "cite-popover";
  panel.id = `cite-popover-${link.dataset.citeParagraph}`;
  panel.hidden = true;
  panel.setAttribute("role", "group");
  panel.setAttribute("aria-label", link.textContent);
  button.setAttribute("aria-controls", panel.id);
  const more = document.createElement("a");
  more.href = link.href;
  more.textContent = text.more;
  let shownStyle = null;

  async function fill() {
    const style = chosenStyle();
    if (style === shownStyle) return;
    shownStyle = style;
    const url = new URL(link.href);
    url.hash = "";
    if (style) url.searchParams.set("style", style);
    const status = document.createElement("p");
    status.setAttribute("role", "status");
    status.textContent = text.loading;
    panel.replaceChildren(status);
    try {
      const parts = await fetchCitation(url);
      panel.replaceChildren(
        ...parts.map((part) => {
          const line = document.createElement("p");
          line.append(part);
          return line;
        }),
        more,
      );
      parts.forEach(enhance);
    } catch {
      shownStyle = null;
      status.textContent = text.failed;
      panel.append(more);
    }
  }

  function close() {
    panel.hidden = true;
    button.setAttribute("aria-expanded", "false");
    button.focus();
  }

  button.addEventListener("click", () => {
    if (!panel.hidden) {
      close();
      return;
    }
    panel.hidden = false;
    button.setAttribute("aria-expanded", "true");
    fill();
  });
  for (const element of [button, panel]) {
    element.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !panel.hidden) {
        event.preventDefault();
        close();
      }
    });
  }
  link.replaceWith(button);
  button.after(panel);
}

document.querySelectorAll("a[data-cite-paragraph]").forEach(enhanceCiteLink);
