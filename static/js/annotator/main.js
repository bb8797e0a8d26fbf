// The reading page's annotator: draws highlights, offers the selection toolbar and the editor,
// lists threads in the margin, and opens the thread named in ?annotation=.
// Without JavaScript the page still lists threads and links to a plain form.

import { createApi } from "./api.js";
import { createArrivals } from "./arrivals.js";
import { bindMarks, drawAll, openThread, showPassage } from "./highlights.js";
import { createEditor } from "./editor.js";
import { createLive } from "./live.js";
import { createLoader } from "./loader.js";
import { createThreads } from "./threads.js";
import { createToolbar } from "./toolbar.js";

const config = JSON.parse(document.getElementById("annotator-config").textContent);
const labels = config.labels;
const api = createApi(config);
const statusBox = document.querySelector("[data-annotator-status]");

function announce(message, isError = false) {
  statusBox.textContent = "";
  statusBox.classList.toggle("is-error", isError);
  // A fresh text node is announced even when the message repeats.
  requestAnimationFrame(() => (statusBox.textContent = message));
  clearTimeout(announce.timer);
  announce.timer = setTimeout(() => (statusBox.textContent = ""), 6000);
}

const dialog = document.querySelector("[data-editor]");
const editor = dialog ? createEditor(dialog, { api, config }) : null;
let threads = null;
let arrivals = null;
const loader = createLoader({
  api,
  onLoaded: (list) => {
    arrivals.remember(list);
    threads.loaded(list);
  },
  onError: (error) => announce(`${labels.threadsFailed} ${error.message}`, true),
});
threads = createThreads({
  api,
  config,
  editor,
  announce,
  loader,
  onFresh: (thread) => arrivals.rememberThread(thread),
});
arrivals = createArrivals({ api, config, threads, loader, announce });
// Classmates' notes arrive without a reload (reading/live.py).
if (config.live) createLive({ ...config.live, onChange: arrivals.apply });

drawAll(labels);
bindMarks();

async function created(annotation, paragraph) {
  // The editor has closed; until the new thread is drawn the focus waits by the paragraph.
  if (document.activeElement === document.body) threads.holdFocus(paragraph);
  const thread = await threads.refresh(annotation.id, paragraph);
  if (!thread) {
    // Saved, but hidden by the filters in use.
    announce(labels.savedHidden);
    return;
  }
  announce(annotation.motivation === "highlighting" ? labels.highlightSaved : labels.saved);
  openThread(thread);
}

async function annotate(paragraph, selector) {
  const saved = await editor.open({ paragraph, selector });
  if (saved) await created(saved, paragraph);
}

async function highlight(paragraph, selector) {
  try {
    const saved = await api.create({
      edition: config.edition,
      paragraph: paragraph.dataset.paragraph,
      selector,
      motivation: "highlighting",
      visibility: "private",
      colour: localStorage.getItem("annotator-colour") || "yellow",
    });
    await created(saved, paragraph);
  } catch (error) {
    announce(error.message, true);
  }
}

const toolbarElement = document.querySelector("[data-selection-toolbar]");
if (toolbarElement) {
  createToolbar(toolbarElement, (action, passage) => {
    const selector = { start: passage.start, end: passage.end, exact: passage.exact };
    if (action === "annotate") annotate(passage.paragraph, selector);
    else if (action === "highlight") highlight(passage.paragraph, selector);
  });
}

// "Annotate this paragraph" opens the editor instead of the plain form; typing the words of a
// passage there is the keyboard way to anchor a note to exact words.
if (editor) {
  document.addEventListener("click", (event) => {
    const link = event.target.closest("[data-annotate-paragraph]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    const paragraph = document.querySelector(`p.para[data-paragraph="${link.dataset.annotateParagraph}"]`);
    annotate(paragraph, null);
  });
}

// Filters apply as soon as they change.
document.querySelectorAll("form[data-auto-submit]").forEach((form) => {
  form.addEventListener("change", () => form.requestSubmit());
});

// A permalink of an annotation opens the edition with its thread open. This waits for the load
// event: the browser's own scroll to the #pN fragment happens first and would take the focus.
async function findWanted(wanted) {
  // The link names the paragraph (#pN); a reply's or an old link's is asked of the API.
  const hash = document.querySelector(`p.para[data-paragraph="${window.location.hash.slice(1)}"]`);
  if (hash) await loader.forParagraph(hash);
  let item = document.getElementById(`annotation-${wanted}`);
  if (item) return item;
  const annotation = await api.get(wanted).catch(() => null);
  const paragraph =
    annotation && document.querySelector(`p.para[data-paragraph="${annotation.paragraph}"]`);
  if (paragraph) await loader.forParagraph(paragraph);
  return document.getElementById(`annotation-${wanted}`);
}

async function openWanted() {
  const wanted = new URLSearchParams(window.location.search).get("annotation");
  if (!wanted) return;
  const item = await findWanted(wanted).catch(() => null);
  if (!item) {
    announce(labels.notShown, true);
    return;
  }
  const thread = item.closest("li.thread");
  if (!showPassage(thread)) openThread(thread);
  if (item !== thread) item.focus();
}
if (document.readyState === "complete") setTimeout(openWanted);
else window.addEventListener("load", () => setTimeout(openWanted));
