// Sorting and filtering for the plan index. Plain DOM, no libraries, nothing fetched.
// The table is complete without this script; it only adds the controls.
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    return cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim().toLowerCase();
  }

  var NUMBER = /^-?\d+(\.\d+)?$/;

  function compare(a, b) {
    if (NUMBER.test(a) && NUMBER.test(b)) return parseFloat(a) - parseFloat(b);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  function makeSortable(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "pb-sort";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var order = compare(cellValue(a, index), cellValue(b, index));
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  function makeFilterable(root) {
    var controls = root.querySelector(".pb-controls");
    var table = root.querySelector("table");
    if (!controls || !table) return;
    var text = controls.querySelector(".pb-filter");
    var status = controls.querySelector(".pb-status-filter");
    var count = controls.querySelector(".pb-count");
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    function apply() {
      var words = (text.value || "").toLowerCase().split(/\s+/).filter(Boolean);
      var wanted = status.value;
      var shown = 0;
      rows.forEach(function (row) {
        var haystack = row.getAttribute("data-search") || "";
        var ok = (!wanted || row.getAttribute("data-status") === wanted) &&
          words.every(function (word) { return haystack.indexOf(word) !== -1; });
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      count.textContent = shown + " of " + rows.length + " plans";
    }
    text.addEventListener("input", apply);
    status.addEventListener("change", apply);
    controls.hidden = false;
    apply();
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".pb-index:not([data-pb-ready])"), function (root) {
      root.setAttribute("data-pb-ready", "");
      var table = root.querySelector("table.pb-sortable");
      if (table) makeSortable(table);
      makeFilterable(root);
    });
  }

  // Material for MkDocs announces each page (also with instant loading) through document$.
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
