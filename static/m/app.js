/* Technician pages: status buttons, service form, offline badge and "needs attention" list.
 * Every action goes through the queue (queue.js), online or not, so there is one path to the server.
 * All words come translated from the page (#m-config). No library, no CDN.
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("m-config").textContent);
  var M = config.messages;
  var queue = new window.MobileQueue(config);
  var syncState = "online";  // online | stalled | login | reload | server
  var job = document.getElementById("job");
  var visitId = job ? Number(job.dataset.visitId) : null;

  function fmt(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (m, key) { return key in values ? values[key] : m; });
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text != null) node.textContent = text;
    return node;
  }

  function show(node, text, kind) {
    if (!node) return;
    node.hidden = !text;
    node.textContent = text || "";
    node.className = "flash" + (kind ? " " + kind : "");
  }

  function eventUrl(id) { return config.events_url.replace("{id}", id); }
  function reportUrl(id) { return config.report_url.replace("{id}", id); }

  // --- status bar, attention list ----------------------------------------------------------------

  function renderStatus() {
    var state = navigator.onLine ? (syncState === "online" ? "online" : "stalled") : "offline";
    var net = document.getElementById("net-state");
    net.dataset.state = state;
    net.textContent = M[state];
    var note = { login: M.login_again, reload: M.reload, server: M.server_error }[syncState];
    show(document.getElementById("sync-message"), note || "", "error");
    return queue.pending().then(function (rows) {
      var count = document.getElementById("queue-count");
      count.textContent = String(rows.length);
      count.parentNode.dataset.count = String(rows.length);
    });
  }

  function notesOf(record) {
    var b = record.body || {};
    var lines = [];
    if (b.work_done) lines.push(b.work_done);
    if (b.result) lines.push(b.result);
    (b.parts || []).forEach(function (p) { lines.push(p.sku + " × " + p.qty); });
    if (b.fees_yuan && Number(b.fees_yuan) > 0) lines.push("¥" + b.fees_yuan);
    if (b.photos && b.photos.length) lines.push(b.photos.map(function (p) { return p.filename; }).join(", "));
    if (b.reason) lines.push(b.reason);
    if (b.note) lines.push(b.note);
    return lines;
  }

  function renderAttention() {
    return queue.attention().then(function (rows) {
      var section = document.getElementById("attention");
      var list = document.getElementById("attention-list");
      section.hidden = rows.length === 0;
      document.getElementById("attention-count").textContent = String(rows.length);
      list.textContent = "";
      rows.forEach(function (record) {
        var item = el("li", { "class": "attention-item", "data-visit-id": record.visit_id, "data-why": record.why });
        var when = new Date(record.created_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
        item.appendChild(el("strong", null, fmt(M.visit, { id: record.visit_id }) + " · " +
          (M["action_" + record.kind] || record.kind) + " · " + when));
        item.appendChild(el("p", { "class": "why" }, M[record.why] || M.refused));
        if (record.message) item.appendChild(el("p", { "class": "muted" }, record.message));
        var notes = notesOf(record);
        if (notes.length) {
          item.appendChild(el("p", { "class": "label" }, M.your_notes));
          item.appendChild(el("pre", { "class": "notes" }, notes.join("\n")));
        }
        var remove = el("button", { type: "button", "class": "dismiss" }, M.dismiss);
        remove.addEventListener("click", function () {
          if (window.confirm(M.confirm_dismiss)) queue.dismiss(record.id);
        });
        item.appendChild(remove);
        list.appendChild(item);
      });
      return rows;
    });
  }

  // --- visit status on the page --------------------------------------------------------------------

  function label(node, status) {
    node.dataset.status = status;
    node.querySelectorAll("[data-status-label]").forEach(function (span) {
      span.textContent = config.status_labels[status] || status;
    });
  }

  function applyRouteStatuses() {
    var items = document.querySelectorAll("#route [data-visit-id]");
    return Promise.all(Array.prototype.map.call(items, function (item) {
      item.dataset.serverStatus = item.dataset.serverStatus || item.dataset.status;
      return queue.effectiveStatus(Number(item.dataset.visitId), item.dataset.serverStatus)
        .then(function (status) { label(item, status); });
    }));
  }

  function applyJobStatus(attentionRows) {
    if (!job) return Promise.resolve();
    job.dataset.serverStatus = job.dataset.serverStatus || job.dataset.status;
    var setAside = (attentionRows || []).some(function (r) { return r.visit_id === visitId; });
    return queue.effectiveStatus(visitId, job.dataset.serverStatus).then(function (status) {
      label(job, status);
      job.classList.toggle("set-aside", setAside);
      job.querySelectorAll("[data-when]").forEach(function (node) {
        // A visit whose update was refused waits for the technician to read why: no more buttons.
        node.hidden = setAside || node.dataset.when.split(" ").indexOf(status) < 0;
      });
    });
  }

  function refresh() {
    return Promise.all([renderStatus(), renderAttention()]).then(function (results) {
      return Promise.all([applyRouteStatuses(), applyJobStatus(results[1])]);
    });
  }

  // --- sending ---------------------------------------------------------------------------------------

  var retryTimer = null;
  var retryDelayMs = 0;

  function flush() {
    if (!navigator.onLine) return renderStatus();
    return queue.flush().then(function (result) {
      syncState = result.state === "offline" ? syncState : result.state;
      scheduleRetry(result.state === "stalled" || result.state === "server");
      if (result.state === "online") checkRoute();
      return refresh();
    });
  }

  // The route page, once it syncs, loads the route again when the dispatcher changed it meanwhile
  // (a rebalance while the phone was offline): the banner and the new order come with it.
  function checkRoute() {
    var route = document.getElementById("route");
    if (!route || !route.dataset.routeVersion) return;
    fetch(config.today_url + "/version", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && data.version && data.version !== route.dataset.routeVersion) location.reload();
      })
      .catch(function () { /* no signal after all: the next sync asks again */ });
  }

  // A weak signal fails now and works in a moment: retry soon, then less and less often (2 s ... 60 s).
  function scheduleRetry(failed) {
    clearTimeout(retryTimer);
    retryDelayMs = failed ? Math.min(retryDelayMs ? retryDelayMs * 2 : 2000, 60000) : 0;
    if (failed) retryTimer = setTimeout(flush, retryDelayMs);
  }

  function take(actions, messageNode) {
    // Queue in order and show the new state at once; sending happens behind the technician's back,
    // so the next tap is never blocked by a slow network. Resolves once the actions are safely queued.
    var chain = Promise.resolve();
    actions.forEach(function (action) { chain = chain.then(function () { return queue.enqueue(action); }); });
    return chain.then(function () {
      show(messageNode, navigator.onLine ? M.sending : M.saved_offline, "success");
      refresh();
      flush().then(function () { return queue.pending(); }).then(function (rows) {
        var mine = rows.some(function (r) { return r.visit_id === visitId; });
        show(messageNode, mine ? M.saved_offline : M.sent, "success");
      });
    });
  }

  function statusEvent(kind, extra) {
    var body = Object.assign({ type: kind, at: new Date().toISOString() }, extra || {});
    return { visit_id: visitId, kind: kind, url: eventUrl(visitId), body: body, status: kind };
  }

  function locate() {
    return new Promise(function (resolve) {
      if (!navigator.geolocation) return resolve({});
      navigator.geolocation.getCurrentPosition(function (pos) {
        resolve({ lat: Math.round(pos.coords.latitude * 1e6) / 1e6, lon: Math.round(pos.coords.longitude * 1e6) / 1e6 });
      }, function () { resolve({}); }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 120000 });
    });
  }

  // --- job page: buttons, service form, failure form ----------------------------------------------------

  function setUpJob() {
    var message = document.getElementById("action-message");
    var busy = false;
    job.querySelectorAll("[data-action]").forEach(function (button) {
      button.addEventListener("click", function () {
        if (busy) return;
        busy = true;
        var kind = button.dataset.action;
        var ready = Promise.resolve({});
        if (kind === "arrived") {
          show(message, M.locating);
          ready = locate().then(function (where) {
            if (where.lat == null) show(message, M.no_location);
            return where;
          });
        }
        ready.then(function (where) { return take([statusEvent(kind, where)], message); })
          .finally(function () { busy = false; });
      });
    });
    setUpReport(message);
    setUpFailure(message);
  }

  function draftKey() { return "m-draft-" + config.user_id + "-" + visitId; }

  function setUpReport(message) {
    var form = document.getElementById("report-form");
    if (!form) return;
    var rows = document.getElementById("part-rows");
    var template = document.getElementById("part-row");
    var errors = document.getElementById("report-errors");
    var photoErrors = document.getElementById("photo-errors");
    var photoList = document.getElementById("photo-list");
    var photos = [];
    var pad = new window.SignaturePad(document.getElementById("signature-pad"));

    function addPart(sku, qty) {
      var row = template.content.firstElementChild.cloneNode(true);
      if (sku) row.querySelector("select").value = sku;
      if (qty) row.querySelector("input").value = qty;
      row.querySelector(".remove-part").addEventListener("click", function () { row.remove(); saveDraft(); });
      rows.appendChild(row);
    }
    var add = document.getElementById("add-part");
    if (add) add.addEventListener("click", function () { addPart(); saveDraft(); });

    function parts() {
      return Array.prototype.map.call(rows.querySelectorAll(".part-row"), function (row) {
        return { sku: row.querySelector("select").value, qty: parseInt(row.querySelector("input").value, 10) || 1 };
      });
    }

    // A draft survives a reload or a dead battery's restart, offline included.
    function saveDraft() {
      var draft = {
        work_done: form.work_done.value, result: form.result.value, fees_yuan: form.fees_yuan.value,
        customer_confirmed: form.customer_confirmed.checked, parts: parts(),
        signature: pad.isEmpty() ? null : pad.toDataURL()
      };
      try { localStorage.setItem(draftKey(), JSON.stringify(draft)); } catch (e) { /* storage full: keep going */ }
    }
    function loadDraft() {
      var draft = null;
      try { draft = JSON.parse(localStorage.getItem(draftKey()) || "null"); } catch (e) { draft = null; }
      if (!draft) return;
      form.work_done.value = draft.work_done || "";
      if (draft.result) form.result.value = draft.result;
      form.fees_yuan.value = draft.fees_yuan || "0";
      form.customer_confirmed.checked = !!draft.customer_confirmed;
      (draft.parts || []).forEach(function (p) { addPart(p.sku, p.qty); });
      if (draft.signature) pad.load(draft.signature);
    }
    loadDraft();
    form.addEventListener("input", saveDraft);
    form.addEventListener("change", saveDraft);
    pad.canvas.addEventListener("pointerup", saveDraft);
    document.getElementById("signature-clear").addEventListener("click", function () { pad.clear(); saveDraft(); });

    function renderPhotos() {
      photoList.textContent = "";
      photos.forEach(function (file, i) {
        var item = el("li");
        var thumb = el("img", { alt: file.name });
        thumb.src = URL.createObjectURL(file);
        item.appendChild(thumb);
        item.appendChild(el("span", null, file.name + " · " + Math.ceil(file.size / 1024) + " KB"));
        var remove = el("button", { type: "button", "aria-label": M.remove_photo }, "✕");
        remove.addEventListener("click", function () { photos.splice(i, 1); renderPhotos(); });
        item.appendChild(remove);
        photoList.appendChild(item);
      });
    }

    document.getElementById("photo-input").addEventListener("change", function (e) {
      var problems = [];
      Array.prototype.forEach.call(e.target.files, function (file) {
        // The server checks again (type sniffed from the bytes, size); this saves sending a refused photo.
        if (config.photo_types.indexOf(file.type) < 0) problems.push(fmt(M.photo_type, { name: file.name }));
        else if (file.size > config.max_photo_bytes) {
          problems.push(fmt(M.photo_size, { name: file.name, mb: config.max_photo_bytes / 1048576 }));
        } else if (photos.length >= config.max_photos) problems.push(fmt(M.photo_count, { n: config.max_photos }));
        else photos.push(file);
      });
      e.target.value = "";
      show(photoErrors, problems.join(" "), "error");
      renderPhotos();
    });

    function readPhoto(file) {
      return new Promise(function (resolve, reject) {
        var reader = new FileReader();
        reader.onload = function () {
          resolve({ filename: file.name, content_type: file.type,
                    data_base64: String(reader.result).split(",", 2)[1] || "" });
        };
        reader.onerror = function () { reject(reader.error); };
        reader.readAsDataURL(file);
      });
    }

    // What keeps the report from being sent, or "" when nothing does.
    function reportProblem() {
      if (!form.work_done.value.trim()) return M.work_done_required;
      if (form.customer_confirmed.checked && pad.isEmpty()) return M.signature_required;
      return "";
    }

    // An error shown for a field goes away as soon as the field is fixed, not at the next submit.
    function clearFixedError() {
      if (errors.textContent && !reportProblem()) show(errors, "");
    }
    form.work_done.addEventListener("input", clearFixedError);
    form.customer_confirmed.addEventListener("change", clearFixedError);
    document.getElementById("signature-pad").addEventListener("pointerup", clearFixedError);
    document.getElementById("signature-clear").addEventListener("click", clearFixedError);

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var problem = reportProblem();
      if (problem) {
        show(errors, problem, "error");
        if (problem === M.work_done_required) form.work_done.focus();
        return;
      }
      show(errors, "");
      var button = document.getElementById("complete");
      button.disabled = true;
      Promise.all(photos.map(readPhoto)).then(function (encoded) {
        var report = {
          work_done: form.work_done.value.trim(), result: form.result.value, parts: parts(),
          fees_yuan: form.fees_yuan.value || "0", photos: encoded,
          signature: pad.isEmpty() ? null : pad.toDataURL(),
          customer_confirmed: form.customer_confirmed.checked
        };
        if (JSON.stringify(report).length > config.max_body_bytes - 65536) {
          show(errors, M.too_large, "error");
          return;
        }
        // The report first, then completed: the server refuses completed without a report.
        return take([
          { visit_id: visitId, kind: "report", url: reportUrl(visitId), body: report, status: null },
          statusEvent("completed")
        ], message).then(function () {
          try { localStorage.removeItem(draftKey()); } catch (err) { /* ignore */ }
          photos = [];
          renderPhotos();
          window.scrollTo(0, 0);
        });
      }).finally(function () { button.disabled = false; });
    });
  }

  function setUpFailure(message) {
    var form = document.getElementById("fail-form");
    if (!form) return;
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (!form.reason.value) {
        show(document.getElementById("fail-errors"), M.reason_required, "error");
        return;
      }
      show(document.getElementById("fail-errors"), "");
      var note = form.note.value.trim();
      take([statusEvent("failed", { reason: form.reason.value, note: note || null })], message)
        .then(function () { document.getElementById("fail-panel").open = false; window.scrollTo(0, 0); });
    });
  }

  // --- offline pages ----------------------------------------------------------------------------------

  function registerServiceWorker() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register(config.sw_url, { scope: config.scope }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      var urls = [config.today_url, location.pathname].concat(config.precache);
      var channel = new MessageChannel();
      channel.port1.onmessage = function () { document.documentElement.dataset.offlineReady = "1"; };
      registration.active.postMessage({ type: "precache", urls: urls }, [channel.port2]);
    }).catch(function (err) { console.warn("offline pages unavailable:", err); });
  }

  function forgetPagesOnLogout() {
    // Pages saved for offline use show customers' details: a logout removes them from the phone.
    // Queued actions stay (they belong to the user and are sent after their next login).
    document.querySelectorAll('form[action$="/logout"]').forEach(function (form) {
      form.addEventListener("submit", function (e) {
        if (!window.caches) return;
        e.preventDefault();
        caches.delete("m-pages").finally(function () { form.submit(); });
      });
    });
  }

  // --- start -------------------------------------------------------------------------------------------

  var sentHere = 0;
  queue.onChange(function (detail) {
    if (detail.sent) document.documentElement.dataset.sent = String(++sentHere);  // progress, for tests too
    refresh();
  });
  window.addEventListener("online", function () { syncState = "online"; retryDelayMs = 0; flush(); });
  window.addEventListener("offline", function () { renderStatus(); });
  document.addEventListener("visibilitychange", function () { if (!document.hidden) flush(); });
  setInterval(flush, 30000);  // and anything else that was missed
  if (job) setUpJob();
  forgetPagesOnLogout();
  refresh().then(flush);
  registerServiceWorker();
})();
