// Behaviour the pages share, attached here because the Content-Security-Policy refuses
// inline scripts and on*= attributes (docs/decisions/0011-content-security-policy.md).
//
// data-submit-on-change: a select (or any field) whose form is submitted when it changes,
// e.g. the change calendar's team filter.
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-submit-on-change]");
  if (field && field.form) field.form.submit();
});
