// darasa: the text mock interview. The reply form ([data-interview-reply])
// sends with fetch: your line appears at once, the interviewer's answer
// after it; Enter sends, Shift+Enter is a new line. [data-timer-since]
// counts up from the ISO time it holds. A createInterview form with
// data-begin-interview="/path/{id}" starts the new interview and shows its
// page in place, the reply box focused.
"use strict";

(function () {
  function two(n) { return String(n).padStart(2, "0"); }

  function tickTimers() {
    for (const timer of document.querySelectorAll("[data-timer-since]")) {
      const since = new Date(timer.dataset.timerSince).getTime();
      if (Number.isNaN(since)) continue;
      const seconds = Math.max(0, Math.floor((Date.now() - since) / 1000));
      timer.textContent = two(Math.floor(seconds / 3600)) + ":" + two(Math.floor(seconds / 60) % 60) + ":" + two(seconds % 60);
    }
  }

  function turn(speaker, text) {
    const chat = document.querySelector("[data-chat]");
    if (!chat) return null;
    const item = document.createElement("li");
    item.className = "chat__turn chat__turn--" + speaker;
    const who = document.createElement("span");
    who.className = "chat__who";
    who.textContent = speaker === "interviewer" ? "Interviewer" : "You";
    const line = document.createElement("p");
    line.className = "chat__text";
    line.textContent = text;
    item.append(who, line);
    chat.append(item);
    item.scrollIntoView({ block: "nearest" });
    return item;
  }

  async function reply(event) {
    const form = event.target.closest("form[data-interview-reply]");
    if (!form) return;
    event.preventDefault();
    if (form.dataset.pending) return;
    const box = form.elements.namedItem("text");
    const text = box.value.trim();
    if (!text) { box.focus(); return; }
    const button = form.querySelector("button");
    form.dataset.pending = "true";
    button.disabled = true;
    const mine = turn("candidate", text);
    box.value = "";
    const waiting = turn("interviewer", "…");
    waiting?.classList.add("chat__turn--waiting");
    const envelope = await window.darasa.post("sendInterviewMessage",
      { interviewId: form.elements.namedItem("interviewId").value, text });
    delete form.dataset.pending;
    if (!button.dataset.waiting) button.disabled = false;
    if (envelope && envelope.error === false) {
      waiting.classList.remove("chat__turn--waiting");
      waiting.querySelector(".chat__text").textContent = envelope.reply;
      box.focus();
      return;
    }
    waiting?.remove();
    mine?.remove();
    box.value = text;
    window.darasa.failure(envelope, [button]);
  }

  function enterSends(event) {
    if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
    const form = event.target.closest("form[data-interview-reply]");
    if (form && event.target.tagName === "TEXTAREA") { event.preventDefault(); form.requestSubmit(); }
  }

  document.addEventListener("darasa:success", async (event) => {
    const path = event.detail.form.dataset.beginInterview;
    if (!path) return;
    event.preventDefault();
    const id = event.detail.envelope.id;
    const started = await window.darasa.post("startInterview", { interviewId: id });
    if (!started || started.error !== false) window.darasa.failure(started);
    await window.darasa.swapTo(path.replace("{id}", encodeURIComponent(id)), started && started.error === false ? "#reply" : null);
    tickTimers();
  });
  document.addEventListener("submit", reply);
  document.addEventListener("keydown", enterSends);
  tickTimers();
  setInterval(tickTimers, 500);
})();
