// The live channel: the page asks the server every few seconds what its reader sees of each
// paragraph's notes (reading/live.py answers, 304 when nothing changed) and reports the
// paragraphs whose state differs from the last answer. A dropped connection is retried with a
// growing pause, and the page catches up at once when the network or the tab comes back:
// every answer is the whole state, so nothing is lost in between.

export function createLive({ url, etag = null, state = null, onChange }) {
  let known = state;
  let lastTag = etag;
  let pause = 2000;
  let failures = 0;
  let timer = null;
  let running = false;

  function schedule() {
    clearTimeout(timer);
    let wait = failures ? Math.min(30000, pause * 2 ** failures) : pause;
    if (document.hidden) wait = Math.max(wait, 15000);
    timer = setTimeout(poll, wait);
  }

  function changesFrom(before, after) {
    const changed = [];
    for (const id of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (before[id]?.state !== after[id]?.state) {
        changed.push({ paragraph: id, threads: after[id]?.threads || 0 });
      }
    }
    return changed;
  }

  async function poll() {
    if (running) return;
    running = true;
    clearTimeout(timer);
    try {
      const headers = { Accept: "application/json" };
      if (lastTag) headers["If-None-Match"] = lastTag;
      const response = await fetch(url, { cache: "no-store", credentials: "same-origin", headers });
      if (response.status !== 304) {
        if (!response.ok) throw new Error(`${response.status}`);
        const data = await response.json();
        lastTag = response.headers.get("ETag");
        pause = data.poll || pause;
        const changed = known ? changesFrom(known, data.paragraphs) : [];
        known = data.paragraphs;
        if (changed.length) await onChange(changed);
      }
      failures = 0;
    } catch {
      failures += 1;
    } finally {
      running = false;
      schedule();
    }
  }

  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) poll();
  });
  window.addEventListener("online", poll);
  schedule();
  return { poll };
}
