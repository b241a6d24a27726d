// Keyboard shortcuts for the agent workspace: an element with data-shortcut="x" is
// activated by pressing x (inputs are focused, links and buttons clicked). Typing in a
// field never triggers a shortcut.
document.addEventListener("keydown", (event) => {
  const tag = (event.target.tagName || "").toLowerCase();
  if (["input", "textarea", "select"].includes(tag) || event.target.isContentEditable) return;
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const el = document.querySelector(`[data-shortcut="${CSS.escape(event.key)}"]`);
  if (!el) return;
  event.preventDefault();
  if (["input", "textarea", "select"].includes(el.tagName.toLowerCase())) el.focus();
  else el.click();
});
