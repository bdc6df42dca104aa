// Application form: say what is wrong beside each field before sending
// (the server checks everything again), and print the receipt.
(function () {
  "use strict";
  var form = document.getElementById("apply-form");
  if (form) {
    form.addEventListener("submit", function (ev) {
      var bad = null;
      Array.prototype.forEach.call(form.querySelectorAll("input, textarea"), function (el) {
        var ok = el.checkValidity();
        el.setAttribute("aria-invalid", ok ? "false" : "true");
        if (!ok && !bad) { bad = el; }
      });
      var id = form.querySelector("#id_number"), type = form.querySelector("#id_type");
      if (id && type && type.value === "resident_id" && !residentIDValid(id.value)) {
        id.setCustomValidity(id.getAttribute("data-msg") || "invalid");
        id.setAttribute("aria-invalid", "true");
        bad = bad || id;
      }
      if (bad) { ev.preventDefault(); form.reportValidity(); bad.focus(); }
    });
    var idField = form.querySelector("#id_number");
    if (idField) { idField.addEventListener("input", function () { idField.setCustomValidity(""); }); }
  }
  // GB 11643: 17 digits and an ISO 7064 MOD 11-2 check character.
  function residentIDValid(v) {
    v = v.replace(/[\s-]/g, "").toUpperCase();
    if (!/^\d{17}[\dX]$/.test(v)) { return false; }
    var w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], sum = 0;
    for (var i = 0; i < 17; i++) { sum += w[i] * (v.charCodeAt(i) - 48); }
    return "10X98765432".charAt(sum % 11) === v.charAt(17);
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
})();
