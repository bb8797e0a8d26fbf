// Adds a "Copy link" button next to every permalink (elements with data-copy-url).
// Without JavaScript the permalink is still a plain link that can be copied by hand.

import { copyToClipboard, interfaceLabels } from "./clipboard.js";

function labels() {
  const text = interfaceLabels();
  return {
    copy: text.copyLink || "Copy link",
    copied: text.linkCopied || "Link copied",
    failed: text.copyFailed || "Could not copy",
  };
}

function enhance(link) {
  const text = labels();
  const button = document.createElement("button");
  button.type = "button";
  button.className = "copy-button";
  button.textContent = text.copy;
  const status = document.createElement("span");
  status.className = "copy-status";
  status.setAttribute("role", "status");
  button.addEventListener("click", async () => {
    try {
      await copyToClipboard(new URL(link.getAttribute("href"), document.baseURI).href);
      status.textContent = text.copied;
    } catch {
      status.textContent = text.failed;
    }
  });
  link.after(button, status);
}

document.querySelectorAll("[data-copy-url]").forEach(enhance);
