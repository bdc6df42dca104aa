// List editor: "add a row" adds an empty row to a repeated group in the
// page. Without JavaScript the same button posts the form and the server
// shows it again with one more row.
(function () {
  "use strict";
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };

  // renumber rewrites an attribute that names row old of group to row
  // next: form names "group.old…", ids "f-group-old…".
  function renumber(el, attr, from, to, sep) {
    var v = el.getAttribute(attr);
    if (!v) { return; }
    el.setAttribute(attr, v.split(" ").map(function (w) {
      return (w === from || w.indexOf(from + sep) === 0) ? to + w.slice(from.length) : w;
    }).join(" "));
  }

  function addRow(button, ev) {
    var group = button.getAttribute("data-add-row");
    var list = null;
    each(button.parentNode.querySelectorAll("[data-rows]"), function (l) {
      if (l.getAttribute("data-rows") === group) { list = l; }
    });
    if (!list || !list.lastElementChild) { return; }
    ev.preventDefault();
    var last = list.lastElementChild, next = 0;
    each(list.children, function (r) { next = Math.max(next, parseInt(r.getAttribute("data-row"), 10) + 1); });
    var old = last.getAttribute("data-row"), row = last.cloneNode(true);
    var idBase = "f-" + group.replace(/\./g, "-") + "-";
    row.setAttribute("data-row", String(next));
    each(row.querySelectorAll("[name]"), function (el) { renumber(el, "name", group + "." + old, group + "." + next, "."); });
    each(row.querySelectorAll("[id],[for],[aria-describedby]"), function (el) {
      ["id", "for", "aria-describedby"].forEach(function (a) { renumber(el, a, idBase + old, idBase + next, "-"); });
      el.removeAttribute("aria-invalid");
    });
    each(row.querySelectorAll(".field-error"), function (el) { el.parentNode.removeChild(el); });
    each(row.querySelectorAll("input, textarea, select"), function (el) {
      if (el.type === "checkbox") { el.checked = false; } else if (el.tagName === "SELECT") { el.selectedIndex = 0; } else { el.value = ""; }
    });
    list.appendChild(row);
    var first = row.querySelector("input, select, textarea");
    if (first) { first.focus(); }
  }

  each(document.querySelectorAll("[data-add-row]"), function (b) {
    b.addEventListener("click", function (ev) { addRow(b, ev); });
  });
})();
