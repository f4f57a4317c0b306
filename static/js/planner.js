/* Small enhancements on top of pages that work without JavaScript (served from 'self' under the CSP). */
(function () {
  "use strict";

  // "Add a project" is folded (<details>) so a phone shows the backlog first; a wide screen unfolds it.
  function unfoldOnWideScreens() {
    if (!window.matchMedia("(min-width: 900px)").matches) return;
    document.querySelectorAll("details[data-open-when-wide]").forEach(function (box) { box.open = true; });
  }

  // ROI chart: pointing at a bubble highlights its row of the ranking, and the other way round.
  function linkedHover(event, on) {
    var mark = event.target.closest ? event.target.closest("[data-project]") : null;
    if (!mark) return;
    var selector = '[data-project="' + CSS.escape(mark.getAttribute("data-project")) + '"]';
    document.querySelectorAll(selector).forEach(function (el) { el.classList.toggle("linked-hover", on); });
  }

  document.addEventListener("DOMContentLoaded", unfoldOnWideScreens);
  document.addEventListener("mouseover", function (event) { linkedHover(event, true); });
  document.addEventListener("mouseout", function (event) { linkedHover(event, false); });
  document.addEventListener("focusin", function (event) { linkedHover(event, true); });
  document.addEventListener("focusout", function (event) { linkedHover(event, false); });
})();
