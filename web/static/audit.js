// Audit page: follow the background verification until it ends.
(function () {
  "use strict";
  var job = document.getElementById("verify-job");
  if (!job || job.getAttribute("data-running") !== "true") { return; }
  var bar = document.getElementById("job-progress");
  function poll() {
    fetch("/audit/verify", { headers: { Accept: "application/json" } }).then(function (r) { return r.json(); }).then(function (st) {
      bar.max = st.total || 1;
      bar.value = st.done;
      if (st.running) { setTimeout(poll, 500); } else { location.reload(); }
    }).catch(function () { setTimeout(poll, 2000); });
  }
  poll();
})();
