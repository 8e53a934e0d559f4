/* Peak Data lecture slides: one slide at a time in a 16:9 frame scaled to the window.
   Keys: → ↓ space PageDown (next), ← ↑ shift+space PageUp (previous), Home, End.
   Click or tap the right or left half of the slide, or swipe. The slide number is the address's
   hash (#3). ?notes shows the speaker notes under the slide; ?print shows every slide, one per
   page. No dependencies, no requests. */
(function () {
  "use strict";

  var WIDTH = 1280;
  var HEIGHT = 720;
  var deck = document.getElementById("deck");
  if (!deck) {
    return;
  }
  var root = document.documentElement;
  var stage = document.querySelector(".stage");
  var slides = Array.prototype.slice.call(deck.querySelectorAll(".slide"));
  var counter = document.querySelector(".counter");
  var prevButton = document.querySelector(".controls .prev");
  var nextButton = document.querySelector(".controls .next");
  var panel = document.querySelector(".notes-panel");
  var params = new URLSearchParams(window.location.search);
  var printMode = params.has("print");
  var notesMode = params.has("notes") && !printMode;
  var current = -1;

  function clamp(i) {
    return Math.max(0, Math.min(slides.length - 1, i));
  }

  function fromHash() {
    var n = parseInt(window.location.hash.replace("#", ""), 10);
    return isNaN(n) ? 0 : clamp(n - 1);
  }

  function setHash(i) {
    var hash = "#" + (i + 1);
    if (window.location.hash === hash) {
      return;
    }
    try {
      window.history.replaceState(null, "", hash);
    } catch (e) {
      window.location.hash = hash;
    }
  }

  function show(i, updateHash) {
    i = clamp(i);
    current = i;
    slides.forEach(function (slide, k) {
      slide.hidden = k !== i;
    });
    counter.textContent = i + 1 + " / " + slides.length;
    prevButton.disabled = i === 0;
    nextButton.disabled = i === slides.length - 1;
    if (notesMode) {
      var notes = slides[i].querySelector(".notes");
      panel.innerHTML = notes ? notes.innerHTML : "<p>No notes for this slide.</p>";
    }
    if (updateHash) {
      setHash(i);
    }
  }

  function go(step) {
    show(current + step, true);
  }

  function fit() {
    var box = stage.getBoundingClientRect();
    var scale = Math.min(box.width / WIDTH, box.height / HEIGHT);
    deck.style.setProperty("--scale", String(Math.max(scale, 0.05)));
  }

  if (printMode) {
    root.classList.add("print");
    var zoom = function () {
      deck.style.setProperty("--print-zoom", String(Math.min(1, window.innerWidth / (WIDTH + 24))));
    };
    zoom();
    window.addEventListener("resize", zoom);
    slides.forEach(function (slide) {
      slide.hidden = false;
    });
    return;
  }

  if (notesMode) {
    root.classList.add("with-notes");
    panel.hidden = false;
  }

  // Printing from the normal view shows every slide too (the print stylesheet); restore after.
  window.addEventListener("beforeprint", function () {
    slides.forEach(function (slide) {
      slide.hidden = false;
    });
  });
  window.addEventListener("afterprint", function () {
    show(current, false);
  });

  prevButton.addEventListener("click", function () {
    go(-1);
  });
  nextButton.addEventListener("click", function () {
    go(1);
  });

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) {
      return;
    }
    var target = event.target;
    if (target && target.closest && target.closest("input, textarea, select, [contenteditable]")) {
      return;
    }
    var onControl = target && target.closest && target.closest("button, a");
    switch (event.key) {
      case "ArrowRight":
      case "ArrowDown":
      case "PageDown":
        go(1);
        break;
      case "ArrowLeft":
      case "ArrowUp":
      case "PageUp":
        go(-1);
        break;
      case " ":
      case "Spacebar":
        if (onControl) {
          return; // space activates the focused button or link
        }
        go(event.shiftKey ? -1 : 1);
        break;
      case "Home":
        show(0, true);
        break;
      case "End":
        show(slides.length - 1, true);
        break;
      default:
        return;
    }
    event.preventDefault();
  });

  // Click or tap: the left half goes back, the right half forward (links and text blocks excepted).
  stage.addEventListener("click", function (event) {
    if (event.target.closest("a, button, pre, figcaption") || window.getSelection().toString()) {
      return;
    }
    go(event.clientX < window.innerWidth / 2 ? -1 : 1);
  });

  // Swipe left for the next slide, right for the previous one.
  var touch = null;
  stage.addEventListener(
    "touchstart",
    function (event) {
      if (event.touches.length === 1) {
        touch = { x: event.touches[0].clientX, y: event.touches[0].clientY };
      }
    },
    { passive: true }
  );
  stage.addEventListener(
    "touchend",
    function (event) {
      if (!touch || event.changedTouches.length !== 1) {
        return;
      }
      var dx = event.changedTouches[0].clientX - touch.x;
      var dy = event.changedTouches[0].clientY - touch.y;
      touch = null;
      if (Math.abs(dx) > 40 && Math.abs(dx) > 1.5 * Math.abs(dy)) {
        go(dx < 0 ? 1 : -1);
      }
    },
    { passive: true }
  );

  window.addEventListener("hashchange", function () {
    show(fromHash(), false);
  });
  window.addEventListener("resize", fit);

  fit();
  show(fromHash(), window.location.hash !== "");
})();
