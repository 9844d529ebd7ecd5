// Keyboard shortcuts, never while typing: "/" focuses the search box; on a chat page "p" and
// "n" open the user's previous and next conversation. A chat opened at a message (#m12)
// moves the keyboard focus to that message.
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target.closest("input, textarea, select, [contenteditable]")) return;
  if (event.key === "/") {
    const box = document.querySelector("[data-search-box]");
    if (!box) return;
    event.preventDefault();
    box.focus();
    box.select();
  } else if (event.key === "p" || event.key === "n") {
    const link = document.querySelector(event.key === "p" ? "a[rel=prev]" : "a[rel=next]");
    if (link) link.click();
  }
});

document.addEventListener("DOMContentLoaded", () => {
  if (!/^#m\d+$/.test(location.hash)) return;
  const message = document.getElementById(location.hash.slice(1));
  if (message) message.focus();
});
