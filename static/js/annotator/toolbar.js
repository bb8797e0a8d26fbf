// A small toolbar next to words selected inside one paragraph: Highlight / Annotate.

import { rangeOffsets } from "./text.js";

export function createToolbar(toolbar, onAction) {
  let current = null;

  function selectedPassage() {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) return null;
    const range = selection.getRangeAt(0);
    const start = range.startContainer.parentElement?.closest("p.para[data-paragraph]");
    const end = range.endContainer.parentElement?.closest("p.para[data-paragraph]");
    if (!start || start !== end) return null;
    const offsets = rangeOffsets(start, range);
    if (!offsets || !offsets.exact.trim()) return null;
    return { paragraph: start, range, ...trimmed(offsets) };
  }

  function show(passage) {
    current = passage;
    const rect = passage.range.getBoundingClientRect();
    toolbar.hidden = false;
    const width = toolbar.offsetWidth;
    const left = Math.min(Math.max(8, rect.left), window.innerWidth - width - 8);
    toolbar.style.left = `${left + window.scrollX}px`;
    toolbar.style.top = `${rect.bottom + window.scrollY + 8}px`;
  }

  function hide() {
    current = null;
    toolbar.hidden = true;
  }

  // While the mouse is still dragging, the selection is not finished: wait for the release.
  let dragging = false;
  let timer;
  function update() {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (dragging) return;
      const passage = selectedPassage();
      if (passage) show(passage);
      else if (!toolbar.contains(document.activeElement)) hide();
    }, 150);
  }
  document.addEventListener("pointerdown", (event) => {
    if (!toolbar.contains(event.target)) dragging = true;
  });
  document.addEventListener("pointerup", () => {
    dragging = false;
    update();
  });
  document.addEventListener("selectionchange", update);
  // Keep the selection when a toolbar button is pressed.
  toolbar.addEventListener("pointerdown", (event) => event.preventDefault());
  toolbar.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    const passage = selectedPassage() || current;
    if (!button || !passage) return;
    hide();
    window.getSelection().removeAllRanges();
    onAction(button.dataset.action, passage);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !toolbar.hidden) hide();
  });
  return { hide };
}

// Selections often take a space at either end; the quote should not.
function trimmed({ start, end, exact }) {
  const lead = exact.length - exact.trimStart().length;
  const tail = exact.length - exact.trimEnd().length;
  return { start: start + lead, end: end - tail, exact: exact.trim() };
}
