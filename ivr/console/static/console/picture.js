// The flow's picture: fitted to the page, but never so small that its words cannot be read
// (14 px text at its own size, so at least 12 px); zoom in and out, and move around by
// scrolling (mouse, touch or the arrow keys in the focused picture). Without this script
// the picture fits the page's width.
(function () {
  "use strict";
  var figure = document.getElementById("picture");
  var svg = figure && figure.querySelector("svg");
  if (!svg || !svg.viewBox || !svg.viewBox.baseVal || !svg.viewBox.baseVal.width) return;
  var box = figure.querySelector(".scroll");
  var natural = svg.viewBox.baseVal.width;
  var LEGIBLE = 12 / 14;
  var zoom = 1;
  function fitting() { return box.clientWidth / natural; }
  function set(value) {
    zoom = Math.min(Math.max(value, 0.2), 4);
    svg.style.width = Math.round(natural * zoom) + "px";
  }
  set(Math.max(Math.min(fitting(), 1), LEGIBLE));
  figure.querySelectorAll("button[data-zoom]").forEach(function (button) {
    button.addEventListener("click", function () {
      var how = button.dataset.zoom;
      set(how === "in" ? zoom * 1.25 : how === "out" ? zoom * 0.8 : fitting());
    });
  });
})();
