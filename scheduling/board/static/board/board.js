// The day board: draws /api/v1/board on a vis-timeline and a Leaflet map, and changes the day only
// through the API (manual assignment, plans, rebalance), so the server's rules decide every move.
(function () {
  "use strict";
  const root = document.getElementById("board");
  const T = JSON.parse(document.getElementById("board-text").textContent);
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const state = {date: root.dataset.date, region: root.dataset.region, data: null, selected: null,
                 busy: false, dragging: false, fitted: false, planId: null, rebalanceId: null};
  const $ = (id) => document.getElementById(id);

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (m, key) => (key in values ? values[key] : m));
  }
  function esc(text) {
    const div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }
  function clock(iso) {
    // The server sends local times with their offset; show the wall clock it names.
    return iso ? iso.slice(11, 16) : "";
  }
  function offsetOf(iso) {
    const match = /([+-]\d\d:\d\d)$/.exec(iso || "");
    return match ? match[1] : "+00:00";
  }
  function localIso(date) {
    // The board's day is in the business's time zone; the offset comes from the day's own data.
    const offset = offsetOf(state.data && state.data.now);
    const sign = offset[0] === "-" ? -1 : 1;
    const minutes = sign * (parseInt(offset.slice(1, 3), 10) * 60 + parseInt(offset.slice(4, 6), 10));
    const shifted = new Date(date.getTime() + minutes * 60000);
    return shifted.toISOString().slice(0, 19) + offset;
  }
  function key() {
    return (window.crypto && crypto.randomUUID) ? crypto.randomUUID()
      : Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  function message(kind, text) {
    const error = $("board-error"), ok = $("board-ok");
    error.hidden = kind !== "error";
    ok.hidden = kind !== "ok";
    (kind === "error" ? error : ok).textContent = text;
  }

  async function api(method, url, body) {
    const headers = {"Accept": "application/json", "X-CSRFToken": csrf};
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method === "POST") headers["Idempotency-Key"] = key();
    let response;
    try {
      response = await fetch(url, {method, headers, credentials: "same-origin",
                                   body: body === undefined ? undefined : JSON.stringify(body)});
    } catch (e) {
      return {ok: false, status: 0, data: {message: T.reached}};
    }
    let data = {};
    try { data = await response.json(); } catch (e) { data = {message: T.reached}; }
    return {ok: response.ok, status: response.status, data};
  }

  // --- the timeline -----------------------------------------------------------------------------
  const groups = new vis.DataSet();
  const items = new vis.DataSet();
  const timeline = new vis.Timeline($("timeline"), items, groups, {
    stack: false, showCurrentTime: true, showMajorLabels: false, orientation: "top",
    zoomKey: "ctrlKey", horizontalScroll: true, verticalScroll: true, maxHeight: 620,
    format: {minorLabels: {minute: "HH:mm", hour: "HH:mm"}},
    editable: {add: true, updateTime: true, updateGroup: true, remove: false, overrideItems: false},
    snap: (date) => { const step = 5 * 60000; return new Date(Math.round(date / step) * step); },
    groupOrder: "order", tooltip: {followMouse: false}, margin: {item: {horizontal: 0}},
    onMove: moveVisit, onAdd: addFromUnassigned,
    onMoving: (item, callback) => { state.dragging = true; callback(item); },
  });
  timeline.on("select", (props) => {
    const id = props.items[0];
    const item = id && items.get(id);
    if (item && item.visitId) select({kind: "visit", id: item.visitId});
  });
  timeline.on("click", (props) => {
    if (props.what === "group-label" && props.group) select({kind: "technician", id: props.group});
  });

  function dayWindow(data) {
    const starts = data.technicians.map((t) => t.shift.start).concat(data.visits.map((v) => v.start));
    const ends = data.technicians.map((t) => t.shift.end).concat(data.visits.map((v) => v.end));
    const start = starts.length ? starts.sort()[0] : data.date + "T08:00:00" + offsetOf(data.now);
    const end = ends.length ? ends.sort().slice(-1)[0] : data.date + "T19:00:00" + offsetOf(data.now);
    return {start: new Date(new Date(start).getTime() - 30 * 60000), end: new Date(new Date(end).getTime() + 30 * 60000)};
  }

  function drawTimeline(data) {
    groups.update(data.technicians.map((t, n) => ({
      id: t.id, order: n,
      content: `<span class="tech-name">${esc(t.name)}</span><br><span class="tech-shift">${clock(t.shift.start)}–${clock(t.shift.end)}</span>`,
    })));
    const groupIds = new Set(data.technicians.map((t) => t.id));
    groups.remove(groups.getIds().filter((id) => !groupIds.has(id)));
    const next = [];
    data.technicians.forEach((t) => {
      next.push({id: `shift-${t.id}`, group: t.id, start: t.shift.start, end: t.shift.end, type: "background",
                 className: "shift"});
      t.breaks.forEach((b, i) => next.push({id: `break-${t.id}-${i}`, group: t.id, start: b.start, end: b.end,
                                             type: "background", className: "break",
                                             title: `${T.lunch} ${clock(b.start)}–${clock(b.end)}`}));
    });
    data.visits.forEach((v) => {
      const selected = state.selected && state.selected.kind === "visit" && state.selected.id === v.visit_id;
      // A promised slot is always drawn behind its visit; a customer's availability only for the selection,
      // as a whole day of overlapping availability would hide the rows.
      if (v.promised || selected) v.windows.forEach((w, i) => next.push({
        id: `window-${v.visit_id}-${i}`, group: v.technician_id, start: w.start, end: w.end, type: "background",
        className: v.promised ? "window promised" : "window"}));
      if (v.travel_s > 0) {
        next.push({id: `travel-${v.visit_id}`, group: v.technician_id, type: "range", className: "travel",
                   start: new Date(new Date(v.start).getTime() - v.travel_s * 1000), end: v.start, content: "",
                   editable: false, selectable: false,
                   title: fill(T.driving, {minutes: Math.round(v.travel_s / 60)})});
      }
      next.push({
        id: `visit-${v.visit_id}`, visitId: v.visit_id, group: v.technician_id, start: v.start, end: v.end,
        type: "range", content: `${esc(v.customer_name)} <small>#${v.ticket_id}</small>`,
        className: `visit st-${v.status}${v.promised ? " has-promise" : ""}${selected ? " picked" : ""}`,
        editable: v.movable ? {updateTime: true, updateGroup: true, remove: false} : false,
        title: `${esc(v.customer_name)} · ${esc(T.status[v.status] || v.status)} · ${clock(v.start)}–${clock(v.end)}`,
      });
    });
    const ids = new Set(next.map((i) => i.id));
    items.remove(items.getIds().filter((id) => !ids.has(id)));
    items.update(next);
    if (!state.fitted) {
      const range = dayWindow(data);
      timeline.setWindow(range.start, range.end, {animation: false});
    }
    if (state.selected && state.selected.kind === "visit") {
      timeline.setSelection([`visit-${state.selected.id}`]);
    }
  }

  async function moveVisit(item, callback) {
    state.dragging = false;
    if (!item.visitId) { callback(null); return; }
    const visit = state.data.visits.find((v) => v.visit_id === item.visitId);
    if (!visit || !visit.movable) { message("error", T.not_movable); callback(null); return; }
    await assign(item.visitId, item.group, item.start, callback);
  }

  async function addFromUnassigned(item, callback) {
    // Only a visit dragged from the unassigned list may be added; a double click on a row adds nothing.
    // The timeline keeps the dragged item's id ("drop-<visit>-<time>") but not its other fields.
    const dropped = /^drop-(\d+)-/.exec(String(item.id));
    const visitId = item.visitId || (dropped && parseInt(dropped[1], 10));
    if (!visitId) { callback(null); return; }
    await assign(visitId, item.group, item.start, callback);
  }

  async function assign(visitId, technicianId, start, callback) {
    const result = await api("POST", `/api/v1/visits/${visitId}/assignment`,
                             {technician_id: technicianId, start: localIso(new Date(start))});
    if (result.ok) {
      callback(null);  // the poll below draws the visit where the server put it
      const tech = state.data.technicians.find((t) => t.id === technicianId);
      message("ok", fill(T.moved_ok, {id: visitId, name: tech ? tech.name : technicianId,
                                      time: clock(result.data.planned_start)}));
      state.selected = {kind: "visit", id: visitId};
    } else {
      callback(null);
      message("error", fill(T.refused, {why: result.data.message || result.status}));
    }
    await load();
  }

  // --- the map ----------------------------------------------------------------------------------
  const map = L.map("map", {attributionControl: false, zoomSnap: 0.25, preferCanvas: false});
  const routeLayer = L.layerGroup().addTo(map);
  const markerLayer = L.layerGroup().addTo(map);
  const COLOURS = ["#0b62d6", "#c2410c", "#15803d", "#7c3aed", "#be185d", "#0e7490", "#a16207", "#4d7c0f",
                   "#b91c1c", "#1d4ed8", "#9333ea", "#047857"];

  function drawMap(data) {
    routeLayer.clearLayers();
    markerLayer.clearLayers();
    const bounds = [];
    const colour = {};
    data.technicians.forEach((t, n) => { colour[t.id] = COLOURS[n % COLOURS.length]; });
    const picked = state.selected;
    data.routes.forEach((r) => {
      if (r.points.length <= 2) return;
      const chosen = picked && picked.kind === "technician" && picked.id === r.technician_id;
      L.polyline(r.points, {color: colour[r.technician_id], weight: chosen ? 5 : 2.5, opacity: chosen ? 1 : 0.7})
        .on("click", () => select({kind: "technician", id: r.technician_id})).addTo(routeLayer);
      bounds.push(...r.points);
    });
    data.technicians.forEach((t) => {
      L.circleMarker([t.home.lat, t.home.lon], {radius: 4, color: colour[t.id], fillOpacity: 1})
        .bindTooltip(esc(t.name)).addTo(markerLayer);
    });
    const dot = (v, fill, chosen) => L.circleMarker([v.lat, v.lon], {
      radius: chosen ? 11 : 6, color: chosen ? "#111" : fill, weight: chosen ? 3 : 1, fillColor: fill,
      fillOpacity: 0.9, className: chosen ? "picked-marker" : ""});
    data.visits.filter((v) => v.lat != null).forEach((v) => {
      const chosen = picked && picked.kind === "visit" && picked.id === v.visit_id;
      dot(v, colour[v.technician_id], chosen).bindTooltip(`${esc(v.customer_name)} ${clock(v.start)}`)
        .on("click", () => select({kind: "visit", id: v.visit_id})).addTo(markerLayer);
      bounds.push([v.lat, v.lon]);
    });
    data.unassigned.filter((v) => v.lat != null).forEach((v) => {
      const chosen = picked && picked.kind === "unassigned" && picked.id === v.visit_id;
      dot(v, "#888", chosen).bindTooltip(esc(v.customer_name))
        .on("click", () => select({kind: "unassigned", id: v.visit_id})).addTo(markerLayer);
      bounds.push([v.lat, v.lon]);
    });
    if (!state.fitted) {
      if (bounds.length) map.fitBounds(bounds, {padding: [20, 20]});
      else map.setView([31.23, 121.47], 10);
    }
  }

  // --- unassigned list --------------------------------------------------------------------------
  function windowsText(v) {
    if (!v.windows.length) return T.any_time;
    return v.windows.map((w) => `${clock(w.start)}–${clock(w.end)}`).join(", ");
  }

  function drawUnassigned(data) {
    $("unassigned-count").textContent = data.unassigned.length;
    // Rebuilt only when it changed: a rebuilt item under the mouse would end a drag the dispatcher started.
    const drawn = JSON.stringify([data.unassigned, state.selected]);
    if (drawn === state.unassignedDrawn) return;
    state.unassignedDrawn = drawn;
    const list = $("unassigned");
    list.innerHTML = "";
    data.unassigned.forEach((v) => {
      const li = document.createElement("li");
      li.className = "unassigned-item" + (state.selected && state.selected.kind === "unassigned"
                                          && state.selected.id === v.visit_id ? " picked" : "");
      li.draggable = true;
      li.dataset.visitId = v.visit_id;
      li.innerHTML = `<strong>${esc(v.customer_name)}</strong> <span class="muted">#${v.ticket_id} · ` +
        `${fill(T.duration, {minutes: Math.round(v.duration_s / 60)})} · ${esc(windowsText(v))}</span>` +
        `<br><span class="reason">${esc(v.reason)}</span>`;
      li.addEventListener("click", () => select({kind: "unassigned", id: v.visit_id}));
      li.addEventListener("dragstart", (event) => {
        const item = {id: `drop-${v.visit_id}-${Date.now()}`, type: "range", visitId: v.visit_id,
                      content: esc(v.customer_name), duration: v.duration_s};
        state.dragging = true;
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text", JSON.stringify(item));
      });
      li.addEventListener("dragend", () => { state.dragging = false; });
      list.appendChild(li);
    });
  }

  // --- the selection panel and its actions ------------------------------------------------------
  function select(picked) {
    state.selected = picked;
    render();
  }

  function row(label, value) {
    return `<tr><th>${esc(label)}</th><td>${value}</td></tr>`;
  }

  function drawSelection(data) {
    const box = $("selection");
    const picked = state.selected;
    if (!picked) return;
    if (picked.kind === "technician") {
      const t = data.technicians.find((x) => x.id === picked.id);
      if (!t) { box.innerHTML = ""; return; }
      const at = data.now.slice(0, 10) === data.date ? clock(data.now) : clock(t.shift.start);
      box.innerHTML = `<h3>${esc(t.name)}</h3><table>` +
        row(T.shift, `${clock(t.shift.start)}–${clock(t.shift.end)}`) +
        row(T.lunch, t.breaks.map((b) => `${clock(b.start)}–${clock(b.end)}`).join(", ") || T.nothing) +
        row(T.skills, esc(t.skills.join(", "))) +
        row(T.districts, esc(t.service_districts.join(", ") || T.whole_region)) + `</table>` +
        `<label>${esc(T.out_from)} <input type="time" id="out-from" value="${at}"></label>` +
        `<button type="button" class="danger" id="out-button">${esc(T.preview)}</button>`;
      $("out-button").addEventListener("click", () => preview({kind: "technician_out", technician_id: t.id,
                                                                from: $("out-from").value}));
      return;
    }
    const list = picked.kind === "visit" ? data.visits : data.unassigned;
    const v = list.find((x) => x.visit_id === picked.id);
    if (!v) { box.innerHTML = ""; return; }
    let html = `<h3>${esc(v.customer_name)}</h3><table>` +
      row(T.ticket, `<a href="/tickets/${v.ticket_id}">#${v.ticket_id}</a>`) +
      row(T.visit, `#${v.visit_id}`) + row(T.status_word, esc(T.status[v.status] || v.status)) +
      row(T.address, esc(v.address)) +
      (v.start ? row(T.time, `${clock(v.start)}–${clock(v.end)}`) : "") +
      row(T.window, esc(windowsText(v)) + (v.promised ? " ★" : "")) +
      row(T.skills, esc(v.skills.join(", "))) + `</table>`;
    if (picked.kind === "unassigned") {
      html += `<p class="reason">${esc(v.reason)}</p>` +
        `<button type="button" class="primary" id="urgent-button">${esc(T.urgent)}</button>`;
    } else if (v.movable || v.status === "en_route" || v.status === "arrived") {
      html += `<label>${esc(T.overrun)} <input type="number" id="overrun-minutes" value="30" min="-240" max="480"> ${esc(T.minutes)}</label>` +
        `<button type="button" id="overrun-button">${esc(T.preview)}</button>`;
      if (v.movable) {
        html += ` <button type="button" class="danger" id="cancel-button">${esc(T.cancel_visit)}</button>`;
      }
    }
    box.innerHTML = html;
    const on = (id, fn) => { const el = $(id); if (el) el.addEventListener("click", fn); };
    on("urgent-button", () => preview({kind: "urgent", visit_id: v.visit_id}));
    on("overrun-button", () => preview({kind: "overrun", visit_id: v.visit_id,
                                       minutes: parseInt($("overrun-minutes").value, 10) || 0}));
    on("cancel-button", () => {
      const reason = window.prompt(T.cancel_reason, T.cancel_reason_default);
      if (reason) preview({kind: "cancel", visit_id: v.visit_id, reason});
    });
  }

  // --- rebalance: preview the change set, apply it only on confirmation -------------------------
  function placement(p) {
    return p ? `${esc(p.technician_name || "")} ${clock(p.start)}–${clock(p.end)}` : esc(T.not_on_a_route);
  }

  async function preview(event) {
    const result = await api("POST", "/api/v1/rebalance/preview",
                             {date: state.date, region: state.region, event});
    if (!result.ok) { message("error", result.data.message || T.reached); return; }
    const set = result.data;
    state.rebalanceId = set.id;
    const section = (title, rows) => `<h3>${esc(title)} (${rows.length})</h3>` +
      (rows.length ? `<ul class="changes">${rows.join("")}</ul>` : `<p class="muted">${esc(T.nothing)}</p>`);
    $("rebalance-body").innerHTML =
      section(T.rebalance_moved, set.moved.map((m) => `<li data-visit="${m.visit_id}">${esc(m.customer_name)} ` +
        `#${m.ticket_id}: ${placement(m.from)} → ${placement(m.to)}</li>`)) +
      section(T.rebalance_broken, set.broken_promises.map((b) => `<li>${esc(b.customer_name)} #${b.ticket_id}: ` +
        `${fill(T.promised_slot, {start: clock(b.slot_start), end: clock(b.slot_end)})}</li>`)) +
      section(T.rebalance_unassigned, set.unassigned.map((u) => `<li>#${u.ticket_id}: ${esc(u.reason)}</li>`)) +
      section(T.rebalance_calls, set.calls.map((c) => `<li>${esc(c.customer_name)} #${c.ticket_id}: ${esc(c.why)}</li>`));
    $("rebalance-panel").hidden = false;
    $("rebalance-panel").scrollIntoView({block: "nearest"});
  }

  $("rebalance-apply").addEventListener("click", async () => {
    if (!state.rebalanceId) return;
    const result = await api("POST", `/api/v1/rebalance/${state.rebalanceId}/apply`, {});
    if (result.ok) {
      message("ok", T.applied);
      $("rebalance-panel").hidden = true;
      state.rebalanceId = null;
    } else {
      message("error", result.data.message || T.reached);
    }
    await load();
  });
  $("rebalance-cancel").addEventListener("click", () => {
    $("rebalance-panel").hidden = true;
    state.rebalanceId = null;
  });

  // --- optimize: a solve job with a progress bar, then the changes, then publish ----------------
  $("optimize").addEventListener("click", async () => {
    const limit = parseInt($("time-limit").value, 10) || 10;
    $("solve-panel").hidden = false;
    $("plan-changes").hidden = true;
    $("solve-progress").value = 0;
    $("solve-status").textContent = T.queued;
    $("optimize").disabled = true;
    const started = await api("POST", "/api/v1/plans", {date: state.date, region: state.region,
                                                        time_limit_s: limit});
    if (!started.ok) {
      $("optimize").disabled = false;
      $("solve-panel").hidden = true;
      message("error", started.data.message || T.reached);
      return;
    }
    state.planId = started.data.id;
    follow(started.data);
  });

  async function follow(plan) {
    const job = plan.job || {state: "queued", progress: {}};
    const progress = job.progress || {};
    const elapsed = progress.elapsed_s || 0;
    if (job.state === "queued" || job.state === "running") {
      $("solve-progress").value = Math.min(99, Math.round(100 * elapsed / plan.time_limit_s));
      $("solve-status").textContent = job.state === "queued" ? T.queued : fill(T.running, {
        elapsed: elapsed.toFixed(1), limit: plan.time_limit_s,
        cost: progress.best_cost == null ? "–" : progress.best_cost.toLocaleString()});
      setTimeout(async () => {
        const next = await api("GET", `/api/v1/plans/${plan.id}`);
        if (next.ok) follow(next.data); else { message("error", next.data.message); $("optimize").disabled = false; }
      }, 500);
      return;
    }
    $("optimize").disabled = false;
    $("solve-progress").value = 100;
    if (job.state === "failed") {
      $("solve-status").textContent = fill(T.failed, {error: job.error || ""});
      return;
    }
    const kpis = plan.kpis || {};
    $("solve-status").textContent = fill(T.solved, {elapsed: elapsed.toFixed(1), served: kpis.served || 0,
                                                    unassigned: kpis.unassigned || 0});
    if (plan.violations && plan.violations.length) {
      message("error", fill(T.violations, {list: plan.violations.slice(0, 3).join("; ")}));
      return;
    }
    const changes = await api("GET", `/api/v1/board/plans/${plan.id}/changes`);
    if (!changes.ok) { message("error", changes.data.message); return; }
    const c = changes.data;
    $("changes-summary").textContent = fill(T.summary, {added: c.added.length, moved: c.moved.length,
                                                        dropped: c.dropped.length, unchanged: c.unchanged});
    $("changes-list").innerHTML =
      c.added.map((a) => `<li class="added">${esc(T.added)}: ${esc(a.customer_name)} #${a.ticket_id} → ${placement(a.to)}</li>`).join("") +
      c.moved.map((m) => `<li class="moved">${esc(T.moved)}: ${esc(m.customer_name)} #${m.ticket_id}: ${placement(m.from)} → ${placement(m.to)}</li>`).join("") +
      c.dropped.map((d) => `<li class="dropped">${esc(T.dropped)}: ${esc(d.customer_name)} #${d.ticket_id} (${placement(d.from)})</li>`).join("");
    $("plan-changes").hidden = false;
  }

  $("publish").addEventListener("click", async () => {
    if (!state.planId) return;
    const result = await api("POST", `/api/v1/plans/${state.planId}/publish`, {});
    if (result.ok) {
      message("ok", fill(T.published, {id: state.planId}));
      $("solve-panel").hidden = true;
      state.planId = null;
    } else {
      message("error", result.data.message || T.reached);
    }
    await load();
  });
  $("discard-plan").addEventListener("click", () => { $("solve-panel").hidden = true; state.planId = null; });

  // --- following the day ------------------------------------------------------------------------
  // --- a spare shift: a technician off today comes in; the change set first, as for "out from" ----
  function drawSpare(data) {
    const select = $("spare-technician");
    const off = data.off_today || [];
    const drawn = JSON.stringify(off);
    if (select.dataset.drawn === drawn) return;
    const kept = select.value;
    select.innerHTML = off.map((t) => `<option value="${t.id}">${esc(t.name)} (${esc(t.skills.join(", "))})</option>`).join("");
    if (off.some((t) => String(t.id) === kept)) select.value = kept;
    select.dataset.drawn = drawn;
    select.disabled = $("spare-button").disabled = off.length === 0;
    $("spare-none").hidden = off.length > 0;
  }

  $("spare-button").addEventListener("click", () => {
    const id = parseInt($("spare-technician").value, 10);
    if (!id) return;
    preview({kind: "technician_added", technician_id: id, shift: [$("spare-from").value, $("spare-to").value]});
  });

  function render() {
    const data = state.data;
    if (!data) return;
    drawSpare(data);
    drawTimeline(data);
    drawMap(data);
    drawUnassigned(data);
    drawSelection(data);
    state.fitted = true;
  }

  async function load() {
    // A load asked for while one is under way runs after it: that one may predate the change just made.
    if (state.busy) { state.again = true; return; }
    state.busy = true;
    const result = await api("GET", `/api/v1/board?date=${encodeURIComponent(state.date)}&region=${encodeURIComponent(state.region)}`);
    state.busy = false;
    if (state.again) { state.again = false; load(); return; }
    const stamp = new Date().toTimeString().slice(0, 8);
    if (!result.ok) {
      $("last-update").textContent = fill(T.offline, {time: state.lastUpdate || "–"});
      if (result.status) message("error", result.data.message || T.reached);
      return;
    }
    state.lastUpdate = stamp;
    $("last-update").textContent = fill(T.updated, {time: stamp});
    if (!state.data) {
      const offset = offsetOf(result.data.now);
      // The axis and the "now" line in the business's time zone, whatever the browser's is.
      timeline.setOptions({moment: (date) => vis.moment(date).utcOffset(offset)});
    }
    state.data = result.data;
    if (!result.data.technicians.length) message("error", T.no_technicians);
    render();
  }

  load();
  setInterval(() => { if (!state.dragging && !document.hidden) load(); }, parseInt(root.dataset.pollMs, 10) || 5000);
})();
