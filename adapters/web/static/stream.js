// darasa: forms whose action's answer streams (the coach writing).
//
// <form method="post" action="/forms/NAME" data-stream="NAME"
//       data-stream-into="#box" [data-keep="field"] [data-focus="#sel"]>
//   posts its fields as JSON to /actions/NAME asking for server-sent events;
//   each "delta" is appended, as text, to #box (shown, aria-live) and fires
//   "darasa:delta" on the form (detail {text}: all so far); the "result"
//   event carries the envelope. Success swaps <main> for this URL (with the
//   data-keep field as a query parameter), focuses data-focus and opens it
//   if it is a <details>; a failure shows as app.js shows form failures.
//   Ctrl/Cmd+Enter in a textarea sends. Without JavaScript the form posts to
//   /forms/NAME like any other.
"use strict";

(function () {
  const CUT_SHORT = { error: true, message: "The answer was cut short. Please try again." };

  function payloadOf(form) {
    const data = {};
    for (const element of form.elements) {
      if (!element.name || element.disabled || element.name === "csrf_token" || element.name === "next") continue;
      if ((element.type === "radio" || element.type === "checkbox") && !element.checked) continue;
      data[element.name] = element.value;
    }
    return data;
  }

  async function* events(response) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, "\n");
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let name = "message";
        const data = [];
        for (const line of block.split("\n")) {
          if (line.startsWith("event:")) name = line.slice(6).trim();
          else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
        }
        if (data.length) yield { name, data: JSON.parse(data.join("\n")) };
      }
    }
  }

  async function stream(action, payload, onDelta) {
    let response;
    try {
      response = await fetch("/actions/" + encodeURIComponent(action), {
        method: "POST", credentials: "same-origin", body: JSON.stringify(payload),
        headers: { Accept: "text/event-stream", "Content-Type": "application/json" },
      });
      if (!(response.headers.get("Content-Type") || "").startsWith("text/event-stream")) return await response.json();
      for await (const event of events(response)) {
        if (event.name === "delta") onDelta(String(event.data.text || ""));
        else if (event.name === "result") return event.data;
      }
    } catch (error) {
      return { error: true, message: "The server could not be reached. Check your connection and try again." };
    }
    return CUT_SHORT;
  }

  function markFields(form, fieldErrors) {
    let marked = false;
    for (const [name, messages] of Object.entries(fieldErrors || {})) {
      const input = form.elements.namedItem(name);
      const error = input && input.closest && input.closest(".field")?.querySelector(".field__error");
      if (!error) continue;
      error.textContent = [].concat(messages).join(" ");
      input.setAttribute("aria-invalid", "true");
      input.focus();
      marked = true;
    }
    return marked;
  }

  function clearFields(form) {
    for (const error of form.querySelectorAll(".field__error")) error.textContent = "";
    for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  }

  async function submit(event) {
    const form = event.target.closest("form[data-stream]");
    if (!form) return;
    event.preventDefault();
    if (form.dataset.pending) return;
    const box = document.querySelector(form.dataset.streamInto);
    const buttons = [...form.querySelectorAll("button")];
    clearFields(form);
    form.dataset.pending = "true";
    form.setAttribute("aria-busy", "true");
    buttons.forEach((button) => { button.disabled = true; });
    let text = "";
    if (box) {
      box.hidden = false;
      box.textContent = "Writing…";
      box.classList.add("stream--pending");
    }
    const envelope = await stream(form.dataset.stream, payloadOf(form), (piece) => {
      text += piece;
      if (box) { box.classList.remove("stream--pending"); box.textContent = text; }
      form.dispatchEvent(new CustomEvent("darasa:delta", { bubbles: true, detail: { text } }));
    });
    delete form.dataset.pending;
    form.removeAttribute("aria-busy");
    buttons.forEach((button) => { if (!button.dataset.waiting) button.disabled = false; });
    if (envelope && envelope.error === false) {
      const url = new URL(location.href);
      const keep = form.dataset.keep && form.elements.namedItem(form.dataset.keep);
      if (keep && keep.value) url.searchParams.set(form.dataset.keep, keep.value);
      await window.darasa.swapTo(url.pathname + url.search, form.dataset.focus || null);
      const focused = form.dataset.focus && document.querySelector(form.dataset.focus);
      if (focused && focused.tagName === "DETAILS") focused.open = true;
      return;
    }
    if (box) { box.hidden = true; box.textContent = ""; box.classList.remove("stream--pending"); }
    if (!(envelope && envelope.code === "VALIDATION" && markFields(form, envelope.fieldErrors))) {
      window.darasa.failure(envelope, buttons);
    }
  }

  function sendOnCtrlEnter(event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    const form = event.target.closest("form[data-stream]");
    if (form && event.target.tagName === "TEXTAREA") { event.preventDefault(); form.requestSubmit(); }
  }

  document.addEventListener("submit", submit);
  document.addEventListener("keydown", sendOnCtrlEnter);
})();
