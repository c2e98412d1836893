// The groundwork every page of a co-op service shares (Andel SDK): talking to the JSON
// API (problem details, the CSRF token), the session (sign in, restore after a reload,
// sign out), errors and announcements, and the small helpers the pages use.
// Vanilla JavaScript (ES2020), no build step, nothing from another origin.
//
// A page loads it before its own script, both deferred:
//   <script src="/me/common.js" defer></script>
//   <script src="/app.js" defer></script>
// Its own script then adds to `state`, defines `route()` (called on every hash change,
// after sign-in and when a session ends), and calls `startPage()` once its listeners are
// in place. The page's markup holds #app, #error, #status and a `tpl-signin` template
// with #signin-member and #signin-password.
'use strict';

/* ---------- State and small helpers ---------- */

/** What every page knows; a page adds its own fields. */
const state = {
  session: null,    // {member, standing, csrf, expires_at} while signed in
  me: null,         // {member, name, status, standing}
  routeToken: 0,    // bumps on every route, so that stale loads are dropped
};

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];
const byId = (id) => document.getElementById(id);
const app = () => byId('app');

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Escape any value for HTML text or a quoted attribute. Every server string goes through it. */
const esc = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);

const announce = (message) => { byId('status').textContent = message; };
const focusHeading = () => { const h = $('#app h1'); if (h) h.focus(); };

/** Go to a hash route; routes again if it is the current one. */
function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash; // the hashchange listener routes
}

/* ---------- Talking to the server ---------- */

class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `The request failed (${status}).`);
    this.status = status;
  }
}
const isUnauthorized = (err) => err instanceof ApiError && err.status === 401;

/**
 * One JSON request. A change (anything but GET) carries the session's CSRF token and a
 * JSON body, `{}` when none is given. Throws ApiError carrying the problem's detail;
 * clears #error on success.
 */
async function api(method, path, body) {
  const headers = { Accept: 'application/json, application/problem+json' };
  const init = { method, headers, credentials: 'same-origin' };
  if (method !== 'GET') {
    if (state.session && state.session.csrf) headers['X-CSRF-Token'] = state.session.csrf;
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body === undefined ? {} : body);
  }
  const response = await fetch(path, init).catch(() => {
    throw new ApiError(0, { title: 'The server could not be reached. Check your connection and try again.' });
  });
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = response.ok ? text : { title: text.slice(0, 200) }; }
  if (!response.ok) throw new ApiError(response.status, data);
  clearError();
  return data;
}

const showError = (message) => { byId('error').textContent = message; };
const clearError = () => { byId('error').textContent = ''; };

/** Show an error; a 401 while signed in means the session has ended. */
function handleError(err) {
  if (isUnauthorized(err) && state.session) {
    [state.session, state.me] = [null, null];
    route();
    showError('Your session has ended. Please sign in again.');
    return;
  }
  console.error(err);
  showError(err.message || String(err));
}

/** Run an async handler at most once at a time per element, showing any error. */
async function withBusy(el, fn) {
  if (el.dataset.busy) return;
  el.dataset.busy = '1';
  el.setAttribute('aria-busy', 'true');
  try { await fn(); } catch (err) { handleError(err); } finally {
    delete el.dataset.busy;
    el.removeAttribute('aria-busy');
  }
}

/** Replace a container's HTML, keeping focus and typed text (matched by element id). */
function renderInto(container, html) {
  const active = document.activeElement;
  const focusId = active && container.contains(active) ? active.id : '';
  const typed = $$('input[id], textarea[id]', container)
    .filter((el) => !['checkbox', 'radio', 'file'].includes(el.type))
    .map((el) => [el.id, el.value]);
  container.innerHTML = html;
  container.removeAttribute('aria-busy');
  for (const [id, value] of typed) if (byId(id) && container.contains(byId(id))) byId(id).value = value;
  if (focusId && byId(focusId)) byId(focusId).focus({ preventScroll: true });
}

/* ---------- The session ---------- */

/** Who is signed in, for the header; without it the header shows just the member number. */
async function loadMe() {
  state.me = await api('GET', '/api/me').catch((err) => { if (isUnauthorized(err)) throw err; return null; });
}

/** The sign-in form's submit. */
async function signIn() {
  const member = Number(byId('signin-member').value);
  const password = byId('signin-password').value;
  state.session = await api('POST', '/api/session', { member, password });
  await loadMe();
  route();
}

/** The sign-out button. */
async function signOut() {
  await api('DELETE', '/api/session').catch((err) => { if (!isUnauthorized(err)) throw err; });
  [state.session, state.me] = [null, null];
  navigate('#/');
  announce('You are signed out.');
}

/** Route on every hash change, restore a session after a reload, and show the page. */
async function startPage() {
  window.addEventListener('hashchange', () => route());
  try {
    state.session = await api('GET', '/api/session');
    await loadMe();
  } catch (err) {
    state.session = null;
    if (!isUnauthorized(err)) handleError(err);
  }
  route();
}
