/* A signature pad on a <canvas>: the customer signs with a finger (or mouse, or pen); PNG out. */
(function () {
  "use strict";

  function SignaturePad(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.strokes = 0;
    this.drawing = false;
    this.last = null;
    this._resize();
    var self = this;
    canvas.addEventListener("pointerdown", function (e) { self._start(e); });
    canvas.addEventListener("pointermove", function (e) { self._move(e); });
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) {
      canvas.addEventListener(name, function () { self.drawing = false; self.last = null; });
    });
    // The pad may be created hidden (the form shows once the technician has arrived): size it when it shows.
    if (window.ResizeObserver) {
      new ResizeObserver(function () { self._refit(); }).observe(canvas);
    } else {
      window.addEventListener("resize", function () { self._refit(); });
    }
  }

  // Draw at the screen's pixel density so the strokes are sharp, on a white background for the PNG.
  SignaturePad.prototype._resize = function () {
    var ratio = Math.max(window.devicePixelRatio || 1, 1);
    var rect = this.canvas.getBoundingClientRect();
    this.canvas.width = Math.round((rect.width || 300) * ratio);
    this.canvas.height = Math.round((rect.height || 160) * ratio);
    this.ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    this.clear();
  };

  SignaturePad.prototype._point = function (e) {
    var rect = this.canvas.getBoundingClientRect();
    return { x: e.clientX - rect.left, y: e.clientY - rect.top };
  };

  SignaturePad.prototype._start = function (e) {
    e.preventDefault();
    if (this.canvas.setPointerCapture) { try { this.canvas.setPointerCapture(e.pointerId); } catch (_) { /* ok */ } }
    this.drawing = true;
    this.last = this._point(e);
    this.strokes += 1;
    // A tap leaves a dot.
    this.ctx.beginPath();
    this.ctx.arc(this.last.x, this.last.y, 1.2, 0, 2 * Math.PI);
    this.ctx.fill();
    this.onchange && this.onchange();
  };

  SignaturePad.prototype._move = function (e) {
    if (!this.drawing) return;
    e.preventDefault();
    var p = this._point(e);
    var ctx = this.ctx;
    ctx.beginPath();
    ctx.moveTo(this.last.x, this.last.y);
    ctx.lineTo(p.x, p.y);
    ctx.stroke();
    this.last = p;
  };

  SignaturePad.prototype.clear = function () {
    var ctx = this.ctx;
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.restore();
    ctx.strokeStyle = ctx.fillStyle = "#10203a";
    ctx.lineWidth = 2.2;
    ctx.lineCap = ctx.lineJoin = "round";
    this.strokes = 0;
    this.onchange && this.onchange();
  };

  SignaturePad.prototype.isEmpty = function () { return this.strokes === 0; };

  SignaturePad.prototype.toDataURL = function () { return this.canvas.toDataURL("image/png"); };

  // Restore a saved drawing (a draft kept while offline); drawn once the pad is on screen.
  SignaturePad.prototype.load = function (dataUrl) {
    this.pending = dataUrl;
    this.strokes = Math.max(this.strokes, 1);
    this._refit();
  };

  SignaturePad.prototype._refit = function () {
    var rect = this.canvas.getBoundingClientRect();
    if (!rect.width) return;  // hidden
    if (this.pending) {
      var self = this;
      var image = new Image();
      var dataUrl = this.pending;
      this.pending = null;
      this._resize();
      image.onload = function () {
        self.ctx.drawImage(image, 0, 0, rect.width, rect.height);
        self.strokes = Math.max(self.strokes, 1);
      };
      image.src = dataUrl;
    } else if (this.isEmpty()) {
      this._resize();
    }
  };

  window.SignaturePad = SignaturePad;
})();
