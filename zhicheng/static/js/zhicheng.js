/* Zhicheng's few behaviours on top of Bootstrap (served from our own static files: the CSP allows no inline script).
   - the reviewer's dossier page: evidence shown beside its row, tabs remembered in the address, shortcuts
     (n / p: next / previous dossier in my queue, 1–9: section tabs, d: the decision panel). */
(function () {
  "use strict";

  function typing(target) {
    var tag = (target && target.tagName) || "";
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function showEvidence(button) {
    var frame = document.getElementById(button.getAttribute("data-frame"));
    if (!frame) { return; }
    var img = frame.querySelector("img");
    var caption = frame.querySelector("figcaption a");
    if (img) {
      img.src = button.getAttribute("data-preview");
      img.alt = button.getAttribute("data-alt") || "";
      img.hidden = false;
    }
    if (caption) {
      caption.href = button.getAttribute("data-download");
      caption.textContent = button.getAttribute("data-name");
    }
    var empty = frame.querySelector(".placeholder-text");
    if (empty) { empty.hidden = true; }
    document.querySelectorAll("[data-preview][aria-pressed='true']").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
    button.setAttribute("aria-pressed", "true");
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-preview]");
    if (button) { event.preventDefault(); showEvidence(button); }
  });

  function tabs() { return Array.prototype.slice.call(document.querySelectorAll(".review-sections [data-bs-toggle='tab']")); }

  function showTab(link) {
    if (!link || !window.bootstrap) { return; }
    window.bootstrap.Tab.getOrCreateInstance(link).show();
    if (history.replaceState) { history.replaceState(null, "", link.getAttribute("href")); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".review-sections [data-bs-toggle='tab']").forEach(function (link) {
      link.addEventListener("shown.bs.tab", function () {
        if (history.replaceState) { history.replaceState(null, "", link.getAttribute("href")); }
      });
    });
    var wanted = window.location.hash && document.querySelector(".review-sections [data-bs-toggle='tab'][href='" + window.location.hash + "']");
    if (wanted) { showTab(wanted); }
    var panelMessage = document.querySelector(".panel-messages [role='alert'], .panel-messages [role='status']");
    if (panelMessage) { panelMessage.scrollIntoView({block: "nearest"}); }
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var page = document.querySelector("[data-shortcuts]");
    if (!page) { return; }
    var key = event.key;
    var link = null;
    if (key === "n" || key === "j") { link = document.getElementById("queue-next"); }
    if (key === "p" || key === "k") { link = document.getElementById("queue-previous"); }
    if (link && link.href) { event.preventDefault(); window.location.assign(link.href); return; }
    if (key >= "1" && key <= "9") {
      var all = tabs();
      var index = parseInt(key, 10) - 1;
      if (all[index]) { event.preventDefault(); showTab(all[index]); all[index].focus(); }
      return;
    }
    if (key === "d") {
      var panel = document.getElementById("review-panel");
      if (panel) { event.preventDefault(); panel.scrollIntoView({block: "start"}); var first = panel.querySelector("input:not([type=hidden]):not([disabled]), select, textarea, button, a[href]"); if (first) { first.focus(); } }
    }
  });
}());

// The return editor stays folded (a clerk passing a dossier tabs straight past it); choosing 退回 unfolds it.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!target || target.name !== "action" || target.type !== "radio") { return; }
    var panel = target.closest("#review-panel");
    var editor = panel && panel.querySelector("details.return-editor-wrap");
    if (editor && target.value === "return") { editor.open = true; }
  });
}());
