// The few behaviours HTMX does not cover: autosave when the targets change (the form then shows the
// fields those agencies need), a form sent as soon as its choice changes (the broker's client), and a
// confirmation before destructive buttons. No inline handlers: the Content-Security-Policy refuses them.
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.matches && el.matches("[data-autosave]") && el.form) {
    el.form.requestSubmit(document.getElementById("save"));
  }
  if (el.matches && el.matches("[data-autosubmit]") && el.form) {
    el.form.submit();
  }
});
document.addEventListener("click", (event) => {
  const el = event.target.closest && event.target.closest("[data-confirm]");
  if (el && !window.confirm(el.dataset.confirm)) {
    event.preventDefault();
  }
});
// "Use the manifest's figures": copy the values a button carries into the form's fields.
document.addEventListener("click", (event) => {
  const el = event.target.closest && event.target.closest("[data-fill]");
  if (!el) return;
  for (const [name, value] of Object.entries(JSON.parse(el.dataset.fill))) {
    const input = document.getElementById(`id_${name}`);
    if (input) {
      input.value = value;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }
});
// The header folds into a menu on a phone (portal.css, max-width 600px): the menu button, shown once
// this script runs, opens and closes the navigation and the tools. Without the script nothing is folded.
(() => {
  const toggle = document.getElementById("menu-toggle");
  const bar = toggle && toggle.closest(".topbar");
  if (!bar) return;
  bar.classList.add("menu-ready");
  const show = (open) => {
    bar.classList.toggle("open", open);
    toggle.setAttribute("aria-expanded", String(open));
  };
  toggle.addEventListener("click", () => show(!bar.classList.contains("open")));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && bar.classList.contains("open")) {
      show(false);
      toggle.focus();
    }
  });
})();
// A box that scrolls sideways (a wide table on a phone) takes the keyboard's focus, so it can be scrolled
// with the arrow keys (WCAG 2.1.1); checked again when the window is resized and after HTMX swaps.
const scrollersFocusable = () => {
  for (const el of document.querySelectorAll(".scroll, .card, #declarations, #vessels")) {
    const overflow = getComputedStyle(el).overflowX;
    const scrolls = (overflow === "auto" || overflow === "scroll") && el.scrollWidth > el.clientWidth + 1;
    if (scrolls && !el.hasAttribute("tabindex")) {
      el.setAttribute("tabindex", "0");
      el.dataset.scrollFocus = "";
    } else if (!scrolls && el.dataset.scrollFocus !== undefined) {
      el.removeAttribute("tabindex");
      delete el.dataset.scrollFocus;
    }
  }
};
scrollersFocusable();
window.addEventListener("resize", scrollersFocusable);
document.addEventListener("htmx:afterSettle", scrollersFocusable);
// A list shown as cards on a phone (table.cards, portal.css): each cell names its column. Cells a template
// did not label (data-label) take their column's heading.
const cardsLabelled = () => {
  for (const table of document.querySelectorAll("table.cards")) {
    const names = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
    for (const row of table.querySelectorAll("tbody tr")) {
      [...row.children].forEach((cell, i) => {
        if (names[i] && !cell.hasAttribute("data-label") && !cell.hasAttribute("colspan")) cell.dataset.label = names[i];
      });
    }
  }
};
cardsLabelled();
document.addEventListener("htmx:afterSettle", cardsLabelled);
