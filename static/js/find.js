// The reading view's find box (templates/includes/find_box.html). Without this module its links
// step between matching paragraphs by reloading the page; with it, Enter in the box (Shift+Enter
// backwards) and the Previous/Next links move between matches in place, the matching
// paragraphs are marked, and a live region says where the reader is ("Match 2 of 5").

const form = document.querySelector("[data-find]");
if (form) {
  enhance(form);
}

function enhance(form) {
  const input = form.querySelector('input[name="find"]');
  const status = form.querySelector("[data-find-status]");
  const links = [...form.querySelectorAll("[data-find-match]")];
  const rows = links.map((link) => document.getElementById(link.dataset.findMatch));
  if (!links.length || rows.includes(null)) {
    return;
  }
  const steps = [...form.querySelectorAll("[data-find-step]")];
  const submitted = input.value.trim();
  let current = links.findIndex((link) => link.getAttribute("aria-current") === "true");

  rows.forEach((row) => row.classList.add("find-hit"));

  function show(index, { focusRow = false, scroll = true } = {}) {
    current = (index + links.length) % links.length;
    rows.forEach((row, i) => row.classList.toggle("find-current", i === current));
    links.forEach((link, i) => {
      if (i === current) {
        link.setAttribute("aria-current", "true");
      } else {
        link.removeAttribute("aria-current");
      }
    });
    const row = rows[current];
    const url = new URL(window.location.href);
    url.searchParams.set("match", String(current + 1));
    url.hash = row.id;
    window.history.replaceState(null, "", url);
    steps.forEach((step) => {
      const target = (current + Number(step.dataset.findStep) + links.length) % links.length;
      step.href = links[target].href;
    });
    if (scroll) {
      row.scrollIntoView({ block: "start" });
    }
    status.textContent = form.dataset.findAnnounce
      .replace("{current}", String(current + 1))
      .replace("{total}", String(links.length))
      .replace("{number}", row.querySelector("[data-number]")?.dataset.number ?? row.id);
    if (focusRow) {
      row.tabIndex = -1;
      row.focus({ preventScroll: true });
    }
  }

  input.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || input.value.trim() !== submitted) {
      return; // a new text is submitted as usual
    }
    event.preventDefault();
    show(current < 0 && event.shiftKey ? links.length - 1 : current + (event.shiftKey ? -1 : 1));
  });
  steps.forEach((step) =>
    step.addEventListener("click", (event) => {
      event.preventDefault();
      const forward = Number(step.dataset.findStep) > 0;
      show(current < 0 && !forward ? links.length - 1 : current + Number(step.dataset.findStep));
    }),
  );
  links.forEach((link, i) =>
    link.addEventListener("click", (event) => {
      event.preventDefault();
      show(i, { focusRow: true });
    }),
  );

  // The box's own submission lands on #find-input, which the browser focuses by itself.
  if (current >= 0) {
    show(current, { scroll: false });
  }
}
