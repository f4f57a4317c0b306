// The what-if form sends only what the scenario changes (roadmap/forms.py, ScenarioForm): the pins that differ
// from the saved plan, folded into one "pins" field ("12:1,40:-"), and the versions of only the projects the
// scenario changes. Without this script the browser posts every row's pin and every version (it still works;
// the request is just bigger). htmx collects the form, then lets us edit what it sends (htmx:configRequest).
(function () {
  "use strict";

  function parsePairs(text) {
    const pairs = new Map();
    (text || "").split(",").forEach(function (entry) {
      const parts = entry.split(":");
      if (parts.length === 2 && parts[0]) pairs.set(parts[0], parts[1]);
    });
    return pairs;
  }

  document.addEventListener("htmx:configRequest", function (event) {
    const source = event.detail.elt;
    const form = source && source.closest ? source.closest("#whatif-form") : null;
    if (!form) return;
    const sent = event.detail.formData || event.detail.parameters;
    const pins = [];
    const changed = new Set();
    form.querySelectorAll("input[data-pin-of]").forEach(function (input) {
      sent.delete(input.name);
      const place = input.value.trim();
      if (place !== (input.dataset.savedPin || "")) {
        pins.push(input.dataset.pinOf + ":" + (place || "-"));
        changed.add(input.dataset.pinOf);
      }
    });
    form.querySelectorAll('input[name="drop"]:checked, input[name="add"]:checked').forEach(function (box) {
      changed.add(box.value);
    });
    const versions = [];
    parsePairs(sent.get("versions")).forEach(function (version, id) {
      if (changed.has(id)) versions.push(id + ":" + version);
    });
    sent.set("pins", pins.join(","));
    sent.set("versions", versions.join(","));
  });
})();
