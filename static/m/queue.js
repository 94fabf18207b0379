/* The offline queue of a technician's actions: IndexedDB records sent strictly in order, each once.
 *
 * Every action (accept, on the way, arrived, report, completed, failed) becomes a record
 * {seq, id, user_id, visit_id, kind, url, body, created_at}; `id` is a UUID made when the action is
 * taken and sent as the Idempotency-Key, so a resend (lost answer, a second tab, a reload) is applied
 * once by the server. Records go oldest first; a network failure stops the run until the next
 * `online` event, page load or timer. A 2xx (or replayed) answer removes the record. A 404/409/422
 * moves it, and every later record of the same visit, to the "needs attention" store the page shows:
 * nothing the technician entered is silently dropped.
 */
(function () {
  "use strict";

  var DB_NAME = "field-service-mobile";
  var DB_VERSION = 1;
  // Lifecycle order of a visit, to merge what the server said with what the phone did since.
  var RANK = { scheduled: 0, accepted: 1, en_route: 2, arrived: 3, completed: 4, failed: 4 };
  // Answers that are about this visit (moved, changed in the office, refused): set aside for the technician.
  var ATTENTION = { 404: "moved", 409: "conflict", 422: "refused" };

  var dbPromise = null;
  var running = null;
  var listeners = [];

  function openDb() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var request = indexedDB.open(DB_NAME, DB_VERSION);
        request.onupgradeneeded = function () {
          var db = request.result;
          db.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
          db.createObjectStore("attention", { keyPath: "id" });
          db.createObjectStore("visits", { keyPath: "visit_id" });
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return dbPromise;
  }

  // Run `body(stores, out)` in one transaction; resolves with out.value once it has committed.
  function transact(names, mode, body) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(names, mode);
        var stores = {};
        names.forEach(function (name) { stores[name] = tx.objectStore(name); });
        var out = {};
        body(stores, out);
        tx.oncomplete = function () { resolve(out.value); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function getAll(name) {
    return transact([name], "readonly", function (s, out) {
      s[name].getAll().onsuccess = function (e) { out.value = e.target.result; };
    });
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function changed(detail) {
    listeners.forEach(function (fn) { try { fn(detail || {}); } catch (e) { console.error(e); } });
  }

  function MobileQueue(config) {
    this.userId = config.user_id;
    this.csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  }

  MobileQueue.prototype.onChange = function (fn) { listeners.push(fn); };

  // Queue one action and remember the visit's new status, so the page can go on offline.
  MobileQueue.prototype.enqueue = function (action) {
    var self = this;
    var record = {
      id: uuid(), user_id: self.userId, visit_id: action.visit_id, kind: action.kind,
      url: action.url, body: action.body, created_at: new Date().toISOString()
    };
    return transact(["queue", "visits"], "readwrite", function (s) {
      s.queue.add(record);
      if (action.status) {
        s.visits.put({ visit_id: action.visit_id, user_id: self.userId, status: action.status, at: record.created_at });
      }
    }).then(function () { changed({ queued: record }); return record; });
  };

  MobileQueue.prototype.pending = function () {
    var self = this;
    return getAll("queue").then(function (rows) {
      return rows.filter(function (r) { return r.user_id === self.userId; });
    });
  };

  MobileQueue.prototype.attention = function () {
    var self = this;
    return getAll("attention").then(function (rows) {
      return rows.filter(function (r) { return r.user_id === self.userId; })
        .sort(function (a, b) { return a.seq - b.seq; });
    });
  };

  MobileQueue.prototype.dismiss = function (id) {
    return transact(["attention"], "readwrite", function (s) { s.attention.delete(id); })
      .then(function () { changed({}); });
  };

  // The status to show: the further along of the server's and this phone's, unless the office cancelled it.
  MobileQueue.prototype.effectiveStatus = function (visitId, serverStatus) {
    var self = this;
    return transact(["visits"], "readwrite", function (s, out) {
      var request = s.visits.get(visitId);
      request.onsuccess = function () {
        var local = request.result;
        out.value = serverStatus;
        if (!local || local.user_id !== self.userId || !(serverStatus in RANK)) return;
        if (RANK[local.status] > RANK[serverStatus]) out.value = local.status;
        else s.visits.delete(visitId);  // the server has caught up
      };
    });
  };

  // Send what is queued, oldest first. Resolves with {sent, state} once the run stops.
  MobileQueue.prototype.flush = function () {
    var self = this;
    // A record queued while a run is under way may have been missed by it: run once more afterwards.
    if (running) return running.then(function () { return self.flush(); });
    var run = function () { return self._flushAll(); };
    var job = (navigator.locks && navigator.locks.request)
      // One tab at a time: two tabs sending the same record at once would race on its key.
      ? navigator.locks.request("field-service-mobile-queue", run)
      : run();
    running = Promise.resolve(job).finally(function () { running = null; });
    return running;
  };

  MobileQueue.prototype._flushAll = function () {
    var self = this;
    var blocked = {};
    var sent = 0;
    if (!navigator.onLine) return Promise.resolve({ sent: 0, state: "offline" });
    return self.pending().then(function (records) {
      records.sort(function (a, b) { return a.seq - b.seq; });
      changed({ sending: true });
      var step = function (i) {
        if (i >= records.length) return { sent: sent, state: "online" };
        var record = records[i];
        if (blocked[record.visit_id]) {
          return self._setAside(record, "blocked", null, 0).then(function () { return step(i + 1); });
        }
        return self._send(record).then(function (answer) {
          if (answer.ok) {
            sent += 1;
            return self._remove(record).then(function () { return step(i + 1); });
          }
          if (answer.attention) {
            blocked[record.visit_id] = true;
            return self._setAside(record, answer.attention, answer.message, answer.status)
              .then(function () { return step(i + 1); });
          }
          return { sent: sent, state: answer.state, status: answer.status };  // stop; try again later
        });
      };
      return step(0);
    }).then(function (result) { changed({ flushed: result }); return result; });
  };

  MobileQueue.prototype._send = function (record) {
    var self = this;
    return fetch(record.url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "Idempotency-Key": record.id,
        "X-CSRFToken": self.csrf
      },
      body: JSON.stringify(record.body)
    }).then(function (response) {
      if (response.ok) return { ok: true };
      return response.json().catch(function () { return {}; }).then(function (payload) {
        var status = response.status;
        var message = payload && payload.message;
        if (ATTENTION[status]) return { attention: ATTENTION[status], message: message, status: status };
        if (status === 401) return { state: "login", status: status };
        if (status === 400 || status === 403) return { state: "reload", status: status, message: message };
        return { state: "server", status: status, message: message };  // 5xx, 429: transient
      });
    }, function () {
      return { state: "stalled" };  // no network (or it dropped mid-request): the key makes a resend safe
    });
  };

  MobileQueue.prototype._remove = function (record) {
    return transact(["queue"], "readwrite", function (s) { s.queue.delete(record.seq); })
      .then(function () { changed({ sent: record }); });
  };

  MobileQueue.prototype._setAside = function (record, why, message, status) {
    var kept = Object.assign({}, record, { why: why, message: message || "", status: status,
                                           set_aside_at: new Date().toISOString() });
    return transact(["queue", "attention", "visits"], "readwrite", function (s) {
      s.attention.put(kept);
      s.queue.delete(record.seq);
      // What the phone assumed about this visit no longer holds: show the server's status again.
      s.visits.delete(record.visit_id);
    }).then(function () { changed({ attention: kept }); });
  };

  window.MobileQueue = MobileQueue;
})();
