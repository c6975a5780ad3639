// Load the theme's search index when a reader first reaches for search, not with every page.
// At hundreds of plans the index is megabytes, most readers never search, and the theme asks
// for it as soon as a page opens. This script runs before the theme's and holds that one
// request (an XMLHttpRequest over http, a script element for a site opened from disk) until
// the reader clicks or focuses the search box or presses one of its keys (/, s, f); then it
// goes out as the theme made it. Nothing else is touched.
(function () {
  "use strict";
  var INDEX = /\/search\/search_index\.js(on)?(\?.*)?$/;
  var held = [];
  var released = false;

  function release() {
    if (released) return;
    released = true;
    held.splice(0).forEach(function (go) { go(); });
  }

  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url) {
    this.pbSearchIndex = INDEX.test(String(url));
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    var request = this, args = arguments;
    if (request.pbSearchIndex && !released) {
      held.push(function () { send.apply(request, args); });
      return undefined;
    }
    return send.apply(request, args);
  };

  if (window.location.protocol === "file:") {
    var append = Node.prototype.appendChild;
    Node.prototype.appendChild = function (child) {
      if (!released && child && child.tagName === "SCRIPT" && INDEX.test(child.src || "")) {
        var parent = this;
        held.push(function () { append.call(parent, child); });
        return child;
      }
      return append.apply(this, arguments);
    };
  }

  // a search already asked for in the address (the theme's ?q= and highlighting ?h=)
  if (/[?&](q|h)=/.test(window.location.search)) release();

  function wantsSearch(event) {
    var target = event.target;
    if (target && target.closest && target.closest(".md-search, label[for='__search'], [data-md-toggle='search']")) {
      return true;
    }
    if (event.type !== "keydown") return false;
    var typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    return !typing && ["/", "s", "S", "f", "F"].indexOf(event.key) !== -1;
  }

  ["pointerdown", "focusin", "keydown", "touchstart"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      if (!released && wantsSearch(event)) release();
    }, true);
  });
  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "__search" && event.target.checked) release();
  }, true);
})();
