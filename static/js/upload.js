// The files page's upload with a progress bar (XMLHttpRequest). Without this script the form
// posts as it is; with it, the same multipart form (the CSRF field first, then the folder, then
// the file, in the form's order) goes through XMLHttpRequest so the bar can follow it.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  var bar = document.getElementById("upload-progress");
  var status = document.getElementById("upload-status");
  if (!form || !bar || !status || !window.FormData || !window.XMLHttpRequest) {
    return;
  }
  var button = form.querySelector("button[type=submit]");

  function done(text) {
    status.textContent = text;
    bar.hidden = true;
    if (button) { button.disabled = false; }
  }

  form.addEventListener("submit", function (ev) {
    var input = form.querySelector("input[type=file]");
    if (!input || !input.files || input.files.length === 0) {
      return; // the browser's own "required" message
    }
    ev.preventDefault();
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable && e.total > 0) {
        var pct = Math.floor((e.loaded / e.total) * 100);
        bar.value = pct;
        bar.textContent = pct + "%";
        status.textContent = "Uploading… " + pct + "%";
      }
    });
    xhr.addEventListener("load", function () {
      if (xhr.status >= 200 && xhr.status < 300) {
        // The hub answered with a redirect to the folder, which XMLHttpRequest followed.
        status.textContent = "Uploaded.";
        window.location.assign(xhr.responseURL || window.location.href);
        return;
      }
      var message = "The upload failed (" + xhr.status + ").";
      try {
        var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
        var err = doc.getElementById("form-error") || doc.querySelector(".error");
        if (err && err.textContent) { message = err.textContent.trim(); }
      } catch (_) { /* keep the plain message */ }
      done(message);
    });
    xhr.addEventListener("error", function () { done("The upload failed: the connection was lost."); });
    xhr.addEventListener("abort", function () { done("The upload was stopped."); });
    bar.value = 0;
    bar.hidden = false;
    status.textContent = "Uploading…";
    if (button) { button.disabled = true; }
    xhr.send(new FormData(form));
  });
})();
