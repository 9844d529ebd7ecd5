// "Copy link" puts the chat link on the clipboard; without JavaScript it is a plain link.
document.addEventListener("click", async (event) => {
  const control = event.target.closest("[data-copy-link]");
  if (!control || !navigator.clipboard) return;
  event.preventDefault();
  const status = control.parentElement.querySelector(".copy-status");
  try {
    await navigator.clipboard.writeText(control.dataset.copyLink);
    if (status) status.textContent = "Link copied";
  } catch {
    if (status) status.textContent = "Copy failed: select the link and copy it";
  }
});
