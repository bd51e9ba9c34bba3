"""What every page must pass: axe-core against the WCAG 2.2 A and AA rules (no
serious or critical violation), one h1, a well-formed title, a label on every
field, and errors shown with the error-summary pattern."""

from __future__ import annotations

import re

# axe-core rule tags for WCAG 2.0, 2.1 and 2.2 at levels A and AA (2.2 added AA
# rules only; its A rule, target size minimum, is tagged wcag22aa).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = {"serious", "critical"}
# What base.html appends to every page's own title (the dashes are en dashes).
TITLE_SUFFIX = " \N{EN DASH} Learner Journey \N{EN DASH} Code4000"
TITLE = re.compile(r"^(Error: )?[^<>\n]{1,80}" + re.escape(TITLE_SUFFIX) + "$")

_AXE_RUN = """async (tags) => {
  if (typeof axe === "undefined") { return null; }
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => n.target.join(" ") + ": " + n.failureSummary),
  }));
}"""

_STRUCTURE = """() => {
  const problems = [];
  const h1s = document.querySelectorAll("h1");
  if (h1s.length !== 1) { problems.push(`${h1s.length} h1 elements (a page has exactly one)`); }
  if (!document.querySelector("main")) { problems.push("no <main> landmark"); }
  const fields = Array.from(document.querySelectorAll("input, select, textarea")).filter((el) =>
    !["hidden", "submit", "button", "reset", "image"].includes((el.type || "").toLowerCase()));
  for (const el of fields) {
    const labelled = (el.labels && el.labels.length > 0) || el.getAttribute("aria-labelledby");
    if (!labelled) { problems.push(`field without a <label>: ${el.outerHTML.slice(0, 120)}`); }
  }
  const summary = document.querySelector(".govuk-error-summary");
  const fieldErrors = document.querySelectorAll(".govuk-error-message");
  if (fieldErrors.length && !summary) {
    problems.push("errors shown on fields but no error summary at the top");
  }
  if (summary) {
    if (!document.title.startsWith("Error: ")) {
      problems.push("a page with errors has no 'Error: ' in its title");
    }
    const above = Node.DOCUMENT_POSITION_FOLLOWING;
    if (h1s.length && !(summary.compareDocumentPosition(h1s[0]) & above)) {
      problems.push("the error summary is not above the h1");
    }
    const links = summary.querySelectorAll(".govuk-error-summary__list a");
    if (!links.length) { problems.push("the error summary has no links to the fields"); }
    for (const link of links) {
      const id = decodeURIComponent(link.hash.slice(1));
      if (!id || !document.getElementById(id)) {
        const text = link.textContent.trim();
        problems.push(`error summary link "${text}" points at no field (#${id})`);
      }
    }
  }
  return problems;
}"""


def axe_violations(page) -> list[dict]:
    """Serious and critical axe-core violations on the page as it is now."""
    violations = page.evaluate(_AXE_RUN, WCAG_TAGS)
    if violations is None:
        raise AssertionError(f"axe-core is not loaded in {page.url}")
    return [v for v in violations if v["impact"] in FAILING_IMPACTS]


def page_problems(page) -> list[str]:
    """Everything wrong with the page as it is now, as sentences (empty when it passes)."""
    # After a click the new document may still be loading its stylesheet, and a
    # page without its CSS fails (or passes) for the wrong reasons.
    page.wait_for_load_state("load")
    problems: list[str] = []
    title = page.title()
    if not TITLE.match(title):
        problems.append(f"title {title!r} is not 'Page{TITLE_SUFFIX}'")
    problems.extend(page.evaluate(_STRUCTURE))
    for violation in axe_violations(page):
        nodes = "\n      ".join(violation["nodes"][:5])
        problems.append(
            f"axe {violation['impact']} {violation['id']}: {violation['help']}\n      {nodes}"
        )
    return problems


def assert_page_passes(page) -> None:
    problems = page_problems(page)
    where = page.url
    assert not problems, f"{where} ({page.title()}):\n  - " + "\n  - ".join(problems)
