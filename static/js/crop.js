// The profile editor's photo crop: once an image is chosen, a preview shows the square that will
// be kept; dragging (or the arrow keys on the preview) moves it, and the size field sets its
// side. It only fills the form's x, y and size fields (pixels of the image), so without this
// script the form works as it is and the server keeps the centred square.
(function () {
  "use strict";
  var input = document.getElementById("photo");
  var fields = document.getElementById("crop-fields");
  var fx = document.getElementById("crop-x");
  var fy = document.getElementById("crop-y");
  var fs = document.getElementById("crop-size");
  if (!input || !fields || !fx || !fy || !fs || !window.FileReader) {
    return;
  }
  var canvas = document.createElement("canvas");
  canvas.className = "crop-preview";
  canvas.tabIndex = 0;
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", "Preview of the square to keep; drag it or use the arrow keys to move it");
  canvas.hidden = true;
  fields.appendChild(canvas);
  var img = new Image();
  var sq = { x: 0, y: 0, size: 0 };
  var scale = 1;

  function clamp() {
    var w = img.naturalWidth, h = img.naturalHeight;
    sq.size = Math.max(1, Math.min(sq.size || Math.min(w, h), w, h));
    sq.x = Math.max(0, Math.min(sq.x, w - sq.size));
    sq.y = Math.max(0, Math.min(sq.y, h - sq.size));
  }

  function draw() {
    clamp();
    fx.value = Math.round(sq.x);
    fy.value = Math.round(sq.y);
    fs.value = Math.round(sq.size);
    var ctx = canvas.getContext("2d");
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    ctx.fillStyle = "rgba(0, 0, 0, 0.45)";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    var x = sq.x * scale, y = sq.y * scale, s = sq.size * scale;
    ctx.drawImage(img, sq.x, sq.y, sq.size, sq.size, x, y, s, s);
    ctx.strokeStyle = "#ffffff";
    ctx.lineWidth = 2;
    ctx.strokeRect(x + 1, y + 1, s - 2, s - 2);
  }

  img.addEventListener("load", function () {
    var w = img.naturalWidth, h = img.naturalHeight;
    if (!w || !h) { return; }
    scale = Math.min(1, 480 / Math.max(w, h));
    canvas.width = Math.round(w * scale);
    canvas.height = Math.round(h * scale);
    sq.size = Math.min(w, h);
    sq.x = (w - sq.size) / 2;
    sq.y = (h - sq.size) / 2;
    canvas.hidden = false;
    draw();
  });

  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    if (!file || !/^image\/(png|jpeg|gif|webp)$/.test(file.type)) {
      canvas.hidden = true;
      return;
    }
    var reader = new FileReader();
    reader.addEventListener("load", function () { img.src = reader.result; });
    reader.readAsDataURL(file);
  });

  var drag = null;
  canvas.addEventListener("pointerdown", function (e) {
    drag = { px: e.clientX, py: e.clientY, x: sq.x, y: sq.y };
    canvas.setPointerCapture(e.pointerId);
  });
  canvas.addEventListener("pointermove", function (e) {
    if (!drag) { return; }
    sq.x = drag.x + (e.clientX - drag.px) / scale;
    sq.y = drag.y + (e.clientY - drag.py) / scale;
    draw();
  });
  canvas.addEventListener("pointerup", function () { drag = null; });
  canvas.addEventListener("keydown", function (e) {
    var step = Math.max(1, Math.round(sq.size / 20));
    var moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    var m = moves[e.key];
    if (!m) { return; }
    e.preventDefault();
    sq.x += m[0];
    sq.y += m[1];
    draw();
  });
  fs.addEventListener("input", function () {
    if (canvas.hidden) { return; }
    var v = parseInt(fs.value, 10);
    if (v > 0) {
      var cx = sq.x + sq.size / 2, cy = sq.y + sq.size / 2;
      sq.size = v;
      clamp();
      sq.x = cx - sq.size / 2;
      sq.y = cy - sq.size / 2;
      draw();
    }
  });
})();
