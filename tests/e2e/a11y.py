"""Helpers for the accessibility browser tests: axe-core run in the page, and checks that the
keyboard focus is on a visible element with a visible indicator.

axe-core is vendored (`scripts/vendor_axe.sh` fetches the pinned release from the npm registry
and checks its integrity) so the tests need no network. It is given to the page with
`add_init_script`, which Chromium evaluates through the DevTools protocol: the app's strict
Content-Security-Policy (`script-src 'self'`, no inline script) stays in force during the audit,
whereas a `<script>` tag with the file's content, as `add_script_tag` writes it, would be refused
by that policy. Only the audit tool needs this way in; the app's own scripts load as usual.
"""

from pathlib import Path

AXE_PATH = Path(__file__).parent / "vendor" / "axe.min.js"

# WCAG 2.0, 2.1 and 2.2 at levels A and AA (axe has no wcag22a tag: 2.2's new A criteria are
# tagged wcag21a or wcag22aa by the rules that cover them).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def with_axe(context):
    """Makes axe-core available as `window.axe` on every page the context opens."""
    context.add_init_script(path=AXE_PATH)
    return context


def axe_violations(page, *, include: str | None = None) -> list[dict]:
    """Runs axe with the WCAG A/AA rules on the page as it is now (or on the part `include`
    selects) and returns its violations."""
    return page.evaluate(
        """async ([tags, include]) => {
          const result = await window.axe.run(include ? { include: [include] } : document, {
            runOnly: { type: "tag", values: tags },
            resultTypes: ["violations"],
          });
          return result.violations.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
          }));
        }""",
        [WCAG_TAGS, include],
    )


def describe(label: str, violations: list[dict], *, shown: int = 3) -> list[str]:
    """One readable entry per violated rule: where, which rule, what axe says, and the first
    few elements."""
    lines = []
    for violation in violations:
        nodes = violation["nodes"]
        summary = " ".join(nodes[0]["summary"].split())
        targets = ", ".join(node["target"] for node in nodes[:shown])
        more = f" and {len(nodes) - shown} more" if len(nodes) > shown else ""
        lines.append(
            f"{label}: {violation['id']} ({violation['impact']}) {violation['help']}\n"
            f"    at {targets}{more}\n    {summary}"
        )
    return lines


FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) {
    return { lost: true, tag: el ? el.tagName : null };
  }
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  // An outline: every focus style of the app draws one (a box shadow would not do, since
  // highlights carry one anyway to say what kind of note they are).
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  return {
    lost: false,
    tag: el.tagName,
    id: el.id,
    text: (el.getAttribute("aria-label") || el.textContent || el.value || "").trim().slice(0, 60),
    visible: box.width > 0 && box.height > 0 && style.visibility !== "hidden"
      && el.checkVisibility({ opacityProperty: true, visibilityProperty: true }),
    focusVisible: el.matches(":focus-visible"),
    indicator: outline,
    outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
    boxShadow: style.boxShadow,
  };
}"""


def focus_state(page) -> dict:
    return page.evaluate(FOCUS_STATE)


def assert_focus_visible(page, step: str) -> dict:
    """The focus is on an element (never lost to the body), that element is rendered, and it
    draws a focus outline."""
    state = focus_state(page)
    assert not state["lost"], f"{step}: focus lost to <{state['tag']}>"
    assert state["visible"], f"{step}: focused element is not visible: {state}"
    assert state["indicator"], f"{step}: no visible focus indicator: {state}"
    return state


def announced(page) -> dict:
    """What Chromium's accessibility tree (what screen readers read) says of the focused
    element: its role, name and description."""
    session = page.context.new_cdp_session(page)
    try:
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        session.detach()
    for node in nodes:
        properties = {p["name"]: p["value"].get("value") for p in node.get("properties", [])}
        if properties.get("focused") and node.get("role", {}).get("value") != "RootWebArea":
            return {
                "role": node.get("role", {}).get("value"),
                "name": node.get("name", {}).get("value", ""),
                "description": node.get("description", {}).get("value", ""),
            }
    raise AssertionError("nothing focused in the accessibility tree")
