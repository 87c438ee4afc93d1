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
