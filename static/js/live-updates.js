// Live updates of a chat page: while the conversation is open, ask every few seconds for the
// messages after the last one shown, as the server masks them for this viewer, and add them.
// It stops when the conversation closes, or when the page is hidden from view (and resumes).
(function () {
  "use strict";
  var list = document.querySelector("ol.messages[data-updates-url]");
  if (!list) {
    return;
  }
  var status = document.querySelector(".live-status");
  var url = list.getAttribute("data-updates-url");
  var after = list.getAttribute("data-after");
  var every = 5000;
  var timer = null;
  var stopped = false;

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function stop(text) {
    stopped = true;
    window.clearTimeout(timer);
    say(text);
  }

  function schedule() {
    if (!stopped && !document.hidden) {
      timer = window.setTimeout(poll, every);
    }
  }

  function poll() {
    fetch(url + "?after=" + encodeURIComponent(after), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (update) {
        if (update.html.trim()) {
          var empty = list.querySelector(".no-messages");
          if (empty) {
            empty.remove();
          }
          list.insertAdjacentHTML("beforeend", update.html);
          var added = update.last - Number(after);
          say(added === 1 ? "1 new message." : added + " new messages.");
        }
        after = String(update.last);
        list.setAttribute("data-after", after);
        if (update.closed) {
          stop("The conversation is closed.");
        } else {
          schedule();
        }
      })
      .catch(function () {
        // A network blip or a restart: try again later rather than give up on the chat.
        schedule();
      });
  }

  document.addEventListener("visibilitychange", function () {
    window.clearTimeout(timer);
    if (!document.hidden) {
      schedule();
    }
  });
  schedule();
})();
