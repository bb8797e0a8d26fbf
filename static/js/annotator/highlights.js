// Draws each thread's passage as <mark> elements in its paragraph and links marks and notes:
// a mark opens its thread, a thread's "Show passage" goes to its mark.

import { unwrap, wrapRange } from "./text.js";

const paragraphOf = (thread) =>
  document.querySelector(`p.para[data-paragraph="${thread.closest("[data-notes-for]").dataset.notesFor}"]`);

export function marksOf(id) {
  return [...document.querySelectorAll(`mark.highlight[data-annotation="${id}"]`)];
}

export function clearHighlight(id) {
  marksOf(id).forEach(unwrap);
}

function accessibleName(thread, labels) {
  const motivation = thread.querySelector(".motivation")?.textContent.trim() || "";
  const author = thread.dataset.authorName || "";
  return labels.highlightName.replace("%(motivation)s", motivation).replace("%(author)s", author);
}

export function drawHighlight(thread, labels) {
  const id = thread.dataset.annotation;
  clearHighlight(id);
  if (thread.dataset.start === undefined || thread.hasAttribute("data-deleted")) return [];
  const paragraph = paragraphOf(thread);
  if (!paragraph) return [];
  const start = Number(thread.dataset.start);
  const end = Number(thread.dataset.end);
  const marks = wrapRange(paragraph, start, end, () => {
    const mark = document.createElement("mark");
    mark.className = `highlight highlight--${thread.dataset.colour} highlight--${thread.dataset.motivation}`;
    mark.dataset.annotation = id;
    return mark;
  });
  if (marks.length) {
    // The marked words are the name; what the mark is and how to open it, its description
    // (ARIA gives <mark> no name of its own).
    marks[0].tabIndex = 0;
    marks[0].setAttribute("aria-description", accessibleName(thread, labels));
  }
  return marks;
}

export function drawAll(labels) {
  document.querySelectorAll("li.thread[data-start]").forEach((thread) => drawHighlight(thread, labels));
}

function flash(elements) {
  elements.forEach((element) => {
    element.classList.remove("is-flashing");
    void element.offsetWidth;
    element.classList.add("is-flashing");
  });
}

export function openThread(thread) {
  document.querySelectorAll("li.thread.is-active, mark.is-active").forEach((element) =>
    element.classList.remove("is-active"),
  );
  thread.classList.add("is-active");
  marksOf(thread.dataset.annotation).forEach((mark) => mark.classList.add("is-active"));
  thread.scrollIntoView({ block: "nearest" });
  thread.focus({ preventScroll: true });
  flash([thread]);
}

export function showPassage(thread) {
  const marks = marksOf(thread.dataset.annotation);
  if (!marks.length) return false;
  openThread(thread);
  marks[0].scrollIntoView({ block: "center" });
  marks[0].focus({ preventScroll: true });
  flash(marks);
  return true;
}

export function bindMarks(root = document) {
  root.addEventListener("click", (event) => {
    const mark = event.target.closest("mark.highlight[data-annotation]");
    if (!mark || !window.getSelection().isCollapsed) return;
    const thread = document.getElementById(`annotation-${mark.dataset.annotation}`);
    if (thread) openThread(thread);
  });
  root.addEventListener("keydown", (event) => {
    const mark = event.target.closest?.("mark.highlight[data-annotation]");
    if (!mark || (event.key !== "Enter" && event.key !== " ")) return;
    event.preventDefault();
    const thread = document.getElementById(`annotation-${mark.dataset.annotation}`);
    if (thread) openThread(thread);
  });
}
