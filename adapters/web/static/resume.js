// darasa: the resume upload. [data-resume-form] takes a file dropped on
// [data-dropzone] or picked; its size and type are checked here first (the
// server still decides); it is sent as multipart to analyzeResume while
// [data-progress] shows, then the page is swapped to show the analysis.
"use strict";

(function () {
  const TYPES = /\.(pdf|docx|txt)$/i;

  function check(form, file) {
    const error = form.querySelector("[data-file-error]");
    const input = form.elements.namedItem("resumeFile");
    let problem = "";
    if (!file) problem = "Choose your resume: a PDF, Word (.docx) or text file.";
    else if (!TYPES.test(file.name)) problem = "Please upload a PDF, Word document, or text file.";
    else if (file.size > Number(form.dataset.maxBytes)) problem = "File size exceeds 10MB limit.";
    else if (file.size === 0) problem = "The file is empty.";
    error.textContent = problem;
    if (problem) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
    form.querySelector("[data-file-name]").textContent = file ? file.name : "";
    return !problem;
  }

  async function submit(event) {
    const form = event.target.closest("form[data-resume-form]");
    if (!form) return;
    event.preventDefault();
    const input = form.elements.namedItem("resumeFile");
    const file = input.files && input.files[0];
    if (form.dataset.pending || !check(form, file)) return;
    const button = form.querySelector("button");
    const progress = form.querySelector("[data-progress]");
    form.dataset.pending = "true";
    button.disabled = true;
    progress.hidden = false;
    const body = new FormData();
    body.append("jobInfoId", form.elements.namedItem("jobInfoId").value);
    body.append("resumeFile", file, file.name);
    const envelope = await window.darasa.post("analyzeResume", body);
    delete form.dataset.pending;
    progress.hidden = true;
    if (!button.dataset.waiting) button.disabled = false;
    if (envelope && envelope.error === false) {
      await window.darasa.swapTo(location.pathname, "#latest-analysis");
      return;
    }
    if (envelope && envelope.fieldErrors) {
      form.querySelector("[data-file-error]").textContent = Object.values(envelope.fieldErrors).flat().join(" ");
    }
    window.darasa.failure(envelope, [button]);
  }

  document.addEventListener("change", (event) => {
    const form = event.target.closest("form[data-resume-form]");
    if (form && event.target.name === "resumeFile") check(form, event.target.files[0]);
  });
  document.addEventListener("dragover", (event) => {
    const zone = event.target.closest("[data-dropzone]");
    if (!zone) return;
    event.preventDefault();
    zone.classList.add("dropzone--over");
  });
  document.addEventListener("dragleave", (event) => {
    event.target.closest("[data-dropzone]")?.classList.remove("dropzone--over");
  });
  document.addEventListener("drop", (event) => {
    const zone = event.target.closest("[data-dropzone]");
    if (!zone) return;
    event.preventDefault();
    zone.classList.remove("dropzone--over");
    const form = zone.closest("form");
    const input = form.elements.namedItem("resumeFile");
    if (event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      check(form, input.files[0]);
    }
  });
  document.addEventListener("submit", submit);
})();
