// Charts: the page already shows a server-rendered SVG, a summary and a table. Where JavaScript
// runs, hand the same Vega-Lite specification to vega-embed, which adds tooltips. If anything
// fails, the server-rendered picture stays as it is. `ast: true` has Vega interpret expressions
// instead of compiling them with Function(), so the Content-Security-Policy needs no unsafe-eval.
(function () {
  "use strict";
  function enhance() {
    if (typeof window.vegaEmbed !== "function") { return; }
    document.querySelectorAll("[data-saferhub-chart]").forEach(function (holder) {
      var source = document.getElementById(holder.getAttribute("data-saferhub-chart"));
      if (!source) { return; }
      var spec;
      try { spec = JSON.parse(source.textContent); } catch (e) { return; }
      var label = (holder.querySelector("svg") || holder).getAttribute("aria-label") || "";
      var target = document.createElement("div");
      window.vegaEmbed(target, spec, { renderer: "svg", actions: false, ast: true, tooltip: { theme: "custom" } })
        .then(function () {
          var svg = target.querySelector("svg");
          if (svg) {
            svg.setAttribute("role", "img");
            svg.setAttribute("aria-label", label);
            svg.setAttribute("focusable", "false");
            svg.querySelectorAll("[role],[aria-roledescription],[aria-label]").forEach(function (el) {
              el.removeAttribute("role"); el.removeAttribute("aria-roledescription"); el.removeAttribute("aria-label");
            });
          }
          holder.replaceChildren(target);
          holder.setAttribute("data-saferhub-chart-enhanced", "true");
        })
        .catch(function () { /* keep the server-rendered chart */ });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", enhance); } else { enhance(); }
})();
