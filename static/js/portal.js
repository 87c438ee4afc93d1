// The few behaviours HTMX does not cover: autosave when the targets change (the form then shows the
// fields those agencies need), and a confirmation before destructive buttons.
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.matches && el.matches("[data-autosave]") && el.form) {
    el.form.requestSubmit(document.getElementById("save"));
  }
});
document.addEventListener("click", (event) => {
  const el = event.target.closest && event.target.closest("[data-confirm]");
  if (el && !window.confirm(el.dataset.confirm)) {
    event.preventDefault();
  }
});
