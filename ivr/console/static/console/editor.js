// The flow editor: line numbers beside the text, and a check as the operator types.
// Each pause in typing (0.7 s) sends the whole text to the console, which saves it as the
// operator's draft and answers with every problem at its line; the list and the line
// numbers show them. Without this script the page still works: "Check and save".
(function () {
  "use strict";
  var editor = document.getElementById("editor");
  var text = document.getElementById("flow-text");
  var gutter = document.getElementById("gutter");
  var summary = document.getElementById("check-summary");
  var list = document.getElementById("problems");
  var saved = document.getElementById("saved");
  var checking = document.getElementById("checking");
  var timer = null;
  var inFlight = false;
  var again = false;
  var dirty = false;
  var marks = {};

  function lineCount() { return text.value.split("\n").length; }

  function drawGutter() {
    var count = lineCount();
    var parts = [];
    for (var n = 1; n <= count; n++) {
      var mark = marks[n];
      parts.push(mark ? '<span class="' + mark + '">' + n + "</span>" : String(n));
    }
    gutter.innerHTML = parts.join("\n") + "\n";
    text.style.height = "auto";
    text.style.height = text.scrollHeight + "px";
  }

  function goTo(line, column) {
    var lines = text.value.split("\n");
    var offset = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
    offset += Math.max(0, Math.min(column - 1, (lines[line - 1] || "").length));
    text.focus();
    text.setSelectionRange(offset, offset);
    var lineHeight = parseFloat(getComputedStyle(text).lineHeight) || 24;
    editor.scrollTop = Math.max(0, (line - 3) * lineHeight);
    editor.scrollIntoView({ block: "nearest" }); // the line in view, not just the cursor on it
  }

  function showProblems(answer) {
    marks = {};
    list.textContent = "";
    answer.problems.forEach(function (p) {
      if (p.severity === "error" || !marks[p.line]) marks[p.line] = p.severity === "error" ? "bad" : "warn";
      var item = document.createElement("li");
      item.className = p.severity;
      var link = document.createElement("a");
      link.href = "#flow-text";
      link.dataset.line = p.line;
      link.dataset.column = p.column;
      link.textContent = "Line " + p.line + ", column " + p.column;
      item.appendChild(link);
      item.appendChild(document.createTextNode(": " + p.severity + ": " + p.message));
      if (p.hint) {
        item.appendChild(document.createElement("br"));
        var hint = document.createElement("span");
        hint.className = "hint";
        hint.textContent = p.hint;
        item.appendChild(hint);
      }
      list.appendChild(item);
    });
    summary.textContent = answer.summary;
    summary.className = answer.errors ? "error" : "ok";
    drawGutter();
  }

  function check() {
    if (inFlight) { again = true; return; }
    inFlight = true;
    dirty = false;
    checking.textContent = "Checking…";
    fetch(editor.dataset.checkUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": editor.dataset.csrf },
      body: JSON.stringify({ text: text.value, started_from: editor.dataset.startedFrom }),
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (response.status === 429) { // busy: the draft is saved; check it again when told
          clearTimeout(timer);
          timer = setTimeout(check, 1000 * (answer.retry_after || 5));
          var busy = new Error(answer.error);
          busy.busy = true;
          throw busy;
        }
        if (!response.ok) throw new Error(answer.error || "The console did not take the draft.");
        showProblems(answer);
        saved.textContent = answer.saved;
        var movedOn = document.getElementById("moved-on");
        if (movedOn && answer.moved_on && movedOn.hidden) movedOn.hidden = false; // someone published meanwhile
        checking.textContent = "";
      });
    }).catch(function (error) {
      dirty = true;
      checking.textContent = "";
      summary.className = "error";
      summary.textContent = error.busy
        ? "Not checked yet: " + error.message + " Your text is still here; it is sent again in a few seconds."
        : "Not saved: " + (error.message || "the console cannot be reached") + " Your text is still here; it is tried again as you type.";
    }).then(function () {
      inFlight = false;
      if (again) { again = false; check(); }
    });
  }

  text.addEventListener("input", function () {
    dirty = true;
    drawGutter();
    clearTimeout(timer);
    timer = setTimeout(check, 700);
  });
  text.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "s") { event.preventDefault(); clearTimeout(timer); check(); }
  });
  list.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-line]");
    if (!link) return;
    event.preventDefault();
    goTo(Number(link.dataset.line), Number(link.dataset.column));
  });
  window.addEventListener("pagehide", function () {
    if (!dirty) return; // a last save as the tab closes
    fetch(editor.dataset.checkUrl, {
      method: "POST", keepalive: true, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": editor.dataset.csrf },
      body: JSON.stringify({ text: text.value, started_from: editor.dataset.startedFrom })
    });
  });
  list.querySelectorAll("a[data-line]").forEach(function (link) {
    var severity = link.parentNode.className;
    var line = Number(link.dataset.line);
    if (severity === "error" || !marks[line]) marks[line] = severity === "error" ? "bad" : "warn";
  });
  drawGutter();
})();
