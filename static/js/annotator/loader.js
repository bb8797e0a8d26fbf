// Threads are not in the page's HTML: each paragraph's are fetched, server-rendered, when the
// paragraph comes near the viewport (or when something needs them now: a save, a link to a
// note). The text paints at once however many notes there are.

export function createLoader({ api, onLoaded, onError }) {
  const pending = new Map();

  function listOf(paragraph) {
    return document.querySelector(`[data-notes-for="${paragraph.dataset.paragraph}"] > .annotation-list`);
  }

  function load(list) {
    if (!list || !list.dataset.threadsSrc) return Promise.resolve(list);
    if (pending.has(list)) return pending.get(list);
    list.setAttribute("aria-busy", "true");
    const loading = api
      .threads(list.dataset.threadsSrc)
      .then((items) => {
        list.replaceChildren(...items);
        delete list.dataset.threadsSrc;
        list.removeAttribute("aria-busy");
        list.parentElement.querySelector("[data-threads-link]")?.remove();
        onLoaded(list);
        return list;
      })
      .catch((error) => {
        pending.delete(list);
        list.removeAttribute("aria-busy");
        throw error;
      });
    pending.set(list, loading);
    return loading;
  }

  const observer =
    "IntersectionObserver" in window
      ? new IntersectionObserver(
          (entries) => {
            entries.forEach((entry) => {
              if (!entry.isIntersecting) return;
              observer.unobserve(entry.target);
              load(entry.target.querySelector(".annotation-list[data-threads-src]")).catch(onError);
            });
          },
          { rootMargin: "800px 0px" },
        )
      : null;

  document.querySelectorAll(".annotation-list[data-threads-src]").forEach((list) => {
    // Kept for the live channel, which fetches a loaded paragraph's threads again.
    list.dataset.threadsUrl = list.dataset.threadsSrc;
    if (list.dataset.threadCount === "0") {
      // Nothing to fetch: the paragraph has no thread this reader sees.
      delete list.dataset.threadsSrc;
      return;
    }
    const row = list.closest(".para-row");
    if (observer && row) observer.observe(row);
    else load(list).catch(onError);
  });

  return {
    // Resolves with the paragraph's list once its threads are in the page.
    forParagraph: (paragraph) => load(listOf(paragraph)),
    // Whether the list's threads are in the page (or being fetched).
    isLoaded: (list) => !list.dataset.threadsSrc || pending.has(list),
  };
}
