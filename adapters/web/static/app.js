// darasa: every form with data-action posts with fetch to /actions/<name>
// (or to the /auth/... path it names), then follows the answer's redirectTo
// (or the form's data-redirect) or reloads. A failure shows the envelope's
// message and fieldErrors. Text from the server is only ever set as text.
"use strict";

(function () {
  function localPath(path) {
    return typeof path === "string" && path.startsWith("/") && !path.startsWith("//") && !path.startsWith("/\\");
  }

  function payloadOf(form) {
    if (form.enctype === "multipart/form-data") {
      return { body: new FormData(form), headers: {} };
    }
    const data = {};
    for (const element of form.elements) {
      if (!element.name || element.disabled) continue;
      if (element.value === "" && element.hasAttribute("data-optional")) continue;
      data[element.name] = element.value;
    }
    return { body: JSON.stringify(data), headers: { "Content-Type": "application/json" } };
  }

  function clear(form) {
    for (const node of form.querySelectorAll(".status, .field-errors")) node.textContent = "";
  }

  function show(form, envelope) {
    const status = form.querySelector(".status");
    if (!status) { window.alert(envelope.message || "Something went wrong"); return; }
    status.textContent = envelope.message || "Something went wrong";
    status.classList.add("error");
    if (localPath(envelope.upgradeUrl)) {
      const link = document.createElement("a");
      link.href = envelope.upgradeUrl;
      link.textContent = " See plans";
      status.append(link);
    }
    if (envelope.retryAfter) status.append(" Try again in " + envelope.retryAfter + " s.");
    const errors = envelope.fieldErrors || {};
    for (const [field, messages] of Object.entries(errors)) {
      const target = form.querySelector('[data-errors-for="' + CSS.escape(field) + '"]');
      const text = (target ? "" : field + ": ") + [].concat(messages).join(" ");
      if (target) {
        target.textContent = text;
      } else {
        const line = document.createElement("div");
        line.textContent = text;
        status.append(line);
      }
    }
  }

  async function submit(event) {
    const form = event.target.closest("form[data-action]");
    if (!form) return;
    event.preventDefault();
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
    const action = form.dataset.action;
    const url = action.startsWith("/") ? action : "/actions/" + encodeURIComponent(action);
    const buttons = form.querySelectorAll("button");
    const { body, headers } = payloadOf(form);
    clear(form);
    const status = form.querySelector(".status");
    if (status) { status.classList.remove("error"); status.textContent = "Working…"; }
    buttons.forEach((button) => { button.disabled = true; });
    let envelope;
    try {
      const response = await fetch(url, {
        method: "POST", body, headers: { Accept: "application/json", ...headers },
        credentials: "same-origin",
      });
      envelope = await response.json();
    } catch (error) {
      envelope = { error: true, message: "The server could not be reached or gave no answer" };
    }
    buttons.forEach((button) => { button.disabled = false; });
    if (envelope && envelope.error === false) {
      const next = form.dataset.redirect || envelope.redirectTo;
      if (localPath(next)) window.location.assign(next);
      else window.location.reload();
      return;
    }
    show(form, envelope || {});
  }

  document.addEventListener("submit", submit);
})();
