// Keyboard shortcuts for the review queue (served from the application: the page's CSP allows
// scripts from 'self' only). Every action is an ordinary form; a key presses its button or
// focuses its field, so the pages work without this script too.
(function () {
  "use strict";

  function typing(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT");
  }

  function queueRows() {
    return Array.prototype.slice.call(document.querySelectorAll("#queue li.row"));
  }

  function select(rows, index) {
    rows.forEach(function (row, i) { row.classList.toggle("selected", i === index); });
    if (rows[index]) { rows[index].querySelector("a").focus(); }
  }

  function onQueue(key, event) {
    var rows = queueRows();
    if (!rows.length) { return false; }
    var at = rows.findIndex(function (row) { return row.classList.contains("selected"); });
    if (key === "j") { select(rows, Math.min(rows.length - 1, at + 1)); return true; }
    if (key === "k") { select(rows, Math.max(0, at - 1)); return true; }
    if (key === "Enter" && at >= 0 && event.target.tagName !== "A") {
      window.location.assign(rows[at].getAttribute("data-href"));
      return true;
    }
    return false;
  }

  function onItem(key) {
    var target = document.querySelector('[data-key="' + key + '"]');
    if (!target) { return false; }
    if (target.tagName === "A") { window.location.assign(target.getAttribute("href")); }
    else if (target.tagName === "BUTTON") { target.click(); }
    else { target.focus(); if (target.select && target.tagName === "INPUT") { target.select(); } }
    return true;
  }

  // In a field: Enter saves a select (the category), Ctrl+Enter saves the note.
  function submitField(event) {
    var el = event.target;
    if (event.key !== "Enter" || !el.form) { return false; }
    if (el.tagName === "SELECT" || (el.tagName === "TEXTAREA" && (event.ctrlKey || event.metaKey))) {
      el.form.requestSubmit();
      return true;
    }
    return false;
  }

  document.addEventListener("keydown", function (event) {
    if (typing(event.target) && submitField(event)) { event.preventDefault(); return; }
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var help = document.getElementById("help");
    if (event.key === "Escape") {
      if (typing(document.activeElement)) { document.activeElement.blur(); }
      if (help) { help.hidden = true; }
      return;
    }
    if (typing(event.target)) { return; }
    if (event.key === "?") { if (help) { help.hidden = !help.hidden; } event.preventDefault(); return; }
    var page = document.body.getAttribute("data-page");
    var done = page === "queue" ? onQueue(event.key, event) : page === "item" && onItem(event.key);
    if (done) { event.preventDefault(); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    if (document.body.getAttribute("data-page") === "queue" && queueRows().length) {
      queueRows()[0].classList.add("selected");
    }
  });
})();
