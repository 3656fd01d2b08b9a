// bloop dashboard: a little vanilla JS on top of server-rendered pages. Loaded as an external
// file (the CSP forbids inline script). Text from the server is only ever set via textContent.
"use strict";

const b64u = {
  enc(buf) {
    const bytes = new Uint8Array(buf);
    let s = "";
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  },
  dec(str) {
    const s = str.replace(/-/g, "+").replace(/_/g, "/");
    const pad = s.length % 4 ? "=".repeat(4 - (s.length % 4)) : "";
    const bin = atob(s + pad);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out.buffer;
  },
};

async function api(method, url, body) {
  const init = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const resp = await fetch(url, init);
  const text = await resp.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (_) { data = null; }
  if (!resp.ok) {
    const msg = data && data.error ? data.error + (data.field ? " (" + data.field + ")" : "") : "HTTP " + resp.status;
    throw new Error(msg);
  }
  return data;
}

function showError(scope, err) {
  const el = (scope && scope.querySelector(".form-error")) || document.getElementById("page-error");
  if (el) {
    el.textContent = err.message || String(err);
    el.hidden = false;
  }
}

// --- WebAuthn ---------------------------------------------------------------------------------

function creationOptions(opts) {
  const pk = opts.publicKey;
  pk.challenge = b64u.dec(pk.challenge);
  pk.user.id = b64u.dec(pk.user.id);
  (pk.excludeCredentials || []).forEach((c) => { c.id = b64u.dec(c.id); });
  return { publicKey: pk };
}

function requestOptions(opts) {
  const pk = opts.publicKey;
  pk.challenge = b64u.dec(pk.challenge);
  (pk.allowCredentials || []).forEach((c) => { c.id = b64u.dec(c.id); });
  return { publicKey: pk };
}

function registrationJSON(cred) {
  return {
    id: cred.id,
    rawId: b64u.enc(cred.rawId),
    type: cred.type,
    response: {
      attestationObject: b64u.enc(cred.response.attestationObject),
      clientDataJSON: b64u.enc(cred.response.clientDataJSON),
    },
    extensions: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
  };
}

function assertionJSON(cred) {
  const r = cred.response;
  return {
    id: cred.id,
    rawId: b64u.enc(cred.rawId),
    type: cred.type,
    response: {
      authenticatorData: b64u.enc(r.authenticatorData),
      clientDataJSON: b64u.enc(r.clientDataJSON),
      signature: b64u.enc(r.signature),
      userHandle: r.userHandle ? b64u.enc(r.userHandle) : null,
    },
    extensions: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
  };
}

function passkeyLabel() {
  const ua = navigator.userAgent;
  if (/iPhone|Android/.test(ua)) return "phone";
  if (/Mac/.test(ua)) return "Mac";
  if (/Windows/.test(ua)) return "Windows PC";
  return "this device";
}

function nextUrl() {
  // Only ever a path on this origin (no open redirect via //host or /\\host).
  const n = new URLSearchParams(location.search).get("next") || "/";
  try {
    const u = new URL(n, location.origin);
    if (u.origin === location.origin && n.startsWith("/")) return u.pathname + u.search;
  } catch (_) { /* fall through */ }
  return "/";
}

// Passkeys are bound to auth.rp_origin: warn when the page is opened under another address.
function checkOrigin() {
  const el = document.querySelector("[data-rp-origin]");
  if (!el) return;
  const want = el.dataset.rpOrigin.replace(/\/$/, "");
  if (want !== location.origin) {
    el.querySelector("[data-field=origin]").textContent = want;
    el.hidden = false;
  }
  if (!window.PublicKeyCredential) {
    const n = document.getElementById("no-webauthn");
    if (n) n.hidden = false;
  }
}

async function register(form) {
  const name = form.elements.name.value;
  const invite = form.elements.invite.value;
  const start = await api("POST", "/auth/register/start", { invite, name });
  const cred = await navigator.credentials.create(creationOptions(start.options));
  await api("POST", "/auth/register/finish", {
    ceremony: start.ceremony, credential: registrationJSON(cred), passkey_name: passkeyLabel(),
  });
  location.assign("/");
}

async function signIn() {
  const start = await api("POST", "/auth/login/start");
  const cred = await navigator.credentials.get(requestOptions(start.options));
  await api("POST", "/auth/login/finish", { ceremony: start.ceremony, credential: assertionJSON(cred) });
  location.assign(nextUrl());
}

async function addPasskey(form) {
  const name = form.elements.name.value || passkeyLabel();
  const start = await api("POST", "/auth/passkeys/start", { name });
  const cred = await navigator.credentials.create(creationOptions(start.options));
  await api("POST", "/auth/passkeys/finish", {
    ceremony: start.ceremony, credential: registrationJSON(cred), passkey_name: name,
  });
  location.reload();
}

// --- The alert form: only the fields of the chosen rule type ---------------------------------

function showRuleFields(select) {
  const form = select.form;
  for (const el of form.querySelectorAll("[data-for]")) {
    const on = el.dataset.for.split(" ").includes(select.value);
    el.hidden = !on;
    // Hidden fields are not sent (formBody skips disabled elements).
    for (const input of el.querySelectorAll("input, select")) input.disabled = !on;
  }
}

// The channel picker: the target field shows (labelled for the kind, and required) only for a
// channel of the rule's own; "server defaults" and "keep its channels" need none.
function showChannelTarget(select) {
  const form = select.form;
  const field = form.querySelector("#rule-target-field");
  if (!field) return;
  const option = select.selectedOptions[0];
  const label = option && option.dataset.targetLabel;
  const input = form.elements.channel_target;
  field.hidden = !label;
  input.required = !!label;
  if (label) {
    form.querySelector("#rule-target-label").textContent = label;
    input.type = option.dataset.targetType || "text";
  }
}

for (const select of document.querySelectorAll("select[data-rule-type]")) showRuleFields(select);
document.addEventListener("change", (ev) => {
  if (ev.target.matches("select[data-rule-type]")) showRuleFields(ev.target);
  if (ev.target.matches("select[data-channel-kind]")) showChannelTarget(ev.target);
});

// --- Generic API forms and buttons -----------------------------------------------------------

function formBody(form) {
  const body = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled || el.dataset.skip !== undefined) continue;
    if (el.type === "radio") {
      if (el.checked) body[el.name] = el.value;
      continue;
    }
    if (el.type === "checkbox") {
      if (el.name.endsWith("[]")) {
        const k = el.name.slice(0, -2);
        body[k] = body[k] || [];
        if (el.checked) body[k].push(el.value);
      } else {
        body[el.name] = el.checked;
      }
      continue;
    }
    const v = el.value.trim();
    if (v === "") {
      if (el.dataset.null !== undefined) body[el.name] = null;
      continue;
    }
    body[el.name] = el.dataset.type === "number" ? Number(v) : v;
  }
  if (form.dataset.channels !== undefined) {
    // The alert forms: the server's defaults (no channels), one channel from a kind and a
    // target, or (editing) the rule's channels as they are ("keep": not sent). A kind without a
    // target is sent as it is, for the server to refuse with the reason.
    const kind = form.elements.channel_type.value;
    const target = form.elements.channel_target.value.trim();
    if (kind === "") body.channels = [];
    else if (kind === "slack") body.channels = [{ type: "slack", webhook_url: target }];
    else if (kind === "webhook") body.channels = [{ type: "webhook", url: target }];
    else if (kind === "email") body.channels = [{ type: "email", to: target.split(",").map((s) => s.trim()).filter(Boolean) }];
  }
  if (form.dataset.wrap) {
    // `data-wrap="config:type,count"`: move those fields into a nested object.
    const [key, fields] = form.dataset.wrap.split(":");
    const inner = {};
    for (const f of fields.split(",")) if (f in body) { inner[f] = body[f]; delete body[f]; }
    body[key] = inner;
  }
  return body;
}

function showResult(form, data) {
  const target = document.getElementById(form.dataset.show);
  if (!target) return false;
  for (const el of target.querySelectorAll("[data-field]")) {
    const v = data ? data[el.dataset.field] : undefined;
    el.textContent = v === undefined || v === null ? "" : typeof v === "string" ? v : JSON.stringify(v);
  }
  target.hidden = false;
  form.reset();
  return true;
}

document.addEventListener("submit", async (ev) => {
  const form = ev.target;
  if (form.id === "register-form") { ev.preventDefault(); try { await register(form); } catch (e) { showError(form, e); } return; }
  if (form.id === "add-passkey-form") { ev.preventDefault(); try { await addPasskey(form); } catch (e) { showError(form, e); } return; }
  if (!form.dataset.api) return;
  ev.preventDefault();
  if (form.dataset.confirm && !confirm(form.dataset.confirm)) return;
  const btn = form.querySelector("button[type=submit], button:not([type])");
  if (btn) btn.disabled = true;
  try {
    const data = await api(form.dataset.method || "POST", form.dataset.api, formBody(form));
    if (form.dataset.redirect) location.assign(form.dataset.redirect);
    else if (!showResult(form, data)) location.reload();
  } catch (e) {
    showError(form, e);
  } finally {
    if (btn) btn.disabled = false;
  }
});

// A masked project key, fetched in full when asked for (shown unless `quiet`).
async function revealKey(code, quiet) {
  if (code.dataset.revealed) return code.textContent;
  const keys = await api("GET", "/v1/projects/" + encodeURIComponent(code.dataset.project) + "/keys?reveal=true");
  const k = (keys || []).find((x) => String(x.id) === code.dataset.keyId);
  if (!k) throw new Error("this key is gone; reload the page");
  if (!quiet) {
    code.dataset.masked = code.textContent;
    code.textContent = k.key;
    code.dataset.revealed = "1";
  }
  return k.key;
}

document.addEventListener("click", async (ev) => {
  const el = ev.target.closest("button");
  if (!el) return;
  if (el.id === "login-button") {
    try { await signIn(); } catch (e) { showError(el.closest("section"), e); }
    return;
  }
  if (el.id === "logout-button") {
    try { await api("POST", "/auth/logout"); } catch (_) { /* signed out anyway */ }
    location.assign("/login");
    return;
  }
  if (el.dataset.reveal) {
    const code = document.getElementById(el.dataset.reveal);
    if (!code) return;
    try {
      if (code.dataset.revealed) {
        code.textContent = code.dataset.masked;
        delete code.dataset.revealed;
        el.textContent = "Reveal";
      } else {
        await revealKey(code);
        el.textContent = "Hide";
      }
    } catch (e) { showError(el.closest("section"), e); }
    return;
  }
  if (el.dataset.copy !== undefined) {
    const src = el.dataset.copy ? document.getElementById(el.dataset.copy) : null;
    let text = src ? (src.value !== undefined ? src.value : src.textContent) : "";
    if (src && src.dataset.keyId) {
      try { text = await revealKey(src, true); } catch (e) { showError(el.closest("section"), e); return; }
    }
    if (!el.dataset.label) el.dataset.label = el.textContent;
    try { await navigator.clipboard.writeText(text); el.textContent = "Copied"; } catch (_) { el.textContent = "Select and copy"; }
    setTimeout(() => { el.textContent = el.dataset.label; }, 1500);
    return;
  }
  if (el.dataset.api && !el.form) {
    if (el.dataset.confirm && !confirm(el.dataset.confirm)) return;
    el.disabled = true;
    try {
      const body = el.dataset.body ? JSON.parse(el.dataset.body) : undefined;
      await api(el.dataset.method || "POST", el.dataset.api, body);
      if (el.dataset.redirect) location.assign(el.dataset.redirect); else location.reload();
    } catch (e) {
      showError(el.closest("section"), e);
      el.disabled = false;
    }
  }
});

// Jump to an issue when a row (not a link or control inside it) is clicked.
document.addEventListener("click", (ev) => {
  const row = ev.target.closest("tr[data-href]");
  if (!row || ev.target.closest("a, button, input, select, label, td.sel")) return;
  if (window.getSelection && String(window.getSelection())) return;
  location.assign(row.dataset.href);
});

// --- Live updates ------------------------------------------------------------------------------

function autoRefresh() {
  const target = document.querySelector("[data-refresh]");
  if (!target) return;
  const every = Number(target.dataset.refresh) || 15000;
  setInterval(async () => {
    if (document.hidden) return;
    if (window.getSelection && String(window.getSelection())) return; // keep the user's selection
    if (document.activeElement && target.contains(document.activeElement)) return;
    if (listBusy()) return; // a selection or a bulk action on the issue list
    try {
      const url = new URL(location.href);
      url.searchParams.set("partial", "rows");
      const resp = await fetch(url, { credentials: "same-origin" });
      if (!resp.ok) return;
      const html = await resp.text();
      // The partial is rendered by the same escaping templates as the page.
      const tpl = document.createElement("template");
      tpl.innerHTML = html;
      target.replaceChildren(tpl.content);
      rowsReplaced(resp);
    } catch (_) { /* offline for a moment: try again next tick */ }
  }, every);
}

function waitForFirstEvent() {
  const el = document.querySelector("[data-wait-first-event]");
  if (!el) return;
  const url = el.dataset.waitFirstEvent;
  const tick = async () => {
    try {
      const resp = await fetch(url, { credentials: "same-origin" });
      if (resp.ok) {
        const rows = await resp.json();
        if (Array.isArray(rows) && rows.length > 0) {
          const note = document.getElementById("first-event-arrived");
          if (note) note.hidden = false;
          setTimeout(() => location.reload(), 800);
          return;
        }
      }
    } catch (_) { /* keep waiting */ }
    setTimeout(tick, 2000);
  };
  setTimeout(tick, 2000);
}

// --- Issue list: selection, bulk actions with undo, keyboard shortcuts, filters ---------------

const list = {
  table: document.getElementById("issues"),
  bulk: document.getElementById("bulk"),
  result: document.getElementById("bulk-result"),
  cursor: null, // the cursor row's project and fingerprint
  cursorIndex: -1,
  undo: null, // each issue of the last bulk action with its previous status
  busy: false,
};

function listRows() {
  return list.table && list.table.tBodies[0] ? [...list.table.tBodies[0].rows] : [];
}
function rowKey(tr) { return tr.dataset.project + "\u0000" + tr.dataset.fingerprint; }
function isSelected(tr) { const box = tr.querySelector("input.row-select"); return !!(box && box.checked); }
function selectedRows() { return listRows().filter(isSelected); }
// Called by autoRefresh: the rows stay while the user has picked some or an action runs.
function listBusy() { return list.busy || selectedRows().length > 0; }

function cursorRow() { return listRows().find((tr) => tr.classList.contains("cursor")) || null; }
function setCursor(tr, scroll) {
  for (const r of listRows()) { r.classList.remove("cursor"); r.removeAttribute("aria-current"); }
  if (!tr) { list.cursor = null; list.cursorIndex = -1; return; }
  tr.classList.add("cursor");
  tr.setAttribute("aria-current", "true");
  list.cursor = rowKey(tr);
  list.cursorIndex = listRows().indexOf(tr);
  if (scroll) tr.scrollIntoView({ block: "nearest" });
}
function moveCursor(step) {
  const rows = listRows();
  if (!rows.length) return;
  const i = rows.indexOf(cursorRow());
  const next = i < 0 ? (step > 0 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, i + step));
  setCursor(rows[next], true);
}

function updateBulk() {
  const rows = listRows();
  const n = rows.filter(isSelected).length;
  for (const tr of rows) tr.classList.toggle("selected", isSelected(tr));
  const all = document.getElementById("select-all");
  if (all) { all.checked = n > 0 && n === rows.length; all.indeterminate = n > 0 && n < rows.length; }
  if (!list.bulk) return;
  document.getElementById("bulk-count").textContent = n ? `${n} selected` : "Select issues (x) to act on several";
  for (const b of list.bulk.querySelectorAll("button[data-bulk]")) b.disabled = n === 0;
}

// After the rows were replaced (a refresh): the total, the cursor (on its issue, or where it
// was when the issue left the list) and the bulk bar follow.
function rowsReplaced(resp) {
  const total = resp.headers.get("x-total-count");
  const el = document.getElementById("issue-total");
  if (el && total !== null) el.textContent = `${total} matching`;
  const rows = listRows();
  if (list.cursor !== null && rows.length) {
    const again = rows.find((tr) => rowKey(tr) === list.cursor);
    setCursor(again || rows[Math.min(list.cursorIndex, rows.length - 1)], false);
  }
  updateBulk();
}

async function refreshIssueRows() {
  const tbody = list.table && list.table.tBodies[0];
  if (!tbody) { location.reload(); return; }
  const url = new URL(location.href);
  url.searchParams.set("partial", "rows");
  const resp = await fetch(url, { credentials: "same-origin" });
  if (!resp.ok) return;
  // The partial is rendered by the same escaping templates as the page.
  const tpl = document.createElement("template");
  tpl.innerHTML = await resp.text();
  tbody.replaceChildren(tpl.content);
  rowsReplaced(resp);
}

// The change is made: a failed refresh only leaves the rows as they were until the next one.
async function refreshQuietly() {
  try { await refreshIssueRows(); } catch (_) { /* autoRefresh tries again */ }
}

const BULK_DONE = { resolved: "resolved", ignored: "ignored", muted: "muted", unresolved: "reopened" };
function issuesText(n) { return `${n} ${n === 1 ? "issue" : "issues"}`; }

function showBulkResult(text, canUndo) {
  if (!list.result) return;
  list.result.querySelector("[data-field=text]").textContent = text;
  document.getElementById("bulk-undo").hidden = !canUndo;
  list.result.hidden = false;
}

async function bulkChange(body) {
  const err = list.bulk.querySelector(".form-error");
  err.hidden = true;
  return api("PATCH", "/v1/errors", body);
}

// One action on several issues (one request, all or none); the answer's previous statuses
// make the undo.
async function bulkAction(status, rows) {
  if (!list.bulk || !rows.length || list.busy) return;
  list.busy = true;
  try {
    const data = await bulkChange({
      status,
      issues: rows.map((tr) => ({ project: tr.dataset.project, fingerprint: tr.dataset.fingerprint })),
    });
    list.undo = data.issues.map((c) => ({
      project: c.issue.project_id, fingerprint: c.issue.fingerprint,
      status: c.previous_status, release: c.previous_release,
    }));
    for (const box of list.table.querySelectorAll("input.row-select:checked")) box.checked = false;
    await refreshQuietly();
    showBulkResult(`${issuesText(data.issues.length)} ${BULK_DONE[status]}`, true);
  } catch (e) {
    showError(list.bulk, e);
  } finally {
    list.busy = false;
    updateBulk();
  }
}

async function undoBulk() {
  if (!list.undo || list.busy) return;
  list.busy = true;
  try {
    const data = await bulkChange({ issues: list.undo });
    list.undo = null;
    await refreshQuietly();
    showBulkResult(`Undone: ${issuesText(data.issues.length)} back as they were`, false);
  } catch (e) {
    showError(list.bulk, e);
  } finally {
    list.busy = false;
    updateBulk();
  }
}

function openShortcuts(open) {
  const box = document.getElementById("shortcuts");
  if (!box) return;
  box.hidden = !open;
  if (open) {
    list.returnFocus = document.activeElement;
    box.querySelector("button").focus();
  } else if (list.returnFocus && list.returnFocus.focus) {
    list.returnFocus.focus();
  }
}

// Whether a key press is text being typed (shortcuts then stay out of the way).
function typing(el) {
  if (!el || !el.tagName) return false;
  if (el.isContentEditable || el.tagName === "TEXTAREA" || el.tagName === "SELECT") return true;
  return el.tagName === "INPUT" && !["checkbox", "radio", "button", "submit", "reset"].includes(el.type);
}

// Closes what is open, innermost first; true when something was.
function closeOpen() {
  const box = document.getElementById("shortcuts");
  if (box && !box.hidden) { openShortcuts(false); return true; }
  for (const d of document.querySelectorAll("details.search-help[open], details.menu[open]")) {
    d.open = false;
    d.querySelector("summary").focus();
    return true;
  }
  return false;
}

document.addEventListener("keydown", (ev) => {
  if (ev.key === "Escape") { if (closeOpen()) ev.preventDefault(); return; }
  if (!document.getElementById("filters")) return; // the issue list only
  if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(ev.target)) return;
  const box = document.getElementById("shortcuts");
  if (box && !box.hidden && ev.key !== "?") return;
  const act = (status) => {
    const chosen = selectedRows();
    const rows = chosen.length ? chosen : [cursorRow()].filter(Boolean);
    bulkAction(status, rows);
  };
  switch (ev.key) {
    case "/": {
      const search = document.getElementById("search");
      if (search) { ev.preventDefault(); search.focus(); search.select(); }
      return;
    }
    case "j": moveCursor(1); return;
    case "k": moveCursor(-1); return;
    case "o":
    case "Enter": {
      // Enter on a link or a button is theirs.
      if (ev.key === "Enter" && ev.target.closest && ev.target.closest("a, button, summary")) return;
      const row = cursorRow();
      if (row) { ev.preventDefault(); location.assign(row.dataset.href); }
      return;
    }
    case "x": {
      const row = cursorRow();
      const pick = row && row.querySelector("input.row-select");
      if (pick) { pick.checked = !pick.checked; updateBulk(); }
      return;
    }
    case "r": act("resolved"); return;
    case "i": act("ignored"); return;
    case "?": ev.preventDefault(); openShortcuts(!box || box.hidden); return;
    default:
  }
});

document.addEventListener("change", (ev) => {
  const t = ev.target;
  if (t.id === "select-all") {
    for (const box of list.table.querySelectorAll("input.row-select")) box.checked = t.checked;
    updateBulk();
  } else if (t.matches("input.row-select")) {
    setCursor(t.closest("tr"), false);
    updateBulk();
  } else if (t.form && t.form.id === "filters" && t.tagName === "SELECT") {
    // Filters apply as they change; the search applies on Enter.
    t.form.requestSubmit();
  }
});

document.addEventListener("click", (ev) => {
  const t = ev.target;
  const bulkButton = t.closest("button[data-bulk]");
  if (bulkButton) { bulkAction(bulkButton.dataset.bulk, selectedRows()); return; }
  if (t.closest("#bulk-undo")) { undoBulk(); return; }
  if (t.closest("#shortcuts-open")) { openShortcuts(true); return; }
  if (t.closest("[data-close=shortcuts]") || t.id === "shortcuts") { openShortcuts(false); return; }
  // An example in the search help goes into the search box.
  const example = t.closest(".search-help table.syntax code");
  const search = document.getElementById("search");
  if (example && search) {
    search.value = (search.value.trim() + " " + example.textContent).trim();
    t.closest("details").open = false;
    search.focus();
    return;
  }
  // A click elsewhere closes the open menu or help.
  for (const d of document.querySelectorAll("details.search-help[open], details.menu[open]")) {
    if (!d.contains(t)) d.open = false;
  }
});

if (list.bulk) list.bulk.hidden = false;
for (const el of document.querySelectorAll("#shortcuts-open")) el.hidden = false;
updateBulk();

autoRefresh();
waitForFirstEvent();
checkOrigin();
