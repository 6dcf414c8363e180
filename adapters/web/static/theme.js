// darasa: applies the remembered theme before the page paints (loaded
// without defer, in <head>): localStorage "darasa-theme" is "light", "dark"
// or absent (the system's). Marks <html class="js"> for progressive styles.
"use strict";
(function () {
  var root = document.documentElement;
  root.classList.add("js");
  try {
    var theme = window.localStorage.getItem("darasa-theme");
    if (theme === "light" || theme === "dark") root.setAttribute("data-theme", theme);
  } catch (error) { /* storage refused: the system's theme */ }
})();
