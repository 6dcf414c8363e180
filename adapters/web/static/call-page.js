// darasa: what the voice interview call page (call.js) says to the server
// and shows: actions posted as JSON or as a form, a failure as one line of
// text, the status line and the transcript, and the interviewer's voice (the
// server's, speakInterviewTurn, when it has one, else the browser's
// speechSynthesis). Text from the server is only ever set as text.

export const $ = (id) => document.getElementById(id);

// --- talking to the server ------------------------------------------------

export async function act(name, body) {
  const json = !(body instanceof FormData);
  try {
    const response = await fetch("/actions/" + name, {
      method: "POST", credentials: "same-origin",
      headers: json ? { Accept: "application/json", "Content-Type": "application/json" } : { Accept: "application/json" },
      body: json ? JSON.stringify(body) : body,
    });
    return await response.json();
  } catch (error) {
    return { error: true, message: "The server could not be reached or gave no answer" };
  }
}

export function failureText(envelope) {
  const details = Object.values(envelope.fieldErrors || {}).flat().join(" ");
  const wait = envelope.retryAfter ? " Try again in " + envelope.retryAfter + " s." : "";
  return (envelope.message || "Something went wrong") + (details ? ": " + details : "") + wait;
}

// --- what the page shows ---------------------------------------------------

export function say(text, error) {
  const line = $("call-state");
  line.textContent = text;
  line.classList.toggle("error", Boolean(error));
}

export function addTurn(speaker, text) {
  const item = document.createElement("li");
  item.className = speaker;
  const who = document.createElement("strong");
  who.textContent = speaker === "interviewer" ? "Interviewer" : "You";
  const words = document.createElement("p");
  words.textContent = text;
  item.append(who, words);
  $("call-transcript").append(item);
  item.scrollIntoView({ block: "nearest" });
}

export function hearing(text) {
  const line = $("call-hearing");
  line.hidden = !text;
  line.textContent = text ? "Hearing: " + text : "";
}

export function problem(text) {
  $("call-problem-text").textContent = text;
  $("call-problem").hidden = false;
}

// --- the interviewer's voice -------------------------------------------------
// ``state`` is the call's: ``voice`` (on or off), ``interviewId`` and the
// ``player`` of the server's audio, if one is playing.

export function silence(state) {
  if (window.speechSynthesis) window.speechSynthesis.cancel();
  if (state.player) { state.player.pause(); URL.revokeObjectURL(state.player.src); state.player = null; }
}

export function speaking(state) {
  return Boolean((window.speechSynthesis && window.speechSynthesis.speaking) || (state.player && !state.player.ended));
}

export async function speak(state, serverVoice, text) {
  if (!state.voice) return;
  silence(state);
  if (serverVoice) {
    const spoken = await act("speakInterviewTurn", { interviewId: state.interviewId });
    if (spoken.error === false && state.voice) {
      const bytes = Uint8Array.from(atob(spoken.audio), (c) => c.charCodeAt(0));
      state.player = new Audio(URL.createObjectURL(new Blob([bytes], { type: spoken.mediaType })));
      state.player.play().catch(() => {});
      return;
    }
  }
  if (window.speechSynthesis) window.speechSynthesis.speak(new SpeechSynthesisUtterance(text));
}
