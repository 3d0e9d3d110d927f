// Maps: where JavaScript runs, draw the same areas with Leaflet (zoom, pan, tooltips). The page
// already shows a server-rendered map, its legend and a table, so nothing is lost without it.
// No tile layer: the hub sends no request to a map server.
(function () {
  "use strict";
  function colourFor(value, legend) {
    if (value === null || value === undefined) { return "#ffffff"; }
    var index = 0;
    legend.breaks.forEach(function (b) { if (value >= b) { index += 1; } });
    return legend.colours[Math.min(index, legend.colours.length - 1)];
  }
  function draw() {
    if (typeof window.L === "undefined") { return; }
    document.querySelectorAll("[data-saferhub-map]").forEach(function (holder) {
      var geojson = JSON.parse(document.getElementById(holder.getAttribute("data-saferhub-map")).textContent);
      var legend = JSON.parse(document.getElementById(holder.getAttribute("data-legend")).textContent);
      holder.hidden = false;
      var map = window.L.map(holder, { zoomSnap: 0.25, scrollWheelZoom: false });
      var layer = window.L.geoJSON(geojson, {
        style: function (feature) {
          return { fillColor: colourFor(feature.properties.value, legend), fillOpacity: 0.9, color: "#0b0c0c", weight: 1 };
        },
        onEachFeature: function (feature, path) {
          var v = feature.properties.value;
          var shown = feature.properties.label || (v === null || v === undefined ? "no value" : Number(v).toLocaleString("en-GB", { maximumFractionDigits: legend.digits }));
          var text = feature.properties.name + ": " + shown;
          if (feature.properties.outcome) { text += " (" + feature.properties.outcome + ")"; }
          path.bindTooltip(text, { sticky: true });
        }
      }).addTo(map);
      map.fitBounds(layer.getBounds());
      map.attributionControl.setPrefix(false);
      map.attributionControl.addAttribution("Boundaries: ONS, contains OS data © Crown copyright and database right");
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
