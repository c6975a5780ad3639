// Sorting and filtering for the plan index and the board, and a note on boxes that scroll
// sideways. Plain DOM, no libraries, nothing fetched. The pages are complete without this
// script; it only adds the controls. A filter is kept in the address (?filter=…&status=…), so a
// filtered view can be shared.
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
          var x = cellValue(a, index), y = cellValue(b, index);
          if (x === "" || y === "") return (x === "") - (y === "");  // no value: always last
          var order = compare(x, y);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  function readAddress() {
    var params = new URLSearchParams(window.location.search);
    return { q: params.get("filter") || "", status: params.get("status") || "" };
  }

  function keepInAddress(q, status) {
    var params = new URLSearchParams(window.location.search);
    if (q) params.set("filter", q); else params.delete("filter");
    if (status) params.set("status", status); else params.delete("status");
    var search = params.toString();
    var url = window.location.pathname + (search ? "?" + search : "") + window.location.hash;
    window.history.replaceState(window.history.state, "", url);
  }

  // items: the rows or tiles to filter; each has data-search (and data-status for rows)
  function makeFilterable(root, items, itemStatus, after) {
    var controls = root.querySelector(".pb-controls");
    if (!controls) return;
    var text = controls.querySelector(".pb-filter");
    var status = controls.querySelector(".pb-status-filter");
    var count = controls.querySelector(".pb-count");
    var saved = readAddress();
    text.value = saved.q;
    if (status && saved.status) {
      var known = Array.prototype.some.call(status.options, function (o) { return o.value === saved.status; });
      if (known) status.value = saved.status;
    }
    function apply() {
      var words = (text.value || "").toLowerCase().split(/\s+/).filter(Boolean);
      var wanted = status ? status.value : "";
      var shown = 0;
      items.forEach(function (item) {
        var haystack = item.getAttribute("data-search") || "";
        var ok = (!wanted || itemStatus(item) === wanted) &&
          words.every(function (word) { return haystack.indexOf(word) !== -1; });
        item.hidden = !ok;
        if (ok) shown += 1;
      });
      count.textContent = shown + " of " + items.length + " plans";
      keepInAddress(text.value.trim(), wanted);
      if (after) after();
    }
    text.addEventListener("input", apply);
    if (status) status.addEventListener("change", apply);
    controls.hidden = false;
    apply();
  }

  function initIndex(root) {
    var table = root.querySelector("table.pb-sortable");
    if (!table) return;
    makeSortable(table);
    makeFilterable(root, Array.prototype.slice.call(table.tBodies[0].rows),
      function (row) { return row.getAttribute("data-status"); });
  }

  function initBoard(root) {
    var tiles = Array.prototype.slice.call(root.querySelectorAll("li.pb-tile"));
    var columns = Array.prototype.slice.call(root.querySelectorAll(".pb-column"));
    makeFilterable(root, tiles, function () { return ""; }, function () {
      columns.forEach(function (column) {
        var count = column.querySelector(".pb-column-count");
        var all = column.querySelectorAll("li.pb-tile").length;
        var shown = column.querySelectorAll("li.pb-tile:not([hidden])").length;
        count.textContent = shown === all ? String(all) : shown + "/" + all;
      });
    });
  }

  // a box wider than its column says so above itself, as well as by its scrollbar
  function markOverflow(box) {
    var hint = box.previousElementSibling;
    if (!hint || !hint.classList.contains("pb-scroll-hint")) {
      hint = document.createElement("p");
      hint.className = "pb-scroll-hint";
      hint.textContent = "Wider than the page: scroll sideways to see the rest →";
      box.parentNode.insertBefore(hint, box);
    }
    var overflows = box.scrollWidth > box.clientWidth + 1;
    box.classList.toggle("pb-overflows", overflows);
    hint.hidden = !overflows;
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".pb-index:not([data-pb-ready])"), function (root) {
      root.setAttribute("data-pb-ready", "");
      initIndex(root);
    });
    Array.prototype.forEach.call(document.querySelectorAll(".pb-board-wrap:not([data-pb-ready])"), function (root) {
      root.setAttribute("data-pb-ready", "");
      initBoard(root);
    });
    var boxes = document.querySelectorAll(".md-typeset .pb-scroll");
    Array.prototype.forEach.call(boxes, markOverflow);
    if (!window.pbResizeWatched) {
      window.pbResizeWatched = true;
      window.addEventListener("resize", function () {
        Array.prototype.forEach.call(document.querySelectorAll(".md-typeset .pb-scroll"), markOverflow);
      });
    }
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
