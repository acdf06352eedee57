// The form editor: each text's seconds to say, counted again as the operator types, at the
// pace the checker assumes for its language; each number in {braces} counts as the time it
// takes to say it slowly, twice. Without this script the page still works: the seconds
// shown are those of the saved text.
(function () {
  "use strict";
  document.querySelectorAll("textarea[data-wpm]").forEach(function (area) {
    var output = document.querySelector('output[for="' + CSS.escape(area.id) + '"]');
    if (!output) return;
    var wpm = Number(area.dataset.wpm) || 150;
    var numbers = JSON.parse(area.dataset.placeholders || "{}");
    function count() {
      var seconds = 0;
      var words = area.value.replace(/\{([^{}]*)\}/g, function (_, name) {
        seconds += numbers[name.trim()] || 0;
        return " ";
      });
      seconds += words.split(/\s+/).filter(Boolean).length * 60 / wpm;
      output.textContent = seconds.toFixed(1) + " s";
    }
    area.addEventListener("input", count);
    count();
  });
})();
