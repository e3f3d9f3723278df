// Search and filters over search-index.json. Without this script every release is listed and readable.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var list = document.getElementById("releases");
  var status = document.getElementById("result-count");
  if (!form || !list) { return; }
  var items = {};
  Array.prototype.forEach.call(list.children, function (li) { items[li.getAttribute("data-reference")] = li; });
  fetch("search-index.json").then(function (r) { return r.json(); }).then(function (records) {
    records.forEach(function (rec) {
      rec.haystack = [rec.reference, rec.title, rec.type, rec.topic, rec.exemptions.join(" "), rec.text]
        .join(" ").toLowerCase();
    });
    function value(name) { return form.elements[name].value; }
    function apply() {
      var words = value("q").toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      records.forEach(function (rec) {
        var ok = words.every(function (w) { return rec.haystack.indexOf(w) >= 0; }) &&
          (!value("type") || rec.type === value("type")) &&
          (!value("topic") || rec.topic === value("topic")) &&
          (!value("exemption") || rec.exemptions.indexOf(value("exemption")) >= 0) &&
          (!value("from") || rec.published >= value("from")) &&
          (!value("to") || rec.published <= value("to"));
        var li = items[rec.reference];
        if (li) { li.hidden = !ok; }
        if (ok) { shown += 1; }
      });
      status.textContent = shown + " of " + records.length + " releases shown";
    }
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (ev) { ev.preventDefault(); apply(); });
    apply();
  }).catch(function () {
    status.textContent = "Search is not available here; every release is listed below.";
  });
}());
