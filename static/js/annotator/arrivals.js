// What the live channel reports, drawn into the page: a changed paragraph's threads are
// fetched again and merged into its list without disturbing the reader. Threads that did not
// change keep their elements (and an open reply form its text, caret and focus); a paragraph
// whose text the reader is selecting waits until the selection is let go; arrivals are
// announced politely. Scroll anchoring keeps the text where it was on the screen.

import { clearHighlight, drawHighlight, marksOf } from "./highlights.js";

export function createArrivals({ api, config, threads, loader, announce }) {
  const labels = config.labels;
  const me = config.user && config.user.username;
  const waiting = new Map(); // paragraph → its latest thread count, while the reader selects

  const notesOf = (id) => document.querySelector(`[data-notes-for="${id}"]`);
  const textOf = (id) => document.querySelector(`p.para[data-paragraph="${id}"]`);
  const serverHtml = new WeakMap();

  function selecting(id) {
    const selection = window.getSelection();
    const paragraph = textOf(id);
    return paragraph && selection && !selection.isCollapsed && selection.containsNode(paragraph, true);
  }

  function itemsOf(root) {
    return new Map([...root.querySelectorAll("li.annotation")].map((item) => [item.dataset.annotation, item]));
  }

  function moveReplyForms(old, fresh) {
    old.querySelectorAll(".reply-form").forEach((form) => {
      const owner = form.closest("li.annotation").dataset.annotation;
      const target = fresh.dataset.annotation === owner ? fresh : fresh.querySelector(`li.annotation[data-annotation="${owner}"]`);
      target?.querySelector(":scope > .annotation-actions")?.after(form);
    });
  }

  async function redraw(id, threadCount) {
    const notes = notesOf(id);
    const list = notes?.querySelector(".annotation-list");
    if (!list) return 0;
    if (!loader.isLoaded(list)) {
      list.dataset.threadCount = String(threadCount);
      threads.updateCount(notes, threadCount);
      return 0;
    }
    const fresh = await api.threads(list.dataset.threadsUrl);
    const before = itemsOf(list);
    const focused = list.contains(document.activeElement) ? document.activeElement : null;
    // A focused highlight is drawn afresh with its thread: the focus goes to its new mark.
    const focusedMark = document.activeElement?.closest?.("mark.highlight")?.dataset.annotation;
    const caret = focused && "selectionStart" in focused ? [focused.selectionStart, focused.selectionEnd] : null;
    const kept = fresh.map((thread) => {
      const old = list.querySelector(`:scope > li.thread[data-annotation="${thread.dataset.annotation}"]`);
      if (old && serverHtml.get(old) === thread.outerHTML) return old;
      serverHtml.set(thread, thread.outerHTML);
      threads.enhance(thread);
      if (old) moveReplyForms(old, thread);
      return thread;
    });
    list.querySelectorAll(":scope > li.thread").forEach((old) => {
      if (!kept.includes(old)) clearHighlight(old.dataset.annotation);
    });
    const drawn = new Set(list.children);
    list.replaceChildren(...kept);
    kept.filter((thread) => !drawn.has(thread)).forEach((thread) => drawHighlight(thread, labels));
    if (focusedMark && !document.activeElement?.closest?.("mark.highlight")) {
      marksOf(focusedMark)[0]?.focus({ preventScroll: true });
    }
    if (focused && focused.isConnected) {
      focused.focus({ preventScroll: true });
      if (caret) focused.setSelectionRange(...caret);
    }
    threads.updateCount(notes);
    const after = itemsOf(list);
    return [...after.entries()].filter(([key, item]) => !before.has(key) && item.dataset.author !== me).length;
  }

  function say(id, arrived) {
    const number = textOf(id)?.dataset.number || id;
    const message = arrived === 1 ? labels.liveOne : labels.liveMany;
    announce(message.replace("%(count)s", arrived).replace("%(n)s", number));
  }

  async function apply(changes) {
    for (const { paragraph, threads: count } of changes) {
      if (selecting(paragraph)) {
        waiting.set(paragraph, count);
        continue;
      }
      try {
        const arrived = await redraw(paragraph, count);
        if (arrived) say(paragraph, arrived);
      } catch {
        waiting.set(paragraph, count); // tried again when the selection changes
      }
    }
  }

  document.addEventListener("selectionchange", () => {
    if (!waiting.size) return;
    const ready = [...waiting].filter(([id]) => !selecting(id));
    ready.forEach(([id]) => waiting.delete(id));
    if (ready.length) apply(ready.map(([paragraph, threads]) => ({ paragraph, threads })));
  });

  // Threads the loader drew are remembered as the server sent them (call before they get
  // their buttons), so an unchanged one keeps its element when its paragraph is redrawn.
  function remember(list) {
    list.querySelectorAll(":scope > li.thread").forEach((thread) => serverHtml.set(thread, thread.outerHTML));
  }

  // A thread drawn from the server's answer after the reader's own change (`threads.refresh`).
  function rememberThread(thread) {
    serverHtml.set(thread, thread.outerHTML);
  }

  return { apply, remember, rememberThread };
}
