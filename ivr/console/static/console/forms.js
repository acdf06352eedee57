// The form editor: each text's seconds to say, counted again as the operator types, at the
// pace the checker assumes for its language; each number in {braces} counts as the time it
// takes to say it slowly, twice. Without this script the page still works: the seconds
// shown are those of the saved text.
(function () {
  "use strict";
  // Every field as tall as its words, so nothing is hidden in a box that scrolls (and
  // nothing is drawn over its words: axe-core cannot read the colours of a scrolled field).
  document.querySelectorAll("main textarea").forEach(function (area) {
    function grow() {
      area.style.height = "auto";
      area.style.height = area.scrollHeight + 2 + "px";
    }
    area.classList.add("grows");
    area.addEventListener("input", grow);
    grow();
  });
  // A number in braces ({helpline}) cannot be broken: an edit that would take one apart, or
  // take it out, is undone at once, and the operator is told which to keep. (Without this
  // script, saving such a text is refused with the same words.)
  var keepStatus = document.getElementById("live-check");
  document.querySelectorAll("textarea[data-keep]").forEach(function (area) {
    var keep = JSON.parse(area.dataset.keep || "[]");
    if (!keep.length) return;
    function kept(text) {
      return keep.filter(function (name) { return text.indexOf("{" + name + "}") >= 0; });
    }
    var last = area.value;
    area.addEventListener("input", function (event) {
      var before = kept(last);
      var now = kept(area.value);
      if (now.length >= before.length) { last = area.value; return; }
      var broken = before.filter(function (name) { return now.indexOf(name) < 0; });
      var caret = Math.min(area.selectionStart, last.length);
      area.value = last;
      area.setSelectionRange(caret, caret);
      event.stopPropagation(); // nothing changed: no check of the form for it
      if (keepStatus) {
        keepStatus.textContent = "Keep {" + broken.join("}, {") + "} as it is: the line says the number there.";
        keepStatus.className = "live-check error";
      }
    });
  });
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

  // The same check as the text editor, as the operator types (0.8 s after a pause): the
  // form's fields are sent, made into the draft in memory and checked; nothing is saved
  // until "Save to my draft". A {placeholder} lost from a text is said at once, here.
  var form = document.getElementById("place-form");
  var status = document.getElementById("live-check");
  if (!form || !status || !form.dataset.checkUrl || !window.fetch) return;
  var timer = null;
  function show(answer) {
    status.textContent = "";
    var line = document.createElement("span");
    line.textContent = answer.refused || answer.summary || "";
    line.className = answer.refused || answer.errors ? "error" : "ok";
    status.appendChild(line);
    (answer.problems || []).forEach(function (p) {
      var item = document.createElement("span");
      item.className = "problem " + p.severity;
      item.textContent = " " + p.severity + ": " + p.message;
      status.appendChild(item);
    });
  }
  function check() {
    fetch(form.dataset.checkUrl, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(show)
      .catch(function () { status.textContent = "Not checked: the console cannot be reached. Your words are still here."; });
  }
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 800);
  });
})();
