// Each fact typed once (declarations/defaults.py): an input with `data-default` takes its value from
// what was typed elsewhere in the declaration until the clerk types in it. A value filled here is marked
// `defaulted` (shown lighter) and is an ordinary value: the validation checks it like anything typed.
// Also "copy the line above" and the required marks that follow the declaration's direction.
(() => {
  const FORM = "declaration-form";

  const form = () => document.getElementById(FORM);
  const rowOf = (el) => el.closest(".row-card");
  const nameOf = (el) => el.name.replace(/^\w+-\d+-/, "");

  function field(scope, key) {
    // "header.x": the header's input; "line.x": the same goods line's input.
    const [section, name] = key.split(".");
    if (section === "header") return document.getElementById(`id_${name}`);
    return scope ? scope.querySelector(`[name$="-${name}"]`) : null;
  }

  function above(el) {
    const row = rowOf(el);
    let previous = row && row.previousElementSibling;
    while (previous && !previous.classList.contains("row-card")) previous = previous.previousElementSibling;
    return previous ? previous.querySelector(`[name$="-${nameOf(el)}"]`) : null;
  }

  function number(el) {
    const value = el ? Number.parseFloat(el.value) : Number.NaN;
    return Number.isFinite(value) ? value : null;
  }

  function valueFor(el, rule) {
    const row = rowOf(el);
    if (rule.product) {
      const [a, b] = rule.product.map((key) => number(field(row, key)));
      return a === null || b === null ? "" : (a * b).toFixed(2);
    }
    if (rule.when_same) {
      const [a, b] = rule.when_same.map((key) => field(row, key));
      if (!a || !b || a.value.trim().toUpperCase() !== b.value.trim().toUpperCase()) return "";
    }
    if (rule.value) return rule.value;
    const source = rule.source === "above" ? above(el) : field(row, rule.source);
    const value = source ? source.value.trim() : "";
    if (rule.mapping) return rule.mapping[value] || "";
    return value;
  }

  function defaultOf(el) {
    const direction = form().dataset.direction;
    for (const rule of JSON.parse(el.dataset.default)) {
      if (rule.direction && rule.direction !== direction) continue;
      const value = valueFor(el, rule);
      if (value !== "") return value;
    }
    return "";
  }

  function fill(el) {
    if (el.dataset.touched && el.value !== "") return;
    // A goods line HTMX has not settled yet would not check a filled code: its own settle fills it.
    if (el.closest(".htmx-added")) return;
    const value = defaultOf(el);
    if (value !== "" && el.value !== value) {
      el.value = value;
      el.classList.add("defaulted");
      el.dispatchEvent(new Event("change", { bubbles: true })); // its hint names the code, dependants follow
    }
  }

  function fillAll() {
    if (!form()) return;
    for (const el of form().querySelectorAll("[data-default]")) fill(el);
  }

  // A value the page was served with is kept: it follows its source again only if it is what the
  // default would give (a saved draft whose total the clerk corrected keeps the correction).
  function adopt(root) {
    if (!form() || !root.querySelectorAll) return;
    for (const el of root.querySelectorAll("[data-default]")) {
      if (el.value !== "" && el.value !== defaultOf(el)) el.dataset.touched = "1";
    }
    fillAll();
  }

  document.addEventListener("input", (event) => {
    const el = event.target;
    if (!el.form || el.form.id !== FORM) return;
    if (event.isTrusted && el.matches("[data-default]")) {
      el.dataset.touched = "1"; // typed by the clerk: never overwritten again
      el.classList.remove("defaulted");
    }
    fillAll();
  });
  document.addEventListener("change", (event) => {
    const el = event.target;
    if (!el.form || el.form.id !== FORM) return;
    if (el.name === "direction") {
      el.form.dataset.direction = el.value;
    }
    fillAll();
  });
  // A new goods line: once HTMX has settled it (its inputs then react to change, so a filled code is named).
  document.addEventListener("htmx:afterSettle", (event) => adopt(event.target));
  document.addEventListener("DOMContentLoaded", () => adopt(document));

  // "Copy the line above": every value of the previous goods line into this one.
  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("[data-copy-above]");
    if (!button) return;
    const row = rowOf(button);
    for (const el of row.querySelectorAll("input[name], select[name], textarea[name]")) {
      if (el.type === "hidden" || el.type === "checkbox") continue;
      const source = above(el);
      if (!source || source.value === "") continue;
      el.value = source.value;
      delete el.dataset.touched;
      el.dispatchEvent(new Event("change", { bubbles: true }));
    }
    const first = row.querySelector("input[name$='-hs_code']");
    if (first) first.focus();
  });
})();
