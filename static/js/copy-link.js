// "Copy link" puts the chat link on the clipboard; without JavaScript it is a plain link.
// Any control with data-copy-link copies its value (a new API key: data-copied names it).
document.addEventListener("click", async (event) => {
  const control = event.target.closest("[data-copy-link]");
  if (!control || !navigator.clipboard) return;
  event.preventDefault();
  const status = control.parentElement.querySelector(".copy-status");
  try {
    await navigator.clipboard.writeText(control.dataset.copyLink);
    if (status) status.textContent = control.dataset.copied || "Link copied";
  } catch {
    if (status) status.textContent = "Copy failed: select the link and copy it";
  }
});
