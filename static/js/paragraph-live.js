// A paragraph's permalink page keeps its threads current: when the live channel says that what
// the reader sees on the paragraph changed, its threads are fetched again and replace the list.

import { createLive } from "./annotator/live.js";

const notes = document.querySelector("[data-live-src]");
const status = document.querySelector("[data-live-status]");

function idsOf(root) {
  return new Set([...root.querySelectorAll("li.annotation")].map((item) => item.dataset.annotation));
}

if (notes) {
  const list = document.querySelector("[data-notes-for] > .annotation-list");
  createLive({
    url: notes.dataset.liveSrc,
    etag: notes.dataset.liveEtag || null,
    state: JSON.parse(notes.dataset.liveState || "{}"),
    onChange: async () => {
      const response = await fetch(notes.dataset.threadsUrl, {
        credentials: "same-origin",
        headers: { Accept: "text/html" },
      });
      if (!response.ok) return;
      const template = document.createElement("template");
      template.innerHTML = (await response.text()).trim();
      const before = idsOf(list);
      const arrived = [...idsOf(template.content)].filter((id) => !before.has(id)).length;
      list.replaceChildren(...template.content.children);
      if (arrived && status) {
        status.textContent = (arrived === 1 ? status.dataset.one : status.dataset.many).replace("%s", arrived);
      }
    },
  });
}
