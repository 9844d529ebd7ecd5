// Date filters: the start and end boxes show only for a custom range, and only then are they
// sent. Without this script they stay visible, and the server reads them for a custom range.
(function () {
  "use strict";
  document.querySelectorAll("form select[name=period]").forEach(function (period) {
    var boxes = ["start", "end"]
      .map(function (name) {
        return period.form.elements[name];
      })
      .filter(Boolean);

    function show() {
      var custom = period.value === "custom";
      boxes.forEach(function (box) {
        box.disabled = !custom;
        box.closest(".filter").hidden = !custom;
      });
    }

    period.addEventListener("change", show);
    show();
  });
})();
