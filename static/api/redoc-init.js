// Starts Redoc on the schema named by the container's data-spec-url (a file, so the page needs no inline script).
"use strict";
(function () {
  var container = document.getElementById("redoc-container");
  Redoc.init(container.dataset.specUrl, {}, container);
})();
