// Adds a "Copy link" button next to every permalink (elements with data-copy-url).
// Without JavaScript the permalink is still a plain link that can be copied by hand.

// The words come translated from the page (templates/includes/interface_labels.html).
function labels() {
  const block = document.getElementById("interface-labels");
  const text = block ? JSON.parse(block.textContent) : {};
  return {
    copy: text.copyLink || "Copy link",
    copied: text.linkCopied || "Link copied",
    failed: text.copyFailed || "Could not copy",
  };
}

async function copy(text) {
  if (navigator.clipboard && window.isSecureContext) {
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
      await copy(new URL(link.getAttribute("href"), document.baseURI).href);
      status.textContent = text.copied;
    } catch {
      status.textContent = text.failed;
    }
  });
  link.after(button, status);
}

document.querySelectorAll("[data-copy-url]").forEach(enhance);
