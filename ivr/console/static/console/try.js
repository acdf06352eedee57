// "Try a call": a phone in the page. Each step goes to the console, which makes the
// signed webhook request as Twilio would and tells the page what the caller hears.
(function () {
  "use strict";
  var phone = document.getElementById("phone");
  var transcript = document.getElementById("transcript");
  var statusLine = document.getElementById("status");
  var position = "";
  var waiting = "";
  // Twilio's <Say language> codes to the browser's speech synthesis languages.
  var speechLanguages = { arb: "ar" };

  function speak(text, language) {
    if (!document.getElementById("speak").checked || !("speechSynthesis" in window)) return;
    var utterance = new SpeechSynthesisUtterance(text.replace(/…/g, ","));
    utterance.lang = speechLanguages[language] || language || "en-GB";
    utterance.rate = 0.9;
    window.speechSynthesis.speak(utterance);
  }

  // A number that right-to-left text would reorder: digits or digit groups split by spaces or
  // by the pause the line says between groups ("0 8 0 0 … 0 1 2 1 … 7 0 0" would read backwards
  // in Arabic), or one that starts with "+". The same as NUMBER in ivr/console/reading_order.py.
  var NUMBER = /\+?[0-9]+(?:(?:[ \u00a0]|[ \u00a0]?\u2026[ \u00a0]?)[0-9]+)+|\+[0-9]+/g;

  // The text, with each such number in a left-to-right isolate: on this page only, never in
  // what callers hear.
  function numbersInOrder(text) {
    var shown = document.createDocumentFragment();
    var start = 0;
    text.replace(NUMBER, function (number, at) {
      shown.appendChild(document.createTextNode(text.slice(start, at)));
      var isolate = document.createElement("bdi");
      isolate.dir = "ltr";
      isolate.textContent = number;
      shown.appendChild(isolate);
      start = at + number.length;
      return number;
    });
    shown.appendChild(document.createTextNode(text.slice(start)));
    return shown;
  }

  // One line of the transcript: `text`, or a list of texts and elements (such as words said,
  // isolated from the English around them).
  function line(text, className, language) {
    var item = document.createElement("li");
    [].concat(text).forEach(function (part) {
      item.appendChild(typeof part === "string" ? numbersInOrder(part) : part);
    });
    if (className) item.className = className;
    if (language) item.lang = speechLanguages[language] || language;
    item.dir = "auto"; // Arabic reads right to left, each line in its own direction
    transcript.appendChild(item);
    transcript.scrollTop = transcript.scrollHeight; // the newest line stays in sight
  }

  function setWaiting(state, dialled) {
    waiting = state;
    var gathering = state === "gather";
    document.querySelectorAll(".key, #words, #say, #silence").forEach(function (el) { el.disabled = !gathering; });
    document.getElementById("hangup").disabled = !state;
    document.getElementById("dial").hidden = state !== "dial";
    document.getElementById("dialled").textContent = dialled || "";
    statusLine.textContent = gathering ? "The line is waiting for a key or for speech."
      : state === "dial" ? "The line is transferring the call."
      : "The call has ended.";
  }

  // Beside the keypad: why the line decided what it did with words said at a menu. The
  // server renders (and escapes) it; a key, silence or a new call clears it.
  function showUnderstanding(html) {
    document.getElementById("understood").innerHTML = html || "";
    document.getElementById("understanding").hidden = !html;
  }

  function step(action, value) {
    showUnderstanding("");
    return fetch(phone.dataset.stepUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": phone.dataset.csrf },
      body: JSON.stringify({ action: action, value: value || "", position: position }),
      credentials: "same-origin"
    }).then(function (response) {
      if (response.redirected) throw new Error("Your session has ended. Reload the page to log in again.");
      if (response.ok) return response.json();
      // A refused step says why (e.g. a key while the transfer rings); anything else, its status.
      return response.json().catch(function () { return {}; }).then(function (data) {
        throw new Error(data.error || "The console answered " + response.status + ". Reload the page and try again.");
      });
    }).then(function (data) {
      if (window.speechSynthesis) window.speechSynthesis.cancel();
      data.heard.forEach(function (h) {
        if (h.kind === "say") { line(h.text, "say", h.language); speak(h.text, h.language); }
        else if (h.kind === "play") line("(plays the recording " + h.text + ")", "play");
        else if (h.kind === "dial") line("(connects the call to " + h.text + ")", "dial");
        else if (h.kind === "hangup") line("(the line ends the call)", "end");
        else if (h.kind === "pause") line("(pause)", "pause");
        else line("(" + h.kind + ": " + h.text + ")", "error");
      });
      position = data.position;
      setWaiting(data.waiting, data.dialled);
      showUnderstanding(data.understanding);
      var decision = document.querySelector("#understood .decision");
      if (decision) statusLine.textContent = decision.textContent + ". " + statusLine.textContent;
    }).catch(function (error) { statusLine.textContent = error.message; });
  }

  function you(text) { line(["You: "].concat(text), "you"); }

  // Words typed as speech, in their own direction: Arabic typed after "You: say" stays whole.
  function said(words) {
    var isolate = document.createElement("bdi");
    isolate.appendChild(numbersInOrder(words));
    return isolate;
  }

  document.getElementById("call").addEventListener("click", function () {
    transcript.innerHTML = "";
    position = "";
    step("start", document.getElementById("language").value);
  });
  document.querySelectorAll(".key").forEach(function (button) {
    button.addEventListener("click", function () { you("press " + button.dataset.key); step("press", button.dataset.key); });
  });
  document.getElementById("say").addEventListener("click", function () {
    var words = document.getElementById("words");
    if (!words.value.trim()) return;
    you(["say “", said(words.value), "”"]);
    step("say", words.value);
    words.value = "";
  });
  document.getElementById("words").addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); document.getElementById("say").click(); }
  });
  document.getElementById("silence").addEventListener("click", function () { you("(silence)"); step("silence"); });
  document.getElementById("hangup").addEventListener("click", function () {
    you("(hang up)");
    position = "";
    showUnderstanding("");
    setWaiting("");
  });
  document.querySelectorAll(".dial").forEach(function (button) {
    button.addEventListener("click", function () { line("(the transfer ends: " + button.dataset.status + ")", "you"); step("dial", button.dataset.status); });
  });
  // Keys typed on the keyboard press the keypad, unless typing words.
  document.addEventListener("keydown", function (event) {
    if (waiting !== "gather" || event.target.tagName === "INPUT" || event.target.tagName === "SELECT") return;
    var button = document.querySelector('.key[data-key="' + event.key + '"]');
    if (button) { event.preventDefault(); button.click(); }
  });
})();
