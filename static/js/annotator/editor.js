// The annotation editor: a modal dialog with the passage, kind, Markdown note with preview,
// tags with suggestions, visibility and colour. Resolves with the saved annotation's JSON.

import { newKey } from "./api.js";
import { findPassage } from "./text.js";

const TAGS_MAX = 10;

export function createEditor(dialog, { api, config }) {
  const form = dialog.querySelector("form");
  const field = (name) => form.elements.namedItem(name);
  const heading = dialog.querySelector("[data-editor-heading]");
  const target = dialog.querySelector("[data-editor-target]");
  const errorBox = dialog.querySelector("[data-editor-error]");
  const preview = dialog.querySelector("[data-editor-preview]");
  const previewToggle = dialog.querySelector("[data-editor-preview-toggle]");
  const chips = dialog.querySelector("[data-editor-chips]");
  const tagInput = dialog.querySelector("#editor-tags");
  const suggestions = dialog.querySelector("[data-editor-suggestions]");
  const sections = {
    passage: dialog.querySelector("[data-editor-passage-field]"),
    motivation: dialog.querySelector("[data-editor-motivation-field]"),
    body: dialog.querySelector("[data-editor-body-field]"),
    visibility: dialog.querySelector("[data-editor-visibility-field]"),
    colour: dialog.querySelector("[data-editor-colour-field]"),
  };
  let state = null;
  let tags = [];

  // Tags --------------------------------------------------------------------------------
  function renderChips() {
    chips.replaceChildren(
      ...tags.map((tag) => {
        const item = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.className = "tag tag-chip";
        button.textContent = `${tag} ×`;
        button.setAttribute("aria-label", tagInput.dataset.removeLabel.replace("%s", tag));
        button.addEventListener("click", () => {
          tags = tags.filter((t) => t !== tag);
          renderChips();
          tagInput.focus();
        });
        item.append(button);
        return item;
      }),
    );
  }

  function addTag(raw) {
    const name = raw.replace(/[,"]/g, " ").replace(/\s+/g, " ").trim();
    if (!name) return;
    if (!tags.some((t) => t.toLowerCase() === name.toLowerCase()) && tags.length < TAGS_MAX) {
      tags.push(name);
    }
    renderChips();
  }

  tagInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === ",") {
      event.preventDefault();
      addTag(tagInput.value);
      tagInput.value = "";
    } else if (event.key === "Backspace" && !tagInput.value && tags.length) {
      tags.pop();
      renderChips();
    }
  });
  let suggestTimer;
  tagInput.addEventListener("input", () => {
    clearTimeout(suggestTimer);
    suggestTimer = setTimeout(async () => {
      try {
        // A course's vocabulary comes first when the note goes to that course.
        const [visibility, group] = field("visibility").value.split(":");
        const { items } = await api.tags(tagInput.value.trim(), visibility === "group" ? group : null);
        suggestions.replaceChildren(
          ...items
            .filter((item) => !tags.some((t) => t.toLowerCase() === item.name.toLowerCase()))
            .map((item) => new Option(item.name, item.name)),
        );
      } catch {
        suggestions.replaceChildren();
      }
    }, 150);
  });
  // Picking a suggestion from the list replaces the input's value without a key press.
  tagInput.addEventListener("change", () => {
    if ([...suggestions.options].some((option) => option.value === tagInput.value)) {
      addTag(tagInput.value);
      tagInput.value = "";
    }
  });

  // Preview -----------------------------------------------------------------------------
  function showWrite() {
    preview.hidden = true;
    field("body").hidden = false;
    previewToggle.setAttribute("aria-pressed", "false");
    previewToggle.textContent = previewToggle.dataset.preview;
  }
  previewToggle.addEventListener("click", async () => {
    if (!preview.hidden) {
      showWrite();
      field("body").focus();
      return;
    }
    try {
      const { html } = await api.preview(field("body").value);
      preview.innerHTML = html; // sanitised by the server, exactly as it will be stored
    } catch (error) {
      preview.textContent = error.message;
    }
    preview.hidden = false;
    field("body").hidden = true;
    previewToggle.setAttribute("aria-pressed", "true");
    previewToggle.textContent = previewToggle.dataset.write;
    preview.focus();
  });

  // Kind --------------------------------------------------------------------------------
  function syncKind() {
    const isHighlight = form.querySelector('input[name="motivation"]:checked')?.value === "highlighting";
    sections.body.hidden = isHighlight;
  }
  form.addEventListener("change", (event) => {
    if (event.target.name === "motivation") syncKind();
  });

  // Open and save -----------------------------------------------------------------------
  function reset() {
    form.reset();
    tags = [];
    renderChips();
    tagInput.value = "";
    errorBox.textContent = "";
    showWrite();
    Object.values(sections).forEach((section) => (section.hidden = false));
  }

  function setVisibility(visibility, group) {
    field("visibility").value = visibility === "group" ? `group:${group}` : visibility;
  }

  function open(next) {
    reset();
    state = next;
    const { paragraph, selector, annotation } = next;
    heading.textContent = annotation ? heading.dataset.edit : heading.dataset.new;
    target.textContent = config.labels.paragraph.replace("%s", paragraph.dataset.number);
    field("passage").value = selector ? selector.exact : "";
    sections.passage.hidden = Boolean(annotation);
    field("colour").value = localStorage.getItem("annotator-colour") || "yellow";
    field("visibility").value =
      config.defaultVisibility || localStorage.getItem("annotator-visibility") || "private";
    if (!field("visibility").value) field("visibility").value = "private";
    if (annotation) {
      field("body").value = annotation.body;
      form.querySelector(`input[name="motivation"][value="${annotation.motivation}"]`)?.click();
      field("colour").value = annotation.colour;
      setVisibility(annotation.visibility, annotation.group);
      tags = [...annotation.tags];
      renderChips();
      const isReply = annotation.motivation === "replying";
      sections.motivation.hidden = isReply;
      sections.visibility.hidden = isReply;
      sections.colour.hidden = isReply;
    }
    syncKind();
    state.returnFocus = document.activeElement;
    dialog.showModal();
    (annotation || selector ? field("body") : field("passage")).focus();
    return new Promise((resolve) => (state.resolve = resolve));
  }

  function payload() {
    const motivation = form.querySelector('input[name="motivation"]:checked')?.value || "commenting";
    const [visibility, group] = field("visibility").value.split(":");
    if (tagInput.value.trim()) {
      addTag(tagInput.value);
      tagInput.value = "";
    }
    const data = {
      motivation,
      body: motivation === "highlighting" ? "" : field("body").value,
      tags: [...tags],
      visibility,
      group: group || null,
      colour: field("colour").value,
    };
    if (state.annotation) {
      if (state.annotation.motivation === "replying") {
        return { body: data.body, tags: data.tags };
      }
      return data;
    }
    const paragraph = state.paragraph;
    const text = paragraph.textContent;
    const words = field("passage").value;
    let selector = null;
    if (state.selector && words === state.selector.exact) {
      selector = state.selector;
    } else if (words.trim()) {
      const found = findPassage(text, words);
      if (found.reason) {
        throw Object.assign(new Error(config.labels[`passage_${found.reason}`].replace("%s", paragraph.dataset.number)), {
          field: "passage",
        });
      }
      selector = found;
    }
    return {
      ...data,
      edition: config.edition,
      paragraph: paragraph.dataset.paragraph,
      selector: selector && { start: selector.start, end: selector.end, exact: selector.exact },
    };
  }

  function fail(error) {
    errorBox.textContent = error.message;
    const focusTarget = {
      passage: field("passage"),
      "selector.exact": field("passage"),
      selector: field("passage"),
      body: field("body"),
      tags: tagInput,
      visibility: field("visibility"),
      group: field("visibility"),
    }[error.field];
    (focusTarget && !focusTarget.closest("[hidden]") ? focusTarget : errorBox).focus?.();
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!state) return;
    let data;
    try {
      data = payload();
    } catch (error) {
      fail(error);
      return;
    }
    const saveButton = dialog.querySelector("[data-editor-save]");
    // Busy, but not disabled: a disabled button loses the focus to the page.
    if (saveButton.getAttribute("aria-disabled") === "true") return;
    saveButton.setAttribute("aria-disabled", "true");
    try {
      state.key = state.key || newKey();
      const saved = state.annotation
        ? await api.update(state.annotation.id, data, state.annotation.version)
        : await api.create(data, state.key);
      if (!state.annotation) {
        localStorage.setItem("annotator-colour", data.colour);
        localStorage.setItem("annotator-visibility", field("visibility").value.startsWith("group") ? "private" : data.visibility);
      }
      const { resolve } = state;
      state = null;
      dialog.close();
      resolve(saved);
    } catch (error) {
      fail(error);
    } finally {
      saveButton.removeAttribute("aria-disabled");
    }
  });

  function cancel() {
    if (!state) return;
    const { resolve, returnFocus } = state;
    state = null;
    dialog.close();
    returnFocus?.focus?.();
    resolve(null);
  }
  dialog.querySelector("[data-editor-cancel]").addEventListener("click", cancel);
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    cancel();
  });

  return { open };
}
