// The member's own pages, for every co-op service built on the Andel SDK: their data,
// consents, report, statement and archive, the co-op's proposals, and delegations.
// Vanilla JavaScript (ES2020), no build step, no framework, nothing from another origin.
// Hash routes: #/ my data, #/proposals, #/proposals/{id}, #/delegations. The static
// markup lives in the <template>s of me.html; this file fills in what the server sends,
// on common.js (the session, the API, errors), which me.html loads first.
'use strict';

/* ---------- State and small helpers ---------- */

Object.assign(state, {
  proposalId: null, // the proposal shown (from the route)
  proposal: null,   // its view, as last read
});

const isFormer = () => [state.session, state.me].some((x) => x && x.standing === 'former');
const setTitle = (what) => { document.title = `${what} · My membership`; };
const firstArray = (...xs) => xs.find(Array.isArray) || null;
const arr = (x) => (Array.isArray(x) ? x : []);
/** An object without some keys; and the rest of an object's entries as HTML, for keys this page does not know. */
const omit = (o, keys) => Object.fromEntries(Object.entries(o || {}).filter(([k]) => !keys.includes(k)));
const restHtml = (o, keys) => { const x = omit(o, keys); return Object.keys(x).length ? val(x) : ''; };
/** Put a view's <template> into #app, name the tab and move focus to its heading. */
function enter(template, title) {
  app().replaceChildren(byId(template).content.cloneNode(true));
  setTitle(title);
  focusHeading();
}

/** The purposes a member may give or withdraw consent for, in the co-op's order. */
const PURPOSES = {
  'service-provision': 'Running the services you use',
  'security': 'Keeping the services and members safe',
  'legal-obligation': 'What a law requires (bookkeeping, a court order)',
  'member-communication': 'Telling you about the co-op: meetings, votes, changes',
  'aggregate-statistics': 'Counts and sums over many members, never about one',
  'research': 'Research, for the co-op or with others',
  'advertising': 'Showing advertisements',
  'profiling-for-advertising': 'Building a profile of you to target advertising',
  'sale-to-third-parties': 'Selling or renting data to third parties',
};
const FORBIDDEN = new Set(['advertising', 'profiling-for-advertising', 'sale-to-third-parties']);

/* ---------- Showing values generically ---------- */

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const humanize = (key) => { const s = String(key).replace(/[_-]+/g, ' ').trim(); return s.charAt(0).toUpperCase() + s.slice(1); };

function fmtTime(value) {
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? String(value) : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
const timeHtml = (value) => `<time datetime="${esc(value)}">${esc(fmtTime(value))}</time>`;

/** "in 3 days", "2 hours ago". */
function relative(value) {
  const ms = new Date(value).getTime() - Date.now();
  const [unit, size] = [['day', 864e5], ['hour', 36e5], ['minute', 6e4]].find(([, s]) => Math.abs(ms) >= s) || ['minute', 6e4];
  return Number.isNaN(ms) ? '' : new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }).format(Math.round(ms / size), unit);
}

function scalarHtml(v) {
  if (v === null || v === undefined || v === '') return '<span class="muted">—</span>';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string' && ISO_TIME.test(v)) return timeHtml(v);
  return esc(v);
}

/** One line of text for any value: `member 1 (roles: treasurer)`, `people: 2; weight: 2`. */
function short(v) {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (Array.isArray(v)) return v.length ? v.map(short).join(', ') : '—';
  if (typeof v === 'object') {
    const name = v.id ?? v.name;
    const head = v.type !== undefined && name !== undefined ? `${v.type} ${short(name)}` : '';
    const rest = Object.entries(v)
      .filter(([k, x]) => !(head && ['type', 'id', 'name'].includes(k)) && x !== null && !(Array.isArray(x) && !x.length))
      .map(([k, x]) => `${humanize(k).toLowerCase()}: ${short(x)}`).join('; ');
    return head ? (rest ? `${head} (${rest})` : head) : (rest || '—');
  }
  if (typeof v === 'string' && ISO_TIME.test(v)) return fmtTime(v);
  return String(v);
}

const isFlat = (x) => x !== null && typeof x === 'object' && !Array.isArray(x)
  && Object.values(x).every((y) => y === null || typeof y !== 'object');

/** A table: columns are [label, row => html]. Wrapped so that a wide one scrolls on its own. */
function table(caption, columns, rows, hideCaption = false) {
  return `<div class="table-wrap" role="region" tabindex="0" aria-label="${esc(caption)}"><table>
    <caption${hideCaption ? ' class="visually-hidden"' : ''}>${esc(caption)}</caption>
    <thead><tr>${columns.map(([label]) => `<th scope="col">${esc(label)}</th>`).join('')}</tr></thead>
    <tbody>${rows.map((row) => `<tr>${columns.map(([, cell]) => `<td>${cell(row)}</td>`).join('')}</tr>`).join('')}</tbody>
  </table></div>`;
}

/** A table of objects over the union of their keys, `first` keys leading. */
function objectsTable(caption, rows, first = []) {
  const keys = [...new Set(rows.flatMap((r) => (r && typeof r === 'object' ? Object.keys(r) : [])))];
  const ordered = [...first.filter((k) => keys.includes(k)), ...keys.filter((k) => !first.includes(k))];
  return table(caption, ordered.map((k) => [humanize(k), (r) => cellHtml(r && r[k])]), rows);
}

/** A value in a table cell: short, with a list for a list of objects. */
function cellHtml(v) {
  if (Array.isArray(v) && v.some((x) => x && typeof x === 'object')) {
    return `<ul class="plain cell-list">${v.map((x) => `<li>${esc(short(x))}</li>`).join('')}</ul>`;
  }
  return v !== null && typeof v === 'object' ? esc(short(v)) : scalarHtml(v);
}

/** Any JSON value as HTML: definition lists for objects, tables for maps of flat records. */
function val(v, depth = 0, name = 'Item') {
  if (v === null || typeof v !== 'object') return scalarHtml(v);
  if (depth > 4) return `<code>${esc(JSON.stringify(v))}</code>`;
  if (Array.isArray(v)) {
    if (!v.length) return '<span class="muted">none</span>';
    if (v.every((x) => x === null || typeof x !== 'object')) return v.map(scalarHtml).join(', ');
    return `<ul class="vlist">${v.map((x) => `<li>${val(x, depth + 1)}</li>`).join('')}</ul>`;
  }
  const entries = Object.entries(v);
  if (!entries.length) return '<span class="muted">none</span>';
  if (entries.every(([, x]) => isFlat(x))) { // a map of records: one row each
    const keys = [...new Set(entries.flatMap(([, x]) => Object.keys(x)))];
    return table(humanize(name), [[humanize(name).replace(/s$/, ''), ([k]) => esc(humanize(k))],
      ...keys.map((key) => [humanize(key), ([, x]) => scalarHtml(x[key])])], entries, depth > 0);
  }
  return `<dl class="kv">${entries.map(([k, x]) => `<dt>${esc(humanize(k))}</dt><dd>${val(x, depth + 1, k)}</dd>`).join('')}</dl>`;
}

/* ---------- Routing and the session ---------- */

function parseHash() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const one = hash.match(/^\/proposals\/(.+)$/);
  if (one) try { return { view: 'proposal', id: decodeURIComponent(one[1]) }; } catch { return { view: 'proposals' }; }
  return { view: { '/proposals': 'proposals', '/delegations': 'delegations' }[hash] || 'me' };
}

async function route() {
  const token = ++state.routeToken;
  const where = parseHash();
  if (where.view !== 'proposal') { state.proposalId = null; state.proposal = null; }
  updateHeader(where);
  if (!state.session) {
    enter('tpl-signin', 'Sign in');
    byId('signin-member').focus();
    return;
  }
  const show = {
    me: () => showMe(token), proposals: () => showProposals(token),
    proposal: () => showProposal(where.id), delegations: () => showDelegations(token),
  };
  await show[where.view]().catch(handleError);
}

function updateHeader(where = parseHash()) {
  byId('nav').hidden = !state.session;
  const current = { me: 'nav-me', proposals: 'nav-proposals', proposal: 'nav-proposals', delegations: 'nav-delegations' }[where.view];
  for (const id of ['nav-me', 'nav-proposals', 'nav-delegations']) {
    if (id === current) byId(id).setAttribute('aria-current', 'page'); else byId(id).removeAttribute('aria-current');
  }
  const s = state.session;
  const name = state.me && state.me.name ? state.me.name : 'Member';
  byId('whoami').textContent = s ? `${name} · member no. ${s.member}${isFormer() ? ' (former member)' : ''}` : '';
  byId('former-notice').hidden = !(s && isFormer());
}

/* ---------- My data ---------- */

async function showMe(token) {
  enter('tpl-me', 'My data');
  const paths = ['/api/me', '/api/me/consents', '/api/me/report', '/api/me/statement'];
  const results = await Promise.allSettled(paths.map((p) => api('GET', p)));
  if (token !== state.routeToken) return;
  const [me, consents, report, statement] = results.map((r) => (r.status === 'fulfilled' ? r.value : undefined));
  if (me) state.me = me;
  updateHeader();
  const m = state.me;
  if (m) byId('me-summary').textContent = `${m.name} · member no. ${m.member} · ${m.status}${m.standing === 'former' ? ' · you have left the co-op' : ''}`;
  byId('leave-section').hidden = isFormer();
  const failed = (id) => renderInto(byId(id), '<p>Could not be loaded.</p>');
  if (consents) renderConsents(consents); else failed('consents');
  if (report) renderReport(report); else failed('report');
  if (statement) renderStatement(statement); else failed('statement');
  const error = results.find((r) => r.status === 'rejected');
  if (error) handleError(error.reason);
}

function consentState(c) {
  const history = arr(c && c.history);
  const last = history[history.length - 1];
  if (!last) return 'Never given';
  const when = last.at ? ` ${fmtTime(last.at)}` : '';
  if (c.in_force) return `Given${when}${last.expires ? `, until ${fmtTime(last.expires)}` : ''}`;
  if (last.standing === 'given') return `Lapsed (given${when}${last.expires ? `, ended ${fmtTime(last.expires)}` : ''})`;
  return `${humanize(last.standing || 'not given')}${when}`;
}

function renderConsents(list) {
  const known = new Map(arr(list).map((c) => [c.purpose, c]));
  const purposes = [...new Set([...Object.keys(PURPOSES), ...known.keys()])];
  renderInto(byId('consents'), `<ul class="plain consents">${purposes.map((purpose) => {
    const c = known.get(purpose);
    const inForce = Boolean(c && c.in_force);
    const label = PURPOSES[purpose] || humanize(purpose);
    const history = arr(c && c.history).length ? `<details><summary>History</summary>
      <ol class="history">${c.history.map((h) => `<li>${esc(humanize(h.standing || ''))} ${h.at ? timeHtml(h.at) : ''}${h.expires ? `, until ${timeHtml(h.expires)}` : ''}</li>`).join('')}</ol></details>` : '';
    return `<li class="consent${inForce ? ' in-force' : ''}">
      <div class="consent-text"><strong>${esc(label)}</strong> <code>${esc(purpose)}</code><br>
        <span class="consent-state">${esc(consentState(c))}</span>
        ${FORBIDDEN.has(purpose) ? '<br><span class="help">The co-op’s charter forbids this use: giving it is refused.</span>' : ''}
        ${history}</div>
      <button type="button" class="consent-toggle${inForce ? ' danger' : ''}" id="consent-${esc(purpose)}" data-action="consent"
        data-purpose="${esc(purpose)}" data-in-force="${inForce}"
        aria-label="${inForce ? 'Withdraw' : 'Give'} consent: ${esc(label)}">${inForce ? 'Withdraw' : 'Give'}</button>
    </li>`;
  }).join('')}</ul>`);
}

async function toggleConsent(btn) {
  const { purpose, inForce } = btn.dataset;
  const path = `/api/me/consents/${encodeURIComponent(purpose)}`;
  try {
    await api(inForce === 'true' ? 'DELETE' : 'PUT', path, {});
  } finally { // after a refusal too, show the list as the server has it
    const fresh = await api('GET', '/api/me/consents').catch(() => null);
    if (fresh) renderConsents(fresh);
  }
  announce(inForce === 'true' ? `Consent for ${purpose} withdrawn.` : `Consent for ${purpose} given.`);
}

const REPORT_KEYS = ['member', 'from', 'to', 'purposes', 'recipients', 'allowed', 'refused', 'accesses'];
const ACCESS_FIRST = ['at', 'time', 'principal', 'action', 'kind', 'resource', 'id', 'purpose', 'allowed', 'explanation'];
const ACCESS_LABELS = { at: 'When', time: 'When', kind: 'Resource kind', id: 'Resource', allowed: 'Answer' };

function renderReport(r) {
  if (!r || typeof r !== 'object') { renderInto(byId('report'), val(r)); return; }
  const [accesses, purposes, recipients] = [arr(r.accesses), arr(r.purposes), arr(r.recipients)];
  const latest = accesses.slice(-50).reverse(); // recorded oldest first
  const purposeText = (p) => (Array.isArray(p) ? `${short(p[0])} — legal basis: ${short(p[1])}` : short(p));
  renderInto(byId('report'), `
    <p class="help">Every time your data was asked for${r.from ? ` from ${timeHtml(r.from)}` : ''}${r.to ? ` to ${timeHtml(r.to)}` : ''}: by whom, for what, and the answer.</p>
    <ul class="counts plain">
      <li><span class="count">${esc(r.allowed ?? 0)}</span> allowed</li>
      <li><span class="count">${esc(r.refused ?? 0)}</span> refused</li>
      <li><span class="count">${esc(accesses.length)}</span> in all</li>
    </ul>
    <h3>Purposes</h3>
    ${purposes.length ? `<ul>${purposes.map((p) => `<li>${esc(purposeText(p))}</li>`).join('')}</ul>` : '<p>Your data was asked for no purpose yet.</p>'}
    <h3>Recipients</h3>
    ${recipients.length ? `<ul>${recipients.map((x) => `<li>${esc(short(x))}</li>`).join('')}</ul>` : '<p>Nobody.</p>'}
    ${restHtml(r, REPORT_KEYS)}
    <h3>Latest accesses</h3>
    ${latest.length ? accessTable(latest, accesses.length) : '<p>No access recorded.</p>'}`);
}

function accessTable(records, total) {
  const present = new Set(records.flatMap((r) => Object.keys(r || {})));
  const columns = ACCESS_FIRST.filter((k) => present.has(k)).map((k) => [ACCESS_LABELS[k] || humanize(k),
    k === 'allowed' ? (r) => (r.allowed ? '<span class="badge ok">allowed</span>' : '<span class="badge refused">refused</span>')
      : (r) => cellHtml(r[k])]);
  if ([...present].some((k) => !ACCESS_FIRST.includes(k))) columns.push(['More', (r) => esc(short(omit(r, ACCESS_FIRST)))]);
  const caption = total > records.length ? `The latest ${records.length} of ${total} accesses, newest first` : 'Accesses, newest first';
  return table(caption, columns, records);
}

function renderStatement(s) {
  if (!s || typeof s !== 'object') { renderInto(byId('statement'), val(s)); return; }
  const lines = arr(s.lines);
  const b = s.balances;
  const balances = b && typeof b === 'object' && !Array.isArray(b) && Object.keys(b).length
    ? table('Balances', [['Account', ([k]) => esc(humanize(k))], ['Balance', ([, v]) => cellHtml(v)]], Object.entries(b))
    : '<p>No balances.</p>';
  renderInto(byId('statement'), `
    <p class="help">Your money with the co-op${s.as_of ? `, as of ${scalarHtml(s.as_of)}` : ''}.</p>
    ${balances}
    ${lines.length ? objectsTable('Transactions', lines, ['on', 'date', 'txn', 'transaction', 'what', 'description']) : '<p>No transactions.</p>'}
    ${restHtml(s, ['member', 'name', 'as_of', 'lines', 'balances'])}`);
}

async function resign() {
  if (!window.confirm('Give notice that you leave the co-op? You become a former member when the statutes say: you keep your data, but can no longer vote.')) return;
  await api('POST', '/api/me/resignation', {});
  state.session = await api('GET', '/api/session'); // the standing may now be "former"
  await loadMe();
  route();
  announce('Your notice of leaving is recorded.');
}

/* ---------- Proposals ---------- */

const proposalPath = (id) => `/api/proposals/${encodeURIComponent(id)}`;
const PHASES = { open: 'Open for voting', scheduled: 'Scheduled', closed: 'Closed', draft: 'Draft', withdrawn: 'Withdrawn' };
const phaseBadge = (phase) => `<span class="badge phase phase-${esc(phase)}">${esc(PHASES[phase] || humanize(phase || 'unknown'))}</span>`;
const kindName = (k) => (typeof k === 'string' ? k : (k && (k.kind || k.type)) || '');

async function showProposals(token) {
  enter('tpl-proposals', 'Proposals');
  const list = await api('GET', '/api/proposals');
  if (token !== state.routeToken) return;
  renderInto(byId('proposal-list'), Array.isArray(list) && list.length ? `<ul class="plain proposals">${list.map((p) => `
    <li class="proposal-item">
      <a class="proposal-link" data-proposal-id="${esc(p.id)}" href="#/proposals/${esc(encodeURIComponent(p.id))}">${esc(p.title || p.id)}</a>
      ${phaseBadge(p.phase)}
      <span class="help">${esc(humanize(kindName(p.kind)))}${p.secrecy ? ` · ${esc(p.secrecy)} ballot` : ''}
        ${p.opens_at ? ` · opens ${timeHtml(p.opens_at)}` : ''}${p.closes_at ? ` · closes ${timeHtml(p.closes_at)}` : ''}</span>
    </li>`).join('')}</ul>` : '<p>There are no proposals yet.</p>');
}

/** What a proposal's kind asks of a ballot: a choice, a ranking of options, or approvals of projects. */
function kindInfo(spec) {
  const k = spec && spec.kind;
  const obj = k && typeof k === 'object' ? k : {};
  const name = kindName(k);
  const options = firstArray(obj.candidates, obj.options, spec.candidates, spec.options);
  const projects = firstArray(obj.projects, spec.projects);
  const mode = projects ? 'approvals' : options ? 'ranking' : 'choice';
  const choices = name === 'consent' ? [['yes', 'Consent'], ['abstain', 'Stand aside'], ['block', 'Block']] // a block needs a reason
    : [['yes', 'Yes'], ['no', 'No'], ['abstain', 'Abstain']];
  return { name, obj, options, projects, mode, choices, items: projects || options || [] };
}
const itemLabel = (x) => (x !== null && typeof x === 'object' ? String(x.name ?? x.title ?? short(x)) : String(x));

async function showProposal(id) {
  enter('tpl-proposal', 'Proposal');
  state.proposalId = id;
  if (await reloadProposal()) focusHeading();
}

/** Reads the proposal shown and redraws it, unless the member has gone elsewhere meanwhile. */
async function reloadProposal() {
  const id = state.proposalId;
  const view = await api('GET', proposalPath(id));
  if (state.proposalId !== id || !byId('proposal-detail')) return false;
  renderProposal(view);
  return true;
}

function renderProposal(p) {
  state.proposal = p;
  const spec = p.spec || {};
  const kind = kindInfo(spec);
  const title = spec.title || p.id;
  byId('proposal-title').textContent = title;
  setTitle(title);
  const closes = p.closes_at || spec.closes_at;
  const deadline = p.phase === 'open' && closes ? `Voting closes ${timeHtml(closes)} (${esc(relative(closes))}).`
    : p.phase === 'scheduled' && spec.opens_at ? `Voting opens ${timeHtml(spec.opens_at)} (${esc(relative(spec.opens_at))}) and closes ${closes ? timeHtml(closes) : '—'}.`
      : closes ? `${p.phase === 'closed' ? 'Voting closed' : 'Deadline:'} ${timeHtml(closes)}.` : '';
  const facts = { kind: humanize(kind.name || 'unknown'), ...omit(kind.obj, ['kind', 'type', 'candidates', 'options', 'projects']),
    opens_at: spec.opens_at, closes_at: closes, electorate: p.electorate,
    ...omit(spec, ['title', 'body', 'kind', 'opens_at', 'closes_at', 'candidates', 'options', 'projects']) };
  const items = kind.items.length ? `<h2>${kind.projects ? 'Projects' : 'Candidates'}</h2>${kind.projects
    ? table('Projects', [['Project', (x) => esc(itemLabel(x))], ['Cost', (x) => cellHtml(x && x.cost)]], kind.projects)
    : `<ol>${kind.options.map((x) => `<li>${esc(itemLabel(x))}</li>`).join('')}</ol>`}` : '';
  const known = ['id', 'phase', 'spec', 'closes_at', 'electorate', 'may_vote', 'why_not', 'interim', 'outcome'];
  renderInto(byId('proposal-detail'), `
    <p class="row">${phaseBadge(p.phase)}<span>${esc(humanize(kind.name || 'proposal'))}</span>
      <span>${spec.secrecy === 'secret' ? 'Secret ballot' : 'Open ballot'}</span>
      ${p.electorate && p.electorate.voters !== undefined ? `<span>${esc(p.electorate.voters)} voters</span>` : ''}</p>
    ${deadline ? `<p class="deadline">${deadline}</p>` : ''}
    ${spec.body ? `<div class="proposal-body">${esc(spec.body)}</div>` : ''}
    ${items}
    ${p.outcome ? `<section class="outcome" aria-labelledby="outcome-heading"><h2 id="outcome-heading">Outcome</h2>
      ${p.outcome.verdict ? `<p id="outcome-verdict" class="verdict verdict-${esc(p.outcome.verdict)}">${esc(humanize(p.outcome.verdict))}</p>` : ''}
      ${val(omit(p.outcome, ['verdict']))}</section>` : ''}
    ${p.interim ? `<section class="interim" aria-labelledby="interim-heading"><h2 id="interim-heading">Count so far</h2>
      <p class="help">Direct ballots only: delegations count at the close.</p>${val(p.interim)}</section>` : ''}
    <details class="facts"><summary>Rules and details</summary>${val(facts)}</details>
    ${restHtml(p, known)}`);
  renderVote(p, kind);
}

function renderVote(p, kind) {
  const spec = p.spec || {};
  const former = isFormer();
  const status = p.may_vote && !former ? `You may vote.${spec.vote_changes ? ' You can change your vote until voting closes.' : ' Your vote cannot be changed once cast.'}`
    : `You cannot vote on this proposal${p.why_not ? `: ${p.why_not}` : '.'}`;
  byId('vote-status').textContent = status;
  byId('vote-status').className = p.may_vote && !former ? 'may-vote' : 'may-not-vote';
  renderInto(byId('ballot-area'), p.may_vote && !former ? ballotFormHtml(p, kind) : '');
  byId('receipt-section').hidden = spec.secrecy !== 'secret';
  const proxies = Number(spec.proxies_per_holder ?? 0);
  byId('proxy-section').hidden = !(p.phase === 'open' && p.may_vote && !former && proxies > 0);
}

function ballotFormHtml(p, kind) {
  const spec = p.spec || {};
  const secret = spec.secrecy === 'secret';
  const reason = spec.reasons === 'off' || secret ? '' : `
    <label for="ballot-reason">Reason${spec.reasons === 'required_for_objections' ? '' : ' (optional)'}</label>
    <textarea id="ballot-reason" rows="2"${spec.reasons === 'required_for_objections' ? ' aria-describedby="ballot-reason-help"' : ''}></textarea>
    ${spec.reasons === 'required_for_objections' ? `<p id="ballot-reason-help" class="help">Needed if you vote ${kind.name === 'consent' ? 'block' : 'no'}.</p>` : ''}`;
  const proxy = Number(spec.proxies_per_holder ?? 0) > 0 ? `
    <label for="ballot-proxy-for">Voting for member (optional)</label>
    <input id="ballot-proxy-for" type="number" min="1" inputmode="numeric" aria-describedby="ballot-proxy-for-help">
    <p id="ballot-proxy-for-help" class="help">Only to vote for a member whose proxy you hold. Leave empty to vote for yourself.</p>` : '';
  const secretNote = secret ? '<p class="help">This is a secret ballot: nobody can link your ballot to you. You will get a receipt.</p>' : '';
  if (kind.mode === 'choice') {
    return `<form data-form="ballot-choice" class="stack">${secretNote}${reason}${proxy}
      <div class="row choices" role="group" aria-label="Your vote">${kind.choices.map(([value, label]) => `
        <button type="button" class="choice-button" id="ballot-${esc(value)}" data-action="vote" data-choice="${esc(value)}">${esc(label)}</button>`).join('')}
      </div></form>`;
  }
  const n = kind.items.length;
  const list = kind.mode === 'ranking'
    ? `<fieldset><legend>Number the candidates in order of preference</legend>
        <p class="help">1 for your first choice${kind.obj.seats ? `; ${esc(kind.obj.seats)} to elect` : ''}. Leave a box empty for a candidate you do not rank, or all of them for a blank ballot.</p>
        <ul class="plain options">${kind.items.map((x, i) => `<li>
          <input type="number" class="rank-input" id="rank-${i}" data-index="${i}" min="1" max="${n}" inputmode="numeric">
          <label for="rank-${i}">${esc(itemLabel(x))}</label></li>`).join('')}</ul></fieldset>`
    : `<fieldset><legend>Approve the projects you support</legend>
        <ul class="plain options">${kind.items.map((x, i) => `<li>
          <input type="checkbox" class="approval-input" id="approve-${i}" data-index="${i}">
          <label for="approve-${i}">${esc(itemLabel(x))}${x && x.cost !== undefined ? ` <span class="help">(${esc(short(x.cost))})</span>` : ''}</label></li>`).join('')}</ul>
        ${kind.obj.limit !== undefined ? `<p class="help">The budget is ${esc(short(kind.obj.limit))}.</p>` : ''}</fieldset>`;
  return `<form data-form="ballot" class="stack">${secretNote}${list}${reason}${proxy}
    <button type="submit" id="ballot-submit" class="primary">Cast my ballot</button></form>`;
}

function readRanking() {
  const [inputs, seen, ranked] = [$$('.rank-input'), new Set(), []];
  for (const input of inputs) {
    if (!input.value.trim()) continue;
    const rank = Number(input.value);
    const name = input.labels && input.labels[0] ? input.labels[0].textContent : `candidate ${input.dataset.index}`;
    if (!Number.isInteger(rank) || rank < 1 || rank > inputs.length) throw new Error(`Ranks go from 1 to ${inputs.length}: ${name} has ${input.value}.`);
    if (seen.has(rank)) throw new Error(`Two candidates have rank ${rank}: give each a different number.`);
    seen.add(rank);
    ranked.push([rank, Number(input.dataset.index)]);
  }
  return ranked.sort((a, b) => a[0] - b[0]).map(([, index]) => index);
}

async function castBallot(mark) {
  const body = { ...mark };
  const reason = byId('ballot-reason');
  if (reason && reason.value.trim()) body.reason = reason.value.trim();
  const proxy = byId('ballot-proxy-for');
  if (proxy && proxy.value) body.proxy_for = Number(proxy.value);
  const result = await api('POST', `${proposalPath(state.proposalId)}/ballots`, body);
  renderCast(result || {});
  await reloadProposal().catch(handleError);
  const target = byId('receipt') || byId('ballot-recorded');
  if (target) target.focus();
}

/** One click casts a choice; the other choices wait until the server has answered. */
async function voteChoice(btn) {
  const buttons = $$('.choice-button');
  buttons.forEach((b) => { b.disabled = true; });
  try { await castBallot({ choice: btn.dataset.choice }); } finally { buttons.forEach((b) => { b.disabled = false; }); }
}

function voteFromForm() {
  const kind = kindInfo(state.proposal.spec || {});
  if (kind.mode === 'ranking') return castBallot({ ranking: readRanking() });
  return castBallot({ approvals: $$('.approval-input').filter((c) => c.checked).map((c) => Number(c.dataset.index)) });
}

function renderCast(result) {
  const el = byId('ballot-result');
  if (result.receipt) {
    el.innerHTML = `<div class="receipt-box">
      <p><strong>Your ballot is in the box.</strong> Your receipt:</p>
      <p id="receipt" class="receipt" tabindex="-1">${esc(result.receipt)}</p>
      <p><strong>Keep this receipt: it is shown now and never again.</strong> With it you can check, below, that your ballot
        is in the box and, once voting closes, that it was counted. Anyone who has it can see what your ballot says, so keep it to yourself.</p></div>`;
    if (byId('receipt-check')) byId('receipt-check').value = result.receipt;
    announce('Your ballot is cast. Keep the receipt shown.');
  } else {
    const recorded = arr(result.recorded);
    el.innerHTML = `<p id="ballot-recorded" tabindex="-1"><strong>Your vote is recorded</strong>, with your name: this is an open ballot.</p>
      ${recorded.length ? objectsTable('What was recorded', recorded, ['type', 'at', 'voter', 'by', 'choice']) : ''}`;
    announce('Your vote is recorded.');
  }
}

/** What a ballot says, in words: `{"choice": "yes"}`, `{"ranking": [2, 0]}`, `{"approvals": [1]}`. */
function markText(mark) {
  const kind = kindInfo((state.proposal && state.proposal.spec) || {});
  const names = (xs) => xs.map((i) => (kind.items[i] !== undefined ? itemLabel(kind.items[i]) : `#${i}`));
  if (mark && typeof mark === 'object') {
    if (mark.choice) return (kind.choices.find(([v]) => v === mark.choice) || [mark.choice, mark.choice])[1];
    if (Array.isArray(mark.ranking)) return mark.ranking.length ? names(mark.ranking).join(' › ') : 'A blank ballot';
    if (Array.isArray(mark.approvals)) return mark.approvals.length ? `Approves ${names(mark.approvals).join(', ')}` : 'Approves nothing';
  }
  return short(mark);
}

async function checkReceipt() {
  const receipt = byId('receipt-check').value.trim();
  if (!receipt) throw new Error('Enter the receipt you were given when you voted.');
  const r = await api('POST', `${proposalPath(state.proposalId)}/receipts`, { receipt });
  const where = { ballot_box: 'in the ballot box', published: 'in the published list of ballots' }[r.place] || `(${short(r.place)})`;
  const counted = r.counted ? 'It was counted.' : r.place === 'ballot_box' ? 'It will be counted when voting closes.' : 'It was not counted.';
  byId('receipt-result').innerHTML = `<p class="found${r.counted ? ' counted' : ''}"><strong>Found ${esc(where)}.</strong> ${esc(counted)}</p>
    <dl class="kv"><dt>Receipt</dt><dd><code>${esc(r.receipt ?? receipt)}</code></dd>
      <dt>Your ballot</dt><dd>${esc(markText(r.mark))}</dd><dt>Weight</dt><dd>${scalarHtml(r.weight)}</dd></dl>
    ${restHtml(r, ['proposal', 'receipt', 'place', 'counted', 'weight', 'mark'])}`;
  announce(`Found ${where}. ${counted}`);
}

async function giveProxy(form) {
  const holder = Number(byId('proxy-holder').value);
  const r = await api('POST', `${proposalPath(state.proposalId)}/proxy`, { holder });
  byId('proxy-result').innerHTML = `<p>Member ${esc((r && r.holder) ?? holder)} now holds your proxy on this proposal and may vote for you.</p>`;
  form.reset();
  await reloadProposal();
}

/* ---------- Delegations ---------- */

async function showDelegations(token) {
  enter('tpl-delegations', 'Delegations');
  byId('delegate-section').hidden = isFormer();
  const list = await api('GET', '/api/me/delegations');
  if (token !== state.routeToken) return;
  renderDelegations(list);
}

function renderDelegations(list) {
  renderInto(byId('delegation-list'), arr(list).length ? `<ul class="plain delegations">${list.map((d) => {
    const [topics, extra] = [arr(d.topics), omit(d, ['to', 'topics', 'since', 'until'])];
    return `<li class="delegation">
      <p><strong>To member ${esc(d.to)}</strong>, ${topics.length ? `on proposals tagged ${topics.map((t) => `<code>${esc(t)}</code>`).join(', ')}` : 'on every proposal'}</p>
      <p class="help">${d.since ? `Since ${timeHtml(d.since)}` : ''}${d.until ? `, until ${timeHtml(d.until)}` : ', until you revoke it'}${Object.keys(extra).length ? ` · ${esc(short(extra))}` : ''}</p>
      ${topics.length ? `<p class="row">${topics.map((t) => `<button type="button" class="small revoke-topic" data-action="revoke" data-topic="${esc(t)}"
        aria-label="Revoke the delegation on ${esc(t)}">Revoke “${esc(t)}”</button>`).join('')}</p>` : ''}
    </li>`;
  }).join('')}</ul>
    <p><button type="button" id="revoke-all" data-action="revoke" class="danger">Revoke all my delegations</button></p>`
    : '<p>You have not delegated your vote: you vote yourself.</p>');
}

async function delegate(form) {
  const to = Number(byId('delegate-to').value);
  const body = { to };
  const topics = byId('delegate-topics').value.split(',').map((t) => t.trim()).filter(Boolean);
  if (topics.length) body.topics = topics;
  const until = byId('delegate-until').value;
  if (until) {
    const d = new Date(until);
    if (Number.isNaN(d.getTime())) throw new Error('The end date is not a date.');
    body.until = d.toISOString();
  }
  await api('POST', '/api/me/delegations', body);
  form.reset();
  renderDelegations(await api('GET', '/api/me/delegations'));
  announce(`Your vote is delegated to member ${to}.`);
}

/** Revokes the delegations on the button's topic, or all of them. */
async function revoke(btn) {
  const { topic } = btn.dataset;
  const path = topic ? `/api/me/delegations/${encodeURIComponent(topic)}` : '/api/me/delegations';
  renderDelegations(await api('DELETE', path, {}));
  announce(topic ? `Your delegation on ${topic} is revoked.` : 'All your delegations are revoked.');
  byId('delegations-heading').focus();
}

/* ---------- Wiring ---------- */

const SUBMITS = { 'signin': signIn, 'ballot': voteFromForm, 'receipt-check': checkReceipt, 'proxy': giveProxy, 'delegate': delegate };
const ACTIONS = {
  'signout': signOut, 'consent': toggleConsent, 'resign': resign, 'vote': voteChoice,
  'revoke': revoke,
};

function onSubmit(e) {
  e.preventDefault(); // every form here is sent by script, or not at all (Enter in a choice ballot)
  const handler = SUBMITS[e.target.dataset.form];
  if (handler) withBusy(e.target, () => handler(e.target));
}

function onClick(e) {
  const action = e.target.closest('[data-action]');
  if (action && ACTIONS[action.dataset.action]) withBusy(action, () => ACTIONS[action.dataset.action](action));
}

document.addEventListener('submit', onSubmit);
document.addEventListener('click', onClick);
startPage();
