// Calendar keyboard shortcuts, as in Google Calendar: t today, n/j next, p/k previous,
// d day, w week, m month, a or l agenda (list), c new event. Ignored while typing or in a dialog.
(function () {
  "use strict";
  if (window.__schedulerShortcuts) return;
  window.__schedulerShortcuts = true;

  function byText(selector, text) {
    return Array.from(document.querySelectorAll(selector)).find(function (el) {
      return el.textContent.trim() === text;
    });
  }
  function byLabelPrefix(prefix) {
    return Array.from(document.querySelectorAll("button[aria-label], button[title]")).find(function (el) {
      var label = el.getAttribute("aria-label") || el.getAttribute("title") || "";
      return label.indexOf(prefix) === 0;
    });
  }
  function todayButton() {
    return Array.from(document.querySelectorAll("button")).find(function (el) {
      var text = el.textContent.trim();
      return text === "Today" || /^This (Day|Week|Month)$/.test(el.getAttribute("aria-label") || "");
    });
  }
  var actions = {
    t: todayButton,
    n: function () { return byLabelPrefix("Next"); },
    j: function () { return byLabelPrefix("Next"); },
    p: function () { return byLabelPrefix("Previous"); },
    k: function () { return byLabelPrefix("Previous"); },
    d: function () { return byText("[role=tab]", "Day"); },
    w: function () { return byText("[role=tab]", "Week"); },
    m: function () { return byText("[role=tab]", "Month"); },
    a: function () { return byText("[role=tab]", "List"); },
    l: function () { return byText("[role=tab]", "List"); },
    c: function () { return byText("button", "New event"); },
  };
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    var tag = target && target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) return;
    if (document.querySelector("[role=dialog], [role=menu]")) return;
    var find = actions[event.key];
    var element = find && find();
    if (element) {
      event.preventDefault();
      element.click();
    }
  });
})();
