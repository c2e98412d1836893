// Co-op Kanban: the web page. Vanilla JavaScript (ES2020), no build step, no framework.
// Hash routes: #/ boards, #/b/{id} one board. The member's own pages (their data,
// consents, proposals) are andel-http's, at /me. The static markup lives in
// <template>s and the <dialog> of index.html; this file fills in what the server sends,
// on andel-http's common.js (the session, the API, errors), which index.html loads first.
'use strict';

/* ---------- State and small helpers ---------- */

Object.assign(state, {
  boardId: null,    // id of the open board (from the route)
  board: null,      // its BoardView
  openCardId: null, // the card shown in the dialog
});

const dialog = () => byId('card-dialog');

/** An http(s) URL fit for a link, or null. */
function safeUrl(url) {
  try {
    const u = new URL(url, location.href);
    return /^https?:$/.test(u.protocol) ? u.href : null;
  } catch { return null; }
}

const LABEL_COLORS = ['green', 'yellow', 'orange', 'red', 'purple', 'blue', 'sky', 'lime', 'pink', 'black'];
/** CSS class for a label colour (Trello names, with or without _light / _dark). */
function colorClass(color) {
  const base = String(color || '').toLowerCase().replace(/_(light|dark)$/, '');
  return LABEL_COLORS.includes(base) ? `label-${base}` : 'label-none';
}

const chipHtml = (l) => `<span class="chip ${colorClass(l.color)}">${esc(l.name || l.color)}</span>`;
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
const memberName = (id) => (state.me && String(state.me.member) === String(id) ? 'you' : `member ${id}`);

function formatDue(due) {
  const d = new Date(`${due}T00:00:00`);
  return Number.isNaN(d.getTime()) ? due : d.toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
}

const clearField = (id) => { if (byId(id)) byId(id).value = ''; };

/** Put a <template> of index.html into #app. */
const showTemplate = (id) => app().replaceChildren(byId(id).content.cloneNode(true));

/* ---------- Routing and the session ---------- */

function parseHash() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const board = hash.match(/^\/b\/(.+)$/);
  if (board) {
    try { return { view: 'board', id: decodeURIComponent(board[1]) }; } catch { return { view: 'boards' }; }
  }
  return { view: 'boards' };
}

async function route() {
  const token = ++state.routeToken;
  const where = parseHash();
  if (where.view !== 'board') {
    state.board = null;
    state.boardId = null;
    closeCard(false);
  }
  updateHeader(where);
  if (!state.session) {
    showTemplate('tpl-signin');
    byId('signin-member').focus();
    return;
  }
  const show = { board: () => showBoard(where.id, token), boards: () => showBoards(token) };
  await show[where.view]().catch(handleError);
}

function updateHeader(where) {
  byId('nav').hidden = !state.session;
  for (const [id, view] of [['nav-boards', 'boards']]) {
    if (where.view === view) byId(id).setAttribute('aria-current', 'page');
    else byId(id).removeAttribute('aria-current');
  }
  const s = state.session;
  const former = s && s.standing === 'former' ? ', former member' : '';
  byId('whoami').textContent = s ? `${state.me ? state.me.name : 'Member'} (no. ${s.member}${former})` : '';
}

/* ---------- Boards page ---------- */

async function showBoards(token) {
  showTemplate('tpl-boards');
  focusHeading();
  await loadBoardList(token);
}

async function loadBoardList(token = state.routeToken) {
  const boards = await api('GET', '/api/boards');
  const el = byId('board-list');
  if (token !== state.routeToken || !el) return;
  el.removeAttribute('aria-busy');
  const sorted = [...boards].sort((a, b) => Number(a.archived) - Number(b.archived));
  el.innerHTML = sorted.length ? `<ul class="board-grid">${sorted.map((b) => `
    <li class="board-tile${b.archived ? ' archived' : ''}">
      <a class="board-link" data-board-id="${esc(b.id)}" href="#/b/${esc(encodeURIComponent(b.id))}">${esc(b.title)}</a>
      <span class="help">Owned by ${esc(memberName(b.owner))}${b.archived ? ' · archived' : ''}</span>
    </li>`).join('')}</ul>` : '<p>No boards yet. Create one below, or import one from Trello.</p>';
}

async function createBoard() {
  const title = byId('new-board-title').value.trim();
  if (!title) return;
  const board = await api('POST', '/api/boards', { title });
  navigate(`#/b/${encodeURIComponent(board.id)}`);
}

/** Parse "trello-name = 2" lines into {"trello-name": "2"}. */
function parseMemberMap(text) {
  const map = {};
  text.split('\n').forEach((line, i) => {
    if (!line.trim() || line.trim().startsWith('#')) return;
    const m = line.match(/^\s*([^=]+?)\s*=\s*(\d+)\s*$/);
    if (!m) throw new Error(`Line ${i + 1} of the member mapping should look like “trello-username = 2”.`);
    map[m[1]] = m[2];
  });
  return map;
}

async function importTrello(form) {
  const file = byId('trello-file').files[0];
  if (!file) throw new Error('Choose a Trello export file first.');
  let exported;
  try { exported = JSON.parse(await file.text()); } catch {
    throw new Error('That file is not valid JSON. Export the board from Trello as JSON and try again.');
  }
  const members = parseMemberMap(byId('trello-members').value);
  const result = await api('POST', '/api/boards/import/trello', { export: exported, members });
  const report = result.report || {};
  const skipped = report.skipped || [];
  const open = result.board ? ` <a id="trello-open" href="#/b/${esc(encodeURIComponent(result.board))}">Open the imported board</a>` : '';
  byId('trello-report').innerHTML = `<h3>Import finished</h3><p>Added ${esc(report.added ?? 0)} items.${open}</p>
    ${skipped.length ? `<details open><summary>Skipped ${skipped.length}</summary>
      <ul>${skipped.map((s) => `<li>${esc(s)}</li>`).join('')}</ul></details>` : '<p>Nothing was skipped.</p>'}`;
  form.reset();
  await loadBoardList();
}

/* ---------- Board page ---------- */

const boardPath = () => `/api/boards/${encodeURIComponent(state.boardId)}`;
const visibleLists = () => state.board.lists.filter((l) => !l.archived);
const visibleCards = (list) => list.cards.filter((c) => !c.archived);
const listById = (id) => state.board.lists.find((l) => l.id === Number(id));

/** Where a card is: {card, list, index} among the visible cards, or null. */
function findCard(id) {
  if (!state.board) return null;
  for (const list of visibleLists()) {
    const cards = visibleCards(list);
    const index = cards.findIndex((c) => c.id === id);
    if (index >= 0) return { card: cards[index], list, index };
  }
  return null;
}

async function showBoard(id, token) {
  if (state.boardId !== id) {
    state.board = null;
    state.boardId = id;
    closeCard(false);
    app().innerHTML = '<p aria-busy="true">Loading board…</p>';
  }
  const board = await api('GET', boardPath());
  if (token !== state.routeToken) return;
  state.board = board;
  showTemplate('tpl-board');
  byId('board-rename-title').value = board.title;
  renderBoard();
  focusHeading();
}

/** Re-fetch the open board and redraw it, and the card dialog. */
async function reloadBoard() {
  const id = state.boardId;
  const board = await api('GET', boardPath());
  if (state.boardId !== id || !byId('lists')) return;
  state.board = board;
  renderBoard();
  if (state.openCardId !== null) renderCardDialog();
}

/** A change to the open board: send it, then re-fetch and re-render. */
async function mutate(method, path, body) {
  const result = await api(method, boardPath() + path, body);
  await reloadBoard();
  return result;
}

function renderBoard() {
  const b = state.board;
  byId('board-title').textContent = b.title;
  const shared = b.members.length ? b.members.map(memberName).join(', ') : 'nobody yet';
  byId('board-owner').textContent = `Owned by ${memberName(b.owner)} · shared with ${shared}`;
  byId('board-archived').hidden = !b.archived;
  byId('board-archive').textContent = b.archived ? 'Restore board' : 'Archive board';
  byId('board-archive').classList.toggle('danger', !b.archived);
  byId('export-link').href = `${boardPath()}/export/trello`;
  byId('export-link').download = `${b.title}.trello.json`;
  byId('label-chips').innerHTML = b.labels.length
    ? b.labels.map((l) => `<li>${chipHtml(l)}</li>`).join('') : '<li class="help">No labels yet.</li>';
  renderInto(byId('lists'), visibleLists().map(listHtml).join(''));
}

function listHtml(list) {
  const cards = visibleCards(list);
  const id = esc(list.id);
  const title = esc(list.title);
  return `
    <section class="list" data-list-id="${id}" aria-labelledby="list-title-${id}">
      <header class="list-head">
        <h2 class="list-title" id="list-title-${id}">${title}</h2>
        <span class="list-count">${cards.length}<span class="visually-hidden"> cards</span></span>
      </header>
      <div class="list-cards">${cards.map((card, i) => cardHtml(card, list, i, cards.length)).join('')}</div>
      <form class="new-card-form" data-form="new-card" data-list-id="${id}">
        <label class="visually-hidden" for="new-card-title-${id}">New card in ${title}</label>
        <input class="new-card-title" id="new-card-title-${id}" placeholder="New card title" required>
        <button class="new-card-submit" id="new-card-submit-${id}" type="submit">Add card</button>
      </form>
      <div class="list-actions">
        <button type="button" class="small" id="list-rename-${id}" data-action="list-rename" data-list-id="${id}" aria-label="Rename list ${title}">Rename</button>
        <button type="button" class="small" id="list-archive-${id}" data-action="list-archive" data-list-id="${id}" aria-label="Archive list ${title}">Archive</button>
      </div>
    </section>`;
}

function cardHtml(card, list, index, count) {
  const id = esc(card.id);
  const labels = card.labels.map((l) => state.board.labels.find((x) => x.id === l)).filter(Boolean);
  const items = card.checklists.flatMap((c) => c.items);
  const done = items.filter((i) => i.done).length;
  const overdue = card.due && card.due < new Date().toISOString().slice(0, 10);
  const badges = [
    card.due && `<span class="badge due${overdue ? ' overdue' : ''}">Due ${esc(formatDue(card.due))}</span>`,
    items.length && `<span class="badge${done === items.length ? ' complete' : ''}"><span aria-hidden="true">☑</span><span class="visually-hidden">Checklist</span> ${done}/${items.length}</span>`,
    card.comments.length && `<span class="badge">${plural(card.comments.length, 'comment')}</span>`,
    card.attachments.length && `<span class="badge">${plural(card.attachments.length, 'attachment')}</span>`,
  ].filter(Boolean);
  const described = [labels.length && `card-labels-${id}`, badges.length && `card-meta-${id}`].filter(Boolean).join(' ');
  return `
    <div class="card" id="card-${id}" data-card-id="${id}" tabindex="0" role="button"
      aria-label="${esc(`Card ${card.title}, in list ${list.title}, ${index + 1} of ${count}`)}"${described ? ` aria-describedby="${described}"` : ''}>
      ${labels.length ? `<ul class="card-labels" id="card-labels-${id}">${labels.map((l) => `<li>${chipHtml(l)}</li>`).join('')}</ul>` : ''}
      <p class="card-title">${esc(card.title)}</p>
      ${badges.length ? `<p class="card-meta" id="card-meta-${id}">${badges.join(' ')}</p>` : ''}
    </div>`;
}

/* Board actions; each re-renders through mutate(). */

/** Post the trimmed text of some fields (body key → element id), plus `extra`, then clear them. */
async function addFrom(path, fields, extra = {}) {
  const body = { ...extra };
  for (const [key, id] of Object.entries(fields)) body[key] = byId(id).value.trim();
  if (Object.values(body).some((v) => v === '')) return;
  await mutate('POST', path, body);
  Object.values(fields).forEach(clearField);
}

const addList = () => addFrom('/lists', { title: 'new-list-title' });
const addCard = (form) => addFrom(`/lists/${form.dataset.listId}/cards`, { title: `new-card-title-${form.dataset.listId}` });
const addLabel = () => addFrom('/labels', { name: 'new-label-name' }, { color: byId('new-label-color').value });
const shareBoard = () => addFrom('/members', { member: 'share-member' }); // members are sent as strings

async function renameList(btn) {
  const list = listById(btn.dataset.listId);
  const title = (window.prompt('New title for the list', list.title) || '').trim();
  if (title && title !== list.title) await mutate('PATCH', `/lists/${list.id}`, { title });
}

async function archiveList(btn) {
  const list = listById(btn.dataset.listId);
  if (!window.confirm(`Archive the list “${list.title}” and hide its cards?`)) return;
  await mutate('PATCH', `/lists/${list.id}`, { archived: true });
  announce(`List “${list.title}” archived.`);
}

async function renameBoard() {
  const title = byId('board-rename-title').value.trim();
  if (title) await mutate('PATCH', '', { title });
}

async function archiveBoard() {
  const archived = !state.board.archived;
  if (archived && !window.confirm(`Archive the board “${state.board.title}”?`)) return;
  await mutate('PATCH', '', { archived });
}

/* ---------- Moving cards (shared by mouse, keyboard and the dialog) ---------- */

let moving = false; // one move at a time

const focusCard = (id) => { if (byId(`card-${id}`)) byId(`card-${id}`).focus(); };

/** Move a card to `index` among the other visible cards of list `listId`, keeping focus on it. */
async function moveCard(cardId, listId, index) {
  const from = findCard(cardId);
  if (moving || !from) return;
  moving = true;
  try {
    if (from.list.id === listId && from.index === index) {
      renderBoard(); // nothing to send; undo any optimistic change of the page
      return;
    }
    await mutate('POST', `/cards/${cardId}/move`, { list: listId, index });
    const to = findCard(cardId);
    if (to) announce(`Moved “${to.card.title}” to ${to.list.title}, position ${to.index + 1} of ${visibleCards(to.list).length}.`);
  } catch (err) {
    renderBoard(); // put the card back where the server has it
    throw err;
  } finally {
    moving = false;
    focusCard(cardId);
  }
}

/** Alt+arrow keys on a focused card: work out the target, or say why there is none. */
function keyboardMove(cardEl, key) {
  const from = findCard(Number(cardEl.dataset.cardId));
  if (!from) return null;
  const lists = visibleLists();
  let list = from.list;
  let index = from.index;
  if (key === 'ArrowLeft' || key === 'ArrowRight') {
    list = lists[lists.indexOf(from.list) + (key === 'ArrowLeft' ? -1 : 1)];
    if (!list) return announce(`Already in the ${key === 'ArrowLeft' ? 'first' : 'last'} list.`);
    index = visibleCards(list).length;
  } else if (key === 'ArrowUp') {
    if (index === 0) return announce('Already at the top of the list.');
    index -= 1;
  } else {
    if (index >= visibleCards(list).length - 1) return announce('Already at the bottom of the list.');
    index += 1;
  }
  return moveCard(from.card.id, list.id, index);
}

/* ---------- Dragging cards with pointer events (not HTML5 drag and drop) ---------- */

const DRAG_THRESHOLD = 5; // pixels the pointer must travel before a press becomes a drag
let drag = null;          // {card, pointerId, x0, y0, active, ghost, placeholder, dx, dy, target}
let suppressClick = false;

function onPointerDown(e) {
  if (drag || moving || e.button !== 0 || !e.isPrimary) return;
  const card = e.target.closest('#lists .card');
  if (card) drag = { card, pointerId: e.pointerId, x0: e.clientX, y0: e.clientY, active: false, target: null };
}

const movedFarEnough = (e) => Math.hypot(e.clientX - drag.x0, e.clientY - drag.y0) >= DRAG_THRESHOLD;

/** Start dragging: a copy follows the pointer, the card hides, a placeholder marks the drop spot. */
function beginDrag(e) {
  const rect = drag.card.getBoundingClientRect();
  Object.assign(drag, { active: true, dx: drag.x0 - rect.left, dy: drag.y0 - rect.top });
  const ghost = drag.card.cloneNode(true);
  for (const el of [ghost, ...$$('[id]', ghost)]) el.removeAttribute('id');
  ['tabindex', 'role', 'aria-label', 'aria-describedby'].forEach((a) => ghost.removeAttribute(a));
  ghost.setAttribute('aria-hidden', 'true');
  ghost.classList.add('drag-ghost');
  ghost.style.width = `${rect.width}px`;
  document.body.append(ghost);
  drag.ghost = ghost;
  drag.placeholder = document.createElement('div');
  drag.placeholder.className = 'card-placeholder';
  drag.placeholder.style.height = `${rect.height}px`;
  drag.card.classList.add('is-dragging');
  document.body.classList.add('dragging');
  try { document.body.setPointerCapture(e.pointerId); } catch { /* the document listeners still work */ }
}

/** The list column under a point, by its box, so that space below the cards counts too. */
function listAt(x, y) {
  return $$('#lists .list').find((el) => {
    const r = el.getBoundingClientRect();
    return x >= r.left && x <= r.right && y >= r.top && y <= r.bottom;
  }) || null;
}

/** Put the placeholder where a drop at (x, y) would land, and remember that target. */
function placePlaceholder(x, y) {
  const list = listAt(x, y);
  if (!list) {
    drag.placeholder.remove();
    drag.target = null;
    return;
  }
  const cards = $$('.card', list).filter((c) => c !== drag.card);
  const index = cards.filter((c) => { const r = c.getBoundingClientRect(); return y >= r.top + r.height / 2; }).length;
  $('.list-cards', list).insertBefore(drag.placeholder, cards[index] || null);
  drag.target = { listId: Number(list.dataset.listId), index };
}

function onPointerMove(e) {
  if (!drag || e.pointerId !== drag.pointerId) return;
  if (!drag.active) {
    if (!movedFarEnough(e)) return;
    beginDrag(e);
  }
  e.preventDefault();
  drag.ghost.style.transform = `translate(${e.clientX - drag.dx}px, ${e.clientY - drag.dy}px)`;
  const columns = byId('columns'); // scroll the columns sideways near their edges
  const r = columns.getBoundingClientRect();
  if (e.clientX > r.right - 40) columns.scrollLeft += 20;
  else if (e.clientX < r.left + 40) columns.scrollLeft -= 20;
  placePlaceholder(e.clientX, e.clientY);
}

function endDrag() {
  if (!drag) return;
  if (drag.ghost) drag.ghost.remove();
  if (drag.placeholder) drag.placeholder.remove();
  drag.card.classList.remove('is-dragging');
  document.body.classList.remove('dragging');
  try { document.body.releasePointerCapture(drag.pointerId); } catch { /* already released */ }
  drag = null;
}

function onPointerUp(e) {
  if (!drag || e.pointerId !== drag.pointerId) return;
  if (!drag.active && movedFarEnough(e)) beginDrag(e); // the pointer jumped straight to the drop point
  if (!drag.active) {
    drag = null; // a plain click: the click handler opens the card
    return;
  }
  placePlaceholder(e.clientX, e.clientY);
  const { card, target } = drag;
  if (target) drag.placeholder.replaceWith(card); // show it where it landed straight away
  endDrag();
  suppressClick = true; // the click that follows a drag must not open the card
  setTimeout(() => { suppressClick = false; }, 0);
  const cardId = Number(card.dataset.cardId);
  if (target) moveCard(cardId, target.listId, target.index).catch(handleError);
  else focusCard(cardId);
}

function onPointerCancel(e) {
  if (drag && e.pointerId === drag.pointerId) endDrag();
}

/* ---------- The card dialog ---------- */

const cardPath = () => `/cards/${state.openCardId}`;

function openCard(id) {
  const where = findCard(id);
  if (!where) return;
  state.openCardId = id;
  $$('form', dialog()).forEach((form) => form.reset());
  byId('card-title').value = where.card.title;
  byId('card-description').value = where.card.description;
  byId('card-due').value = where.card.due || '';
  renderCardDialog();
  byId('dialog-error-slot').append(byId('error')); // the page behind a modal dialog is inert
  if (!dialog().open) dialog().showModal();
  byId('card-title').focus();
}

/** Close the dialog; with `refocus`, return focus to the card (or the heading if it is gone). */
function closeCard(refocus = true) {
  const id = state.openCardId;
  state.openCardId = null;
  if (dialog().open) dialog().close();
  byId('page-error-slot').append(byId('error'));
  if (refocus && id !== null) {
    if (byId(`card-${id}`)) focusCard(id);
    else focusHeading();
  }
}

/** Redraw the dialog's server-backed parts. The edit form is filled only on opening, so typing is kept. */
function renderCardDialog() {
  const where = findCard(state.openCardId);
  if (!where) { // archived, or gone
    closeCard();
    return;
  }
  const { card, list } = where;
  byId('card-dialog-title').textContent = card.title;
  byId('card-where').textContent = `In list ${list.title} · added by ${memberName(card.author)}`;
  renderInto(byId('card-move-list'), visibleLists().map((l) =>
    `<option value="${esc(l.id)}"${l.id === list.id ? ' selected' : ''}>${esc(l.title)}</option>`).join(''));
  renderInto(byId('card-label-choices'), state.board.labels.length ? `<ul class="plain checks">${state.board.labels.map((l) => `
    <li><input type="checkbox" class="card-label-toggle" id="card-label-${esc(l.id)}" data-label-id="${esc(l.id)}"${card.labels.includes(l.id) ? ' checked' : ''}>
      <label for="card-label-${esc(l.id)}">${chipHtml(l)}</label></li>`).join('')}</ul>`
    : '<p class="help">This board has no labels yet; add them below the lists.</p>');
  renderInto(byId('card-checklists'), card.checklists.map(checklistHtml).join(''));
  renderInto(byId('card-comments'), card.comments.length ? `<ol class="plain comments">${card.comments.map((c) => `
    <li><p class="help">${esc(memberName(c.author))} · <time datetime="${esc(c.at)}">${esc(new Date(c.at).toLocaleString())}</time></p>
      <p class="comment-text">${esc(c.text)}</p></li>`).join('')}</ol>` : '<p class="help">No comments yet.</p>');
  renderInto(byId('card-attachments'), card.attachments.length ? `<ul class="attachments">${card.attachments.map((a) => {
    const url = safeUrl(a.url);
    return url ? `<li><a href="${esc(url)}" target="_blank" rel="noopener noreferrer">${esc(a.name)}</a></li>`
      : `<li>${esc(a.name)} <span class="help">(${esc(a.url)})</span></li>`;
  }).join('')}</ul>` : '<p class="help">No attachments.</p>');
}

function checklistHtml(list) {
  const id = esc(list.id);
  const done = list.items.filter((i) => i.done).length;
  return `
    <div class="checklist">
      <h4>${esc(list.title)} <span class="help">${done}/${list.items.length}</span></h4>
      <ul class="plain checks">${list.items.map((item) => `
        <li><input type="checkbox" class="item-done" id="item-${esc(item.id)}" data-item-id="${esc(item.id)}"${item.done ? ' checked' : ''}>
          <label for="item-${esc(item.id)}">${esc(item.text)}</label></li>`).join('')}</ul>
      <form data-form="new-item" data-checklist-id="${id}" class="inline-form">
        <label class="visually-hidden" for="new-item-text-${id}">New item in ${esc(list.title)}</label>
        <input class="new-item-text" id="new-item-text-${id}" placeholder="New item" required>
        <button class="new-item-submit" id="new-item-submit-${id}" type="submit">Add item</button>
      </form>
    </div>`;
}

/* Card actions */

async function saveCard() {
  const title = byId('card-title').value.trim();
  if (!title) throw new Error('A card needs a title.');
  const description = byId('card-description').value;
  await mutate('PATCH', cardPath(), { title, description, due: byId('card-due').value || null });
  announce('Card saved.');
}

async function archiveCard() {
  await mutate('PATCH', cardPath(), { archived: true });
  closeCard();
  announce('Card archived.');
}

async function moveOpenCard() {
  const listId = Number(byId('card-move-list').value);
  const others = visibleCards(listById(listId)).filter((c) => c.id !== state.openCardId);
  await moveCard(state.openCardId, listId, others.length);
  if (dialog().open) byId('card-move-submit').focus();
}

/** A checkbox change sent to the server; the box flips back if that fails. */
function sendToggle(box, method, path, body) {
  return mutate(method, path, body).catch((err) => { box.checked = !box.checked; throw err; });
}

const toggleLabel = (box) => sendToggle(box, box.checked ? 'PUT' : 'DELETE', `${cardPath()}/labels/${box.dataset.labelId}`);
const toggleItem = (box) => sendToggle(box, 'PATCH', `/items/${box.dataset.itemId}`, { done: box.checked });

const addChecklist = () => addFrom(`${cardPath()}/checklists`, { title: 'new-checklist-title' });
const addItem = (form) => addFrom(`/checklists/${form.dataset.checklistId}/items`, { text: `new-item-text-${form.dataset.checklistId}` });
const addComment = () => addFrom(`${cardPath()}/comments`, { text: 'new-comment-text' });
const addAttachment = () => addFrom(`${cardPath()}/attachments`, { name: 'new-attachment-name', url: 'new-attachment-url' });

/* ---------- Wiring ---------- */

const SUBMITS = {
  'signin': signIn, 'new-board': createBoard, 'trello-import': importTrello,
  'new-list': addList, 'new-card': addCard, 'new-label': addLabel, 'share': shareBoard, 'rename-board': renameBoard,
  'card-edit': saveCard, 'new-checklist': addChecklist, 'new-item': addItem, 'new-comment': addComment, 'new-attachment': addAttachment,
};

const ACTIONS = {
  'signout': signOut, 'list-rename': renameList, 'list-archive': archiveList, 'board-archive': archiveBoard,
  'card-close': () => closeCard(), 'card-move': moveOpenCard, 'card-archive': archiveCard,
};

function onSubmit(e) {
  const handler = SUBMITS[e.target.dataset.form];
  if (!handler) return;
  e.preventDefault();
  withBusy(e.target, () => handler(e.target));
}

function onClick(e) {
  if (suppressClick) { // the click after a drag
    suppressClick = false;
    e.preventDefault();
    e.stopPropagation();
    return;
  }
  const action = e.target.closest('[data-action]');
  if (action && ACTIONS[action.dataset.action]) {
    withBusy(action, () => ACTIONS[action.dataset.action](action));
    return;
  }
  const card = e.target.closest('#lists .card');
  if (card) openCard(Number(card.dataset.cardId));
  else if (e.target === dialog()) { // a click on the backdrop, outside the dialog's box, closes it
    const r = dialog().getBoundingClientRect();
    if (e.clientX < r.left || e.clientX > r.right || e.clientY < r.top || e.clientY > r.bottom) closeCard();
  }
}

function onChange(e) {
  const box = e.target;
  if (box.matches('.card-label-toggle')) withBusy(box, () => toggleLabel(box));
  else if (box.matches('.item-done')) withBusy(box, () => toggleItem(box));
}

function onKeyDown(e) {
  if (e.key === 'Escape' && drag) endDrag();
  const card = e.target.closest && e.target.closest('#lists .card');
  if (!card || e.target !== card) return;
  if (e.altKey && ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown'].includes(e.key)) {
    e.preventDefault(); // Alt+Left would otherwise go back in history
    Promise.resolve(keyboardMove(card, e.key)).catch(handleError);
  } else if ((e.key === 'Enter' || e.key === ' ') && !e.altKey && !e.ctrlKey && !e.metaKey) {
    e.preventDefault();
    openCard(Number(card.dataset.cardId));
  }
}

document.addEventListener('submit', onSubmit);
document.addEventListener('click', onClick, true); // capture, so that a drag's click can be swallowed
document.addEventListener('change', onChange);
document.addEventListener('keydown', onKeyDown);
document.addEventListener('pointerdown', onPointerDown);
document.addEventListener('pointermove', onPointerMove);
document.addEventListener('pointerup', onPointerUp);
document.addEventListener('pointercancel', onPointerCancel);
dialog().addEventListener('close', () => { if (state.openCardId !== null) closeCard(); }); // Escape
startPage();
