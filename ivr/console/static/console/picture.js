// The flow's picture: fitted to the page, but never so small that its words cannot be read
// (its smallest words at least 12 px high, as measured in the page); zoom in and out, and move around by
// scrolling (mouse, touch or the arrow keys in the focused picture). Without this script
// the picture fits the page's width.
(function () {
  "use strict";
  var figure = document.getElementById("picture");
  var svg = figure && figure.querySelector("svg");
  if (!svg || !svg.viewBox || !svg.viewBox.baseVal || !svg.viewBox.baseVal.width) return;
  var box = figure.querySelector(".scroll");
  var natural = svg.viewBox.baseVal.width;
  var LEGIBLE_PX = 13; // 12 px and a margin for rounding
  var zoom = 1;
  function fitting() { return box.clientWidth / natural; }
  function set(value) {
    zoom = Math.min(Math.max(value, 0.2), 4);
    svg.style.width = Math.ceil(natural * zoom) + "px";
  }
  function smallestWords() { // the height of the letters as shown, not of the boxes around them
    var heights = Array.prototype.map.call(svg.querySelectorAll("text, foreignObject div"), function (words) {
      var letters = document.createRange();
      letters.selectNodeContents(words);
      return letters.getBoundingClientRect().height;
    }).filter(function (h) { return h > 0; });
    return heights.length ? Math.min.apply(null, heights) : LEGIBLE_PX;
  }
  set(1); // measured at its own size: a browser does not draw words below a few pixels
  var legible = LEGIBLE_PX / smallestWords();
  set(Math.max(Math.min(fitting(), 1.5), legible)); // legible first: the box scrolls
  figure.querySelectorAll("button[data-zoom]").forEach(function (button) {
    button.addEventListener("click", function () {
      var how = button.dataset.zoom;
      set(how === "in" ? zoom * 1.25 : how === "out" ? zoom * 0.8 : fitting());
    });
  });
})();
