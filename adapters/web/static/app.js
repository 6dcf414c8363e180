// darasa's page behaviour. Pages work without it (plain POST and redirect);
// with it, forms post with fetch and the result appears in place. Text from
// the server is only ever set as text. Use these hooks, don't invent others:
//
// Forms     <form method="post" action="/forms/NAME" data-action="NAME">
//             posts JSON (multipart when enctype says so) to /actions/NAME
//             (or to a path: data-action="/auth/sign-in"). Hidden csrf_token
//             and next are for the plain POST only and are not sent.
//           data-optional on a field: left out when empty.
//           data-confirm="Text" (+ data-confirm-label="Delete"): the styled
//             confirmation dialog first.
//           After success: data-navigate="/path" loads that page; otherwise
//             the page at data-redirect, the answer's redirectTo or the
//             current URL is fetched and its <main> swapped in (same page:
//             scroll kept), then focus moves to data-focus (a selector;
//             "{id}" is filled from the answer, e.g. "#question-{id}"), or
//             the new page's h1.
//           A VALIDATION failure marks the fields (.field__error, aria-
//             invalid) and shows an .error-summary at the top of the form;
//             other failures are toasts (PLAN_LIMIT with Upgrade, RATE_LIMIT
//             with a countdown that keeps the button disabled).
// Events    "darasa:success" (cancelable; detail {envelope, form}): cancel it
//             to handle the result yourself. "darasa:failure" (detail
//             {envelope, form}). "darasa:updated" on document after <main>
//             was replaced (re-run page setup; prefer event delegation).
// API       window.darasa.toast({title, text, kind: "error"|"success",
//             action: {label, href}}), .failure(envelope, button) shows a
//             failure as the forms do, .post(action, payload) -> envelope,
//             .relativeDates(root).
// Lists     <a data-more="#list" href="?cursor=...">Show more</a>: more.js.
// Dates     <time datetime="ISO-8601" data-relative>fallback</time>: "2
//             minutes ago", the exact local time on hover (title).
// Chrome    [data-theme-toggle] (system -> light -> dark, remembered),
//           [data-menu-toggle] (phone navigation), [data-toasts].
"use strict";

(function () {
  const THEMES = ["system", "light", "dark"];
  const THEME_KEY = "darasa-theme";

  function localPath(path) {
    return typeof path === "string" && path.startsWith("/") && !path.startsWith("//") && !path.startsWith("/\\");
  }

  // --- theme and menu --------------------------------------------------------

  function currentTheme() {
    try { return localStorage.getItem(THEME_KEY) || "system"; } catch (error) { return "system"; }
  }

  function applyTheme(theme) {
    const root = document.documentElement;
    if (theme === "system") root.removeAttribute("data-theme"); else root.setAttribute("data-theme", theme);
    try {
      if (theme === "system") localStorage.removeItem(THEME_KEY); else localStorage.setItem(THEME_KEY, theme);
    } catch (error) { /* not remembered */ }
    for (const button of document.querySelectorAll("[data-theme-toggle]")) {
      const label = theme[0].toUpperCase() + theme.slice(1);
      button.textContent = "Theme: " + label;
      button.setAttribute("aria-label", "Theme: " + label + ". Change theme");
    }
  }

  function setUpChrome() {
    for (const button of document.querySelectorAll("[data-theme-toggle], [data-menu-toggle]")) button.hidden = false;
    applyTheme(currentTheme());
    document.addEventListener("click", (event) => {
      const themeButton = event.target.closest("[data-theme-toggle]");
      if (themeButton) {
        applyTheme(THEMES[(THEMES.indexOf(currentTheme()) + 1) % THEMES.length]);
        return;
      }
      const menu = event.target.closest("[data-menu-toggle]");
      if (menu) {
        const nav = document.getElementById(menu.getAttribute("aria-controls"));
        const open = menu.getAttribute("aria-expanded") !== "true";
        menu.setAttribute("aria-expanded", String(open));
        nav.toggleAttribute("data-open", open);
      }
    });
  }

  // --- toasts ----------------------------------------------------------------

  function toast({ title, text, kind = "error", action, seconds }) {
    const region = document.querySelector("[data-toasts] .toasts__live");
    if (!region) return null;
    const box = document.createElement("div");
    box.className = "toast toast--" + kind;
    box.setAttribute("role", kind === "error" ? "alert" : "status");
    const heading = document.createElement("p");
    heading.className = "toast__title";
    heading.textContent = title;
    box.append(heading);
    const body = document.createElement("p");
    body.className = "toast__text";
    if (text) body.textContent = text;
    box.append(body);
    const row = document.createElement("div");
    row.className = "button-row";
    if (action && localPath(action.href)) {
      const link = document.createElement("a");
      link.className = "button button--small";
      link.href = action.href;
      link.textContent = action.label;
      row.append(link);
    }
    const close = document.createElement("button");
    close.type = "button";
    close.className = "button button--ghost button--small";
    close.textContent = "Dismiss";
    close.addEventListener("click", () => box.remove());
    row.append(close);
    box.append(row);
    region.append(box);
    if (!action && !seconds) setTimeout(() => box.remove(), 8000);
    return { box, body };
  }

  function countdown(shown, seconds, buttons) {
    let left = Math.max(1, Math.ceil(seconds));
    const tick = () => {
      if (left <= 0) {
        buttons.forEach((button) => { button.disabled = false; delete button.dataset.waiting; });
        if (shown) { shown.body.textContent = "You can try again now."; setTimeout(() => shown.box.remove(), 4000); }
        return;
      }
      buttons.forEach((button) => { button.disabled = true; button.dataset.waiting = "true"; });
      if (shown) shown.body.textContent = "Try again in " + left + (left === 1 ? " second." : " seconds.");
      left -= 1;
      setTimeout(tick, 1000);
    };
    tick();
  }

  function failure(envelope, buttons) {
    const code = envelope && envelope.code;
    const said = envelope && envelope.message;
    // A wire message that is only a code (PLAN_LIMIT, RATE_LIMIT) is never shown.
    const message = said && !/^[A-Z_]+$/.test(said) ? said : "Something went wrong. Please try again.";
    if (code === "PLAN_LIMIT") {
      return toast({ title: "You have reached your plan limit.",
        text: "You have used everything your plan allows of this. Upgrade to keep practising.",
        action: { label: "Upgrade", href: localPath(envelope.upgradeUrl) ? envelope.upgradeUrl : "/app/upgrade" } });
    }
    if (code === "RATE_LIMIT") {
      const shown = toast({ title: "Woah! Slow down.", seconds: envelope.retryAfter || 1 });
      countdown(shown, envelope.retryAfter || 1, [].concat(buttons || []));
      return shown;
    }
    if (code === "UNAUTHENTICATED") {
      window.location.assign("/sign-in?next=" + encodeURIComponent(location.pathname + location.search));
      return null;
    }
    return toast({ title: message });
  }

  // --- field errors (GOV.UK error summary) ------------------------------------

  function clearErrors(form) {
    form.querySelector(":scope > .error-summary")?.remove();
    for (const field of form.querySelectorAll(".field--error")) field.classList.remove("field--error");
    for (const error of form.querySelectorAll(".field__error")) error.textContent = "";
    for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  }

  function showFieldErrors(form, fieldErrors, message) {
    const summary = document.createElement("div");
    summary.className = "error-summary";
    summary.dataset.generated = "";
    summary.setAttribute("role", "alert");
    summary.tabIndex = -1;
    const title = document.createElement("h2");
    title.className = "error-summary__title";
    title.textContent = "There is a problem";
    const list = document.createElement("ul");
    summary.append(title, list);
    // In the form's order; a field left empty says what to enter (data-empty-message).
    const position = (name) => {
      const element = form.elements.namedItem(name);
      const index = element ? [...form.elements].indexOf(element) : -1;
      return index < 0 ? form.elements.length : index;
    };
    const entries = Object.entries(fieldErrors).sort(([a], [b]) => position(a) - position(b));
    for (const [name, messages] of entries) {
      const input = form.elements.namedItem(name);
      const empty = input && input.dataset && input.dataset.emptyMessage && !String(input.value || "").trim();
      const text = empty ? input.dataset.emptyMessage : [].concat(messages).join(" ");
      const item = document.createElement("li");
      if (input && input.id) {
        const link = document.createElement("a");
        link.href = "#" + input.id;
        const label = input.labels && input.labels[0] ? input.labels[0].textContent.replace(/\s*\(optional\)\s*$/, "").trim() : "";
        link.textContent = label ? label + ": " + text : text;
        link.addEventListener("click", (event) => { event.preventDefault(); input.focus(); });
        item.append(link);
        input.setAttribute("aria-invalid", "true");
        const field = input.closest(".field");
        field?.classList.add("field--error");
        const error = field?.querySelector(".field__error");
        if (error) {
          error.textContent = text;
          if (!error.id) error.id = input.id + "-error";
          const described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
          if (!described.includes(error.id)) input.setAttribute("aria-describedby", [...described, error.id].join(" "));
        }
      } else {
        item.textContent = text || message;
      }
      list.append(item);
    }
    if (!list.children.length) {
      const item = document.createElement("li");
      item.textContent = message;
      list.append(item);
    }
    form.prepend(summary);
    summary.focus();
  }

  // --- posting ------------------------------------------------------------------

  function payloadOf(form) {
    if (form.enctype === "multipart/form-data") {
      const data = new FormData(form);
      data.delete("csrf_token");
      data.delete("next");
      return { body: data, headers: {} };
    }
    const data = {};
    for (const element of form.elements) {
      if (!element.name || element.disabled || element.name === "csrf_token" || element.name === "next") continue;
      if ((element.type === "radio" || element.type === "checkbox") && !element.checked) continue;
      if (element.value === "" && element.hasAttribute("data-optional")) continue;
      data[element.name] = element.value;
    }
    return { body: JSON.stringify(data), headers: { "Content-Type": "application/json" } };
  }

  async function post(action, body, headers) {
    const url = action.startsWith("/") ? action : "/actions/" + encodeURIComponent(action);
    if (typeof body !== "string" && !(body instanceof FormData)) {
      body = JSON.stringify(body || {});
      headers = { "Content-Type": "application/json" };
    }
    try {
      const response = await fetch(url, {
        method: "POST", body, credentials: "same-origin", headers: { Accept: "application/json", ...(headers || {}) },
      });
      return await response.json();
    } catch (error) {
      return { error: true, message: "The server could not be reached. Check your connection and try again." };
    }
  }

  function confirmed(form) {
    const dialog = document.querySelector("[data-confirm-dialog]");
    if (!form.dataset.confirm) return Promise.resolve(true);
    if (!dialog || typeof dialog.showModal !== "function") return Promise.resolve(window.confirm(form.dataset.confirm));
    dialog.querySelector(".dialog__text").textContent = form.dataset.confirm;
    dialog.querySelector("[data-confirm-ok]").textContent = form.dataset.confirmLabel || "Delete";
    dialog.returnValue = "";
    return new Promise((resolve) => {
      dialog.addEventListener("close", () => resolve(dialog.returnValue === "confirm"), { once: true });
      dialog.showModal();
      dialog.querySelector("[data-confirm-cancel]").focus();
    });
  }

  function scriptsOf(doc) {
    return [...doc.querySelectorAll("script[src]")].map((script) => new URL(script.src, location.href).pathname);
  }

  async function swapTo(target, focusSelector) {
    const url = new URL(target, location.href);
    const samePage = url.pathname === location.pathname && url.search === location.search;
    let html;
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (!response.ok || response.redirected) throw new Error("not swappable");
      html = await response.text();
    } catch (error) {
      window.location.assign(url.pathname + url.search);
      return;
    }
    const doc = new DOMParser().parseFromString(html, "text/html");
    const have = new Set(scriptsOf(document));
    const main = doc.querySelector("main");
    if (!main || !scriptsOf(doc).every((src) => have.has(src))) {
      window.location.assign(url.pathname + url.search);
      return;
    }
    const scroll = window.scrollY;
    document.querySelector("main").replaceChildren(...main.childNodes);
    document.title = doc.title;
    if (!samePage) history.pushState({}, "", url.pathname + url.search + url.hash);
    relativeDates(document.querySelector("main"));
    document.dispatchEvent(new CustomEvent("darasa:updated"));
    let focus = focusSelector ? document.querySelector(focusSelector) : null;
    if (!focus && !samePage) focus = document.querySelector("main h1");
    if (focus) {
      if (!focus.hasAttribute("tabindex") && !focus.matches("a, button, input, select, textarea")) focus.tabIndex = -1;
      focus.focus({ preventScroll: true });
      if (samePage) { window.scrollTo(0, scroll); focus.scrollIntoView({ block: "nearest" }); } else window.scrollTo(0, 0);
    } else {
      window.scrollTo(0, samePage ? scroll : 0);
    }
  }

  function fill(template, envelope) {
    return template.replace(/\{(\w+)\}/g, (_, key) => (envelope[key] == null ? "" : CSS.escape(String(envelope[key]))));
  }

  async function submit(event) {
    const form = event.target.closest("form[data-action]");
    if (!form) return;
    event.preventDefault();
    if (form.dataset.pending) return;
    const submitter = event.submitter || form.querySelector("button[type=submit], button:not([type])");
    if (!(await confirmed(form))) return;
    const buttons = [...form.querySelectorAll("button")];
    const { body, headers } = payloadOf(form);
    clearErrors(form);
    form.dataset.pending = "true";
    form.setAttribute("aria-busy", "true");
    buttons.forEach((button) => { button.disabled = true; });
    const envelope = await post(form.dataset.action, body, headers);
    delete form.dataset.pending;
    form.removeAttribute("aria-busy");
    buttons.forEach((button) => { if (!button.dataset.waiting) button.disabled = false; });
    if (envelope && envelope.error === false) {
      const detail = { envelope, form };
      if (!form.dispatchEvent(new CustomEvent("darasa:success", { bubbles: true, cancelable: true, detail }))) return;
      if (localPath(form.dataset.navigate)) { window.location.assign(form.dataset.navigate); return; }
      const next = [form.dataset.redirect, envelope.redirectTo].find(localPath) || location.pathname + location.search;
      await swapTo(next, form.dataset.focus ? fill(form.dataset.focus, envelope) : null);
      return;
    }
    form.dispatchEvent(new CustomEvent("darasa:failure", { bubbles: true, detail: { envelope, form } }));
    if (envelope && envelope.code === "VALIDATION" && envelope.fieldErrors) {
      showFieldErrors(form, envelope.fieldErrors, envelope.message);
    } else {
      failure(envelope, submitter ? [submitter] : buttons);
    }
  }

  // --- relative dates -------------------------------------------------------------

  const UNITS = [["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400],
    ["hour", 3600], ["minute", 60], ["second", 1]];
  const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  const exact = new Intl.DateTimeFormat(undefined, { dateStyle: "long", timeStyle: "short" });

  function relativeDates(root) {
    for (const time of (root || document).querySelectorAll("time[data-relative]")) {
      const when = new Date(time.getAttribute("datetime"));
      if (Number.isNaN(when.getTime())) continue;
      const seconds = (when.getTime() - Date.now()) / 1000;
      const [unit, size] = UNITS.find(([, size]) => Math.abs(seconds) >= size) || ["second", 1];
      time.textContent = Math.abs(seconds) < 45 ? "just now" : relative.format(Math.round(seconds / size), unit);
      time.title = exact.format(when);
    }
  }

  window.darasa = { toast, failure, post, relativeDates, swapTo };

  document.addEventListener("submit", submit);
  document.addEventListener("DOMContentLoaded", () => {
    setUpChrome();
    relativeDates(document);
    setInterval(() => relativeDates(document), 30000);
    const summary = document.querySelector(".error-summary[data-focus-on-load]");
    if (summary) summary.focus();
  });
  window.addEventListener("popstate", () => window.location.reload());
})();
