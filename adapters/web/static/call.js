// darasa: the voice interview call page. Start asks for the microphone,
// creates and starts an interview; each answer is recorded (push to talk,
// or voice activity) and sent to sendInterviewAudio, which answers with the
// words heard and the interviewer's reply. With no speech to text on the
// server the browser's own recognition supplies the words; without that,
// or without a microphone, answers are typed (sendInterviewMessage).
// Interviewer turns are spoken by the server's voice (speakInterviewTurn)
// when it has one, else with the browser's speechSynthesis. Text from the
// server is only ever set as text. An ES module: call-page.js holds the
// talk with the server, what the page shows and the interviewer's voice.

import { $, act, addTurn, failureText, hearing, problem, say, silence, speak, speaking } from "./call-page.js";

(function () {
  const root = document.getElementById("call");
  if (!root) return;
  const jobInfoId = root.dataset.jobInfoId;
  const serverStt = root.dataset.recognition === "server";
  const serverVoice = root.dataset.voice === "server";
  const Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
  const RECORDER_TYPES = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/webm", "audio/ogg"];
  const VOICE_DB = -45;          // louder than this is someone speaking
  const VOICE_START_MS = 200;    // ...for this long starts an answer
  const VOICE_END_MS = 1500;     // a silence this long ends it
  const MAX_ANSWER_MS = 290000;  // the server takes at most 5 minutes
  const TAP_MS = 300;            // a shorter press toggles instead of holding

  const state = {
    interviewId: null, stream: null, audio: null, analyser: null, meterTimer: null,
    clock: null, startedAt: 0, recorder: null, recognition: null, heard: "",
    busy: false, muted: false, voice: true, ended: false, loudSince: 0, quietSince: 0,
    answerTimer: null, player: null,
  };

  function interviewerSays(text) {
    addTurn("interviewer", text);
    speak(state, serverVoice, text);
  }

  function tick() {
    const seconds = Math.floor((Date.now() - state.startedAt) / 1000);
    const mm = String(Math.floor(seconds / 60)).padStart(2, "0");
    $("call-timer").textContent = mm + ":" + String(seconds % 60).padStart(2, "0");
  }

  function setControls() {
    const live = Boolean(state.interviewId) && !state.ended;
    const mic = live && Boolean(state.stream);
    $("call-start").disabled = Boolean(state.interviewId) || state.busy;
    $("call-talk").disabled = !mic || state.muted || mode() !== "push" || (state.busy && !state.recorder);
    $("call-mute").disabled = !mic;
    $("call-end").disabled = !live;
    $("call-talk").setAttribute("aria-pressed", String(Boolean(state.recorder)));
    $("call-talk").textContent = state.recorder ? "Send answer" : "Talk";
  }

  function mode() {
    const checked = document.querySelector('input[name="call-mode"]:checked');
    return checked ? checked.value : "push";
  }

  // --- the interview -------------------------------------------------------

  async function open() {
    state.busy = true;
    setControls();
    say("Starting the interview…");
    const created = await act("createInterview", { jobInfoId });
    if (created.error !== false) { state.busy = false; setControls(); say(failureText(created), true); return false; }
    state.interviewId = created.id;
    const started = await act("startInterview", { interviewId: state.interviewId });
    state.busy = false;
    if (started.error !== false) { setControls(); say(failureText(started), true); return false; }
    state.startedAt = Date.now();
    state.clock = window.setInterval(tick, 500);
    tick();
    interviewerSays(started.message);
    setControls();
    return true;
  }

  async function start() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.MediaRecorder) {
      problem("This browser cannot record from a microphone here.");
      return;
    }
    try {
      state.stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (error) {
      const refused = error && (error.name === "NotAllowedError" || error.name === "SecurityError");
      problem(refused
        ? "Microphone access was refused. Allow it in the browser's site settings and reload, or answer in text."
        : "No microphone was found. Connect one and reload, or answer in text.");
      return;
    }
    if (!serverStt && !Recognition) {
      state.stream.getTracks().forEach((track) => track.stop());
      state.stream = null;
      problem("Neither this server nor this browser can turn speech into text.");
      return;
    }
    listen();
    if (!(await open())) return;
    say(mode() === "push" ? "Your turn: hold Talk (or click it) and answer." : "Your turn: just answer.");
  }

  async function useText() {
    $("call-problem").hidden = true;
    $("call-text").hidden = false;
    if (!state.interviewId && !(await open())) return;
    say("Type your answer and press Send.");
    $("call-text").querySelector("textarea").focus();
  }

  async function sendText(event) {
    event.preventDefault();
    const field = $("call-text").querySelector("textarea");
    const text = field.value.trim();
    if (!text || state.busy || !state.interviewId || state.ended) return;
    state.busy = true;
    say("The interviewer is thinking…");
    const answered = await act("sendInterviewMessage", { interviewId: state.interviewId, text });
    state.busy = false;
    if (answered.error !== false) { say(failureText(answered), true); return; }
    field.value = "";
    addTurn("candidate", text);
    interviewerSays(answered.reply);
    say("Your turn.");
  }

  async function end() {
    if (!state.interviewId || state.ended) return;
    stopRecording(false);
    state.ended = true;
    window.clearInterval(state.clock);
    window.clearInterval(state.meterTimer);
    if (state.stream) state.stream.getTracks().forEach((track) => track.stop());
    if (state.audio) state.audio.close();
    silence(state);
    $("call-level").value = 0;
    $("call-text").hidden = true;
    setControls();
    const ended = await act("endInterview", { interviewId: state.interviewId });
    if (ended.error !== false) { say(failureText(ended), true); return; }
    say("The interview has ended.");
    $("call-duration").textContent = ended.duration;
    $("call-open").href = "/app/job-infos/" + encodeURIComponent(jobInfoId) + "/interviews/" + encodeURIComponent(state.interviewId);
    $("call-after").hidden = false;
  }

  async function feedback() {
    const button = $("call-feedback");
    button.disabled = true;
    $("call-after-status").textContent = "The coach is reviewing your interview…";
    const reviewed = await act("generateInterviewFeedback", { interviewId: state.interviewId });
    if (reviewed.error !== false) {
      button.disabled = false;
      $("call-after-status").textContent = failureText(reviewed);
      return;
    }
    $("call-after-status").textContent = "";
    button.hidden = true;
    const shown = $("call-feedback-text");
    shown.textContent = reviewed.feedback;  // markdown, shown as text
    shown.hidden = false;
  }

  // --- the microphone: level meter and voice activity ---------------------

  function listen() {
    const Context = window.AudioContext || window.webkitAudioContext;
    state.audio = new Context();
    state.analyser = state.audio.createAnalyser();
    state.analyser.fftSize = 1024;
    state.audio.createMediaStreamSource(state.stream).connect(state.analyser);
    const samples = new Float32Array(state.analyser.fftSize);
    state.meterTimer = window.setInterval(() => {
      state.analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += sample * sample;
      const db = state.muted ? -100 : 10 * Math.log10(sum / samples.length + 1e-12);
      $("call-level").value = Math.min(1, Math.max(0, (db + 60) / 60));
      if (mode() === "voice") voiceActivity(db);
    }, 50);
  }

  function voiceActivity(db) {
    const now = Date.now();
    if (state.ended || state.busy || state.muted || !state.interviewId || speaking(state)) {
      state.loudSince = 0;
      return;
    }
    if (db > VOICE_DB) {
      state.quietSince = 0;
      state.loudSince = state.loudSince || now;
      if (!state.recorder && now - state.loudSince >= VOICE_START_MS) startRecording();
    } else {
      state.loudSince = 0;
      state.quietSince = state.quietSince || now;
      if (state.recorder && now - state.quietSince >= VOICE_END_MS) stopRecording(true);
    }
  }

  // --- recording an answer -------------------------------------------------

  function startRecording() {
    if (state.recorder || state.busy || state.ended || !state.stream) return;
    silence(state);  // the candidate talks over the interviewer
    const type = RECORDER_TYPES.find((t) => MediaRecorder.isTypeSupported(t));
    const recorder = new MediaRecorder(state.stream, type ? { mimeType: type } : undefined);
    const chunks = [];
    recorder.addEventListener("dataavailable", (event) => { if (event.data.size) chunks.push(event.data); });
    recorder.addEventListener("stop", () => {
      if (recorder.keep) answer(new Blob(chunks, { type: recorder.mimeType }));
    });
    state.recorder = recorder;
    state.heard = "";
    recorder.start();
    if (!serverStt) recognise();
    state.answerTimer = window.setTimeout(() => stopRecording(true), MAX_ANSWER_MS);
    say("Listening…");
    setControls();
  }

  function stopRecording(keep) {
    const recorder = state.recorder;
    if (!recorder) return;
    window.clearTimeout(state.answerTimer);
    state.recorder = null;
    recorder.keep = keep;
    if (keep) state.busy = true;
    recorder.stop();
    if (state.recognition) state.recognition.stop();
    setControls();
  }

  function recognise() {
    const recognition = new Recognition();
    recognition.continuous = true;
    recognition.interimResults = true;
    recognition.addEventListener("result", (event) => {
      let final = "", interim = "";
      for (const result of event.results) {
        if (result.isFinal) final += result[0].transcript; else interim += result[0].transcript;
      }
      state.heard = final.trim();
      hearing((final + " " + interim).trim());
    });
    recognition.addEventListener("end", () => { state.recognition = null; });
    state.recognition = recognition;
    recognition.start();
  }

  async function waitForRecognition() {
    for (let waited = 0; state.recognition && waited < 3000; waited += 100) {
      await new Promise((resolve) => window.setTimeout(resolve, 100));
    }
  }

  async function answer(blob) {
    say("Sending your answer…");
    const form = new FormData();
    form.append("interviewId", state.interviewId);
    form.append("audio", blob, blob.type.includes("ogg") ? "answer.ogg" : "answer.webm");
    if (!serverStt) {
      await waitForRecognition();
      if (!state.heard) {
        state.busy = false;
        hearing("");
        say("Nothing was recognised; try again, a little closer to the microphone.", true);
        setControls();
        return;
      }
      form.append("text", state.heard);
    }
    const answered = await act("sendInterviewAudio", form);
    state.busy = false;
    hearing("");
    if (answered.error !== false) {
      say(failureText(answered), true);
    } else {
      addTurn("candidate", answered.text);
      interviewerSays(answered.reply);
      say(mode() === "push" ? "Your turn: hold Talk (or click it) and answer." : "Your turn: just answer.");
    }
    setControls();
  }

  // --- controls ------------------------------------------------------------

  // Hold Talk to answer and let go to send; or tap it to start and tap again to send.
  const talk = $("call-talk");
  let press = null;
  talk.addEventListener("pointerdown", () => {
    if (talk.disabled) return;
    press = { at: Date.now(), wasRecording: Boolean(state.recorder) };
    if (!press.wasRecording) startRecording();
  });
  talk.addEventListener("pointerup", () => {
    if (!press) return;
    const { at, wasRecording } = press;
    press = null;
    if (wasRecording || Date.now() - at >= TAP_MS) stopRecording(true);
  });
  talk.addEventListener("keydown", (event) => {
    if ((event.key === " " || event.key === "Enter") && !event.repeat) {
      event.preventDefault();
      if (state.recorder) stopRecording(true); else startRecording();
    }
  });
  $("call-start").addEventListener("click", start);
  $("call-use-text").addEventListener("click", useText);
  $("call-text").addEventListener("submit", sendText);
  $("call-end").addEventListener("click", end);
  $("call-feedback").addEventListener("click", feedback);
  $("call-mute").addEventListener("click", () => {
    state.muted = !state.muted;
    if (state.muted) stopRecording(false);
    state.stream.getAudioTracks().forEach((track) => { track.enabled = !state.muted; });
    $("call-mute").setAttribute("aria-pressed", String(state.muted));
    $("call-mute").textContent = state.muted ? "Unmute microphone" : "Mute microphone";
    setControls();
  });
  $("call-voice").addEventListener("click", () => {
    state.voice = !state.voice;
    if (!state.voice) silence(state);
    $("call-voice").setAttribute("aria-pressed", String(state.voice));
    $("call-voice").textContent = "Interviewer voice: " + (state.voice ? "on" : "off");
  });
  for (const radio of document.querySelectorAll('input[name="call-mode"]')) {
    radio.addEventListener("change", () => { stopRecording(false); setControls(); });
  }
})();
