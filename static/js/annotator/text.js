// Character offsets in a paragraph. The server counts Unicode code points (Python), the DOM
// counts UTF-16 units; everything that leaves this module is in code points.

export function toCodePoints(text, utf16Offset) {
  return Array.from(text.slice(0, utf16Offset)).length;
}

export function toUtf16(text, codePointOffset) {
  return Array.from(text).slice(0, codePointOffset).join("").length;
}

// The offsets of a DOM range inside an element, or null when the range leaves the element.
export function rangeOffsets(element, range) {
  if (!element.contains(range.startContainer) || !element.contains(range.endContainer)) return null;
  const before = document.createRange();
  before.selectNodeContents(element);
  before.setEnd(range.startContainer, range.startOffset);
  const text = element.textContent;
  const start16 = before.toString().length;
  const end16 = start16 + range.toString().length;
  if (start16 === end16) return null;
  return {
    start: toCodePoints(text, start16),
    end: toCodePoints(text, end16),
    exact: text.slice(start16, end16),
  };
}

// Wraps the text between two code-point offsets of `element` in elements made by `make`;
// returns them (several when the passage crosses other highlights).
export function wrapRange(element, start, end, make) {
  const text = element.textContent;
  const from = toUtf16(text, start);
  const to = toUtf16(text, end);
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const pieces = [];
  let offset = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const nodeStart = offset;
    offset += node.data.length;
    if (offset <= from || nodeStart >= to) continue;
    pieces.push([node, Math.max(from, nodeStart) - nodeStart, Math.min(to, offset) - nodeStart]);
  }
  return pieces.map(([node, a, b]) => {
    let target = node;
    if (a > 0) target = target.splitText(a);
    if (b - a < target.data.length) target.splitText(b - a);
    const wrapper = make();
    target.replaceWith(wrapper);
    wrapper.append(target);
    return wrapper;
  });
}

export function unwrap(wrapper) {
  const parent = wrapper.parentNode;
  if (!parent) return;
  wrapper.replaceWith(...wrapper.childNodes);
  parent.normalize();
}

// Where typed or pasted words are in a paragraph: {start, end, exact}, or a reason why not.
export function findPassage(text, words) {
  const wanted = words.replace(/\s+/g, " ").trim();
  if (!wanted) return { reason: "empty" };
  const first = text.indexOf(wanted);
  if (first === -1) return { reason: "missing" };
  if (text.indexOf(wanted, first + 1) !== -1) return { reason: "ambiguous" };
  return {
    start: toCodePoints(text, first),
    end: toCodePoints(text, first + wanted.length),
    exact: wanted,
  };
}
