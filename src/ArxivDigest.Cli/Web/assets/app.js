// Renders TeX math ($…$, $$…$$, \(…\), \[…\]) in page text with the bundled KaTeX. KaTeX builds DOM nodes from
// text nodes, so untrusted abstracts stay text; \href and friends stay off (trust: false).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  if (typeof window.renderMathInElement !== "function") { return; }
  var main = document.getElementById("main");
  if (!main) { return; }
  window.renderMathInElement(main, {
    delimiters: [
      { left: "$$", right: "$$", display: true },
      { left: "\\[", right: "\\]", display: true },
      { left: "$", right: "$", display: false },
      { left: "\\(", right: "\\)", display: false }
    ],
    ignoredTags: ["script", "noscript", "style", "textarea", "pre", "code", "input"],
    throwOnError: false,
    trust: false
  });
});
