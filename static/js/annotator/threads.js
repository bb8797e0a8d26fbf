// Threads in the margin: actions (show passage, reply, edit, delete), replacing a thread with its
// fresh server rendering after a change, and the per-paragraph counts.

import { clearHighlight, drawHighlight, openThread, showPassage } from "./highlights.js";

export function createThreads({ api, config, editor, announce, loader, onFresh = () => {} }) {
  const labels = config.labels;
  const me = config.user && config.user.username;

  function button(label, action, extraClass = "") {
    const element = document.createElement("button");
    element.type = "button";
    element.className = `link-button ${extraClass}`.trim();
    element.dataset.threadAction = action;
    element.textContent = label;
    return element;
  }

  function enhanceItem(item) {
    if (item.querySelector(":scope > .annotation-actions")) return;
    const actions = document.createElement("div");
    actions.className = "annotation-actions";
    const isThread = item.classList.contains("thread");
    const deleted = item.hasAttribute("data-deleted");
    if (isThread && item.dataset.start !== undefined && !deleted) {
      actions.append(button(labels.showPassage, "passage"));
    }
    if (me && !deleted) actions.append(button(labels.reply, "reply"));
    if (me && !deleted && item.dataset.author === me) {
      actions.append(button(labels.edit, "edit"), button(labels.delete, "delete", "danger"));
    }
    if (!actions.childElementCount) return;
    const replies = item.querySelector(":scope > .annotation-replies");
    if (replies) replies.before(actions);
    else item.append(actions);
  }

  function enhance(thread) {
    enhanceItem(thread);
    thread.querySelectorAll(".annotation--reply").forEach(enhanceItem);
  }

  // The margin count: the threads in the list, or `count` for a list not loaded yet.
  function updateCount(notes, count = notes.querySelectorAll(":scope > .annotation-list > li.thread").length) {
    const row = notes.closest(".para-row");
    let badge = row.querySelector(".para-count");
    if (!count) {
      badge?.remove();
      row.classList.remove("para-row--notes");
      return;
    }
    if (!badge) {
      badge = document.createElement("a");
      badge.className = "para-count";
      badge.href = `#${notes.id}`;
      row.querySelector(".para-num").after(badge);
    }
    row.classList.add("para-row--notes");
    badge.textContent = String(count);
    badge.setAttribute(
      "aria-label",
      (count === 1 ? labels.countOne : labels.countMany)
        .replace("%(count)s", count)
        .replace("%(n)s", row.querySelector("p.para").dataset.number),
    );
  }

  function notesFor(paragraph) {
    return document.querySelector(`[data-notes-for="${paragraph.dataset.paragraph}"]`);
  }

  // Where the focus waits while a thread it is in is drawn afresh: never on the page itself.
  function holdFocus(paragraph) {
    const notes = notesFor(paragraph);
    if (!notes) return;
    notes.tabIndex = -1;
    notes.focus({ preventScroll: true });
  }

  // Insert or replace a thread with the server's rendering; returns the new element.
  async function refresh(rootId, paragraph) {
    // The paragraph's other threads first, so the new one is placed among them.
    if (paragraph) await loader.forParagraph(paragraph);
    const fresh = await api.thread(rootId);
    const old = document.getElementById(`annotation-${rootId}`);
    clearHighlight(rootId);
    if (!fresh) {
      const notes = old?.closest("[data-notes-for]");
      old?.remove();
      if (notes) updateCount(notes);
      return null;
    }
    onFresh(fresh);
    if (old) {
      old.replaceWith(fresh);
    } else {
      const list = notesFor(paragraph).querySelector(".annotation-list");
      const start = fresh.dataset.start === undefined ? -1 : Number(fresh.dataset.start);
      const after = [...list.children].find(
        (other) => (other.dataset.start === undefined ? -1 : Number(other.dataset.start)) > start,
      );
      list.insertBefore(fresh, after || null);
    }
    enhance(fresh);
    drawHighlight(fresh, labels);
    updateCount(fresh.closest("[data-notes-for]"));
    return fresh;
  }

  function rootOf(item) {
    return item.classList.contains("thread") ? item : item.closest("li.thread");
  }

  function paragraphOf(item) {
    const id = item.closest("[data-notes-for]").dataset.notesFor;
    return document.querySelector(`p.para[data-paragraph="${id}"]`);
  }

  function openReplyForm(item) {
    const existing = item.querySelector(":scope > .reply-form");
    if (existing) {
      existing.querySelector("textarea").focus();
      return;
    }
    const form = document.createElement("form");
    form.className = "reply-form";
    const id = `reply-${item.dataset.annotation}`;
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = labels.replyLabel;
    const area = document.createElement("textarea");
    area.id = id;
    area.rows = 3;
    area.maxLength = 10000;
    area.required = true;
    const error = document.createElement("p");
    error.className = "editor-error";
    error.setAttribute("role", "alert");
    const send = document.createElement("button");
    send.type = "submit";
    send.className = "button button--small";
    send.textContent = labels.send;
    const cancel = button(labels.cancel, "cancel-reply");
    form.append(label, area, error, send, cancel);
    item.querySelector(":scope > .annotation-actions").after(form);
    area.focus();
    cancel.addEventListener("click", () => {
      form.remove();
      item.querySelector('[data-thread-action="reply"]')?.focus();
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      // Busy, but not disabled: a disabled button loses the focus to the page.
      if (send.getAttribute("aria-disabled") === "true") return;
      send.setAttribute("aria-disabled", "true");
      try {
        const reply = await api.create({ reply_to: item.dataset.annotation, body: area.value });
        const paragraph = paragraphOf(item);
        holdFocus(paragraph);
        const thread = await refresh(rootOf(item).dataset.annotation, paragraph);
        announce(labels.replySaved);
        const element = thread && document.getElementById(`annotation-${reply.id}`);
        element?.focus();
      } catch (failure) {
        error.textContent = failure.message;
        area.focus();
      } finally {
        send.removeAttribute("aria-disabled");
      }
    });
  }

  async function edit(item) {
    try {
      const annotation = await api.get(item.dataset.annotation);
      const saved = await editor.open({ paragraph: paragraphOf(item), annotation });
      if (!saved) return;
      await refresh(rootOf(item).dataset.annotation, paragraphOf(item));
      announce(labels.saved);
      document.getElementById(`annotation-${saved.id}`)?.focus();
    } catch (failure) {
      announce(failure.message, true);
    }
  }

  async function remove(item) {
    if (!window.confirm(labels.deleteConfirm)) return;
    const paragraph = paragraphOf(item);
    const root = rootOf(item);
    try {
      await api.remove(item.dataset.annotation);
      const thread = await refresh(root.dataset.annotation, paragraph);
      announce(labels.deleted);
      (thread || notesFor(paragraph).querySelector(".annotate-link") || paragraph).focus?.();
    } catch (failure) {
      announce(failure.message, true);
    }
  }

  document.addEventListener("click", (event) => {
    const control = event.target.closest("[data-thread-action]");
    if (!control) return;
    const item = control.closest("li.annotation");
    const action = control.dataset.threadAction;
    if (action === "passage") showPassage(item);
    else if (action === "reply") openReplyForm(item);
    else if (action === "edit") edit(item);
    else if (action === "delete") remove(item);
  });
  // Clicking a note (not a link or control in it) goes to its passage.
  document.addEventListener("click", (event) => {
    const thread = event.target.closest("li.thread");
    if (!thread || event.target.closest("a, button, form, summary, textarea, input")) return;
    if (!window.getSelection().isCollapsed) return;
    if (!showPassage(thread)) openThread(thread);
  });

  // Threads fetched with their paragraph: actions added, passages marked.
  function loaded(list) {
    list.querySelectorAll(":scope > li.thread").forEach((thread) => {
      enhance(thread);
      drawHighlight(thread, labels);
    });
    updateCount(list.closest("[data-notes-for]"));
  }

  document.querySelectorAll("li.thread").forEach(enhance);
  return { refresh, loaded, holdFocus, enhance, updateCount };
}
