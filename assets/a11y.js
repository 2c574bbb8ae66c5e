// Small behaviours the components cannot express themselves.
//
// 1. When a dialog closes, focus goes back to the control that opened it (WCAG 2.4.3), not to
// the top of the page. The app's dialogs are opened by state, not by a Radix trigger, and saving in
// a dialog often redraws the list the opener sat in, so the opener is remembered by its
// accessible name too and found again after the redraw.
(function () {
  "use strict";
  var DIALOG = '[role="dialog"], [role="alertdialog"]';
  var CONTROLS = "button, a[href], input, select, textarea, [tabindex]";
  var opener = null;
  var openerName = "";
  var dialogOpen = false;

  function nameOf(element) {
    return (element.getAttribute("aria-label") || element.textContent || "").trim();
  }

  document.addEventListener(
    "focusin",
    function (event) {
      var target = event.target;
      if (!(target instanceof Element) || target.closest(DIALOG)) return;
      opener = target;
      openerName = nameOf(target);
    },
    true
  );

  function findOpener() {
    if (opener && document.contains(opener)) return opener;
    if (!openerName) return null;
    var candidates = document.querySelectorAll(CONTROLS);
    for (var i = 0; i < candidates.length; i++) {
      if (nameOf(candidates[i]) === openerName) return candidates[i];
    }
    return null;
  }

  function restore() {
    var active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) return;
    var target = findOpener();
    if (target) target.focus();
  }

  // 2. A file drop zone's hidden <input type="file"> takes its name from the zone's
  // data-upload-label (the upload component passes no attributes to its input).
  function labelUploads() {
    var zones = document.querySelectorAll("[data-upload-label]");
    for (var i = 0; i < zones.length; i++) {
      var input = zones[i].querySelector('input[type="file"]');
      var label = zones[i].getAttribute("data-upload-label");
      if (input && input.getAttribute("aria-label") !== label) input.setAttribute("aria-label", label);
    }
  }

  // 3. A link's secret travels in the URL fragment (never sent to a server or its logs): a
  // form field marked data-from-fragment takes it, and the address bar drops it.
  function fillFromFragment() {
    var field = document.querySelector("input[data-from-fragment]");
    var secret = window.location.hash.slice(1);
    if (!field || !secret) return;
    field.value = decodeURIComponent(secret);
    history.replaceState(null, "", window.location.pathname + window.location.search);
  }

  new MutationObserver(function () {
    labelUploads();
    fillFromFragment();
    var open = document.querySelector(DIALOG) !== null;
    if (dialogOpen && !open) {
      setTimeout(restore, 0);
      setTimeout(restore, 400); // after the server's redraw of the page
    }
    dialogOpen = open;
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
