// Co-op Chat: the web page. Vanilla JavaScript (ES2020), no build step, no framework.
// Hash routes: #/ the channel list, #/c/{id} one channel (and #/c/{id}/t/{message} with
// a thread open). A channel is followed live over a WebSocket from the entry after the
// last one shown, so nothing is missed or shown twice; each entry that arrives redraws
// the channel from the server's view of it. The member's own pages are andel-http's,
// at /me. Built on andel-http's common.js (the session, the API, errors).
'use strict';

Object.assign(state, {
  channelId: null, // the open channel (from the route)
  channel: null,   // its ChannelView
  threadId: null,  // the message whose thread is open
  socket: null,    // the WebSocket following the open channel
  nextSeq: 0,      // the seq of the next entry expected on it
});

const REACTIONS = [['+1', '👍'], ['tada', '🎉'], ['heart', '❤️'], ['eyes', '👀']];
const emojiOf = (name) => (REACTIONS.find(([n]) => n === name) || [name, `:${name}:`])[1];
const memberName = (id) => (state.me && String(state.me.member) === String(id) ? 'you' : `member ${id}`);
const mine = (content) => content && state.session && String(content.author) === String(state.session.member);
const when = (at) => new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const showTemplate = (id) => app().replaceChildren(byId(id).content.cloneNode(true));

/* ---------- Routing ---------- */

function parseHash() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const found = hash.match(/^\/c\/([a-z0-9-]+)(?:\/t\/(\d+))?$/);
  return found ? { id: found[1], thread: found[2] ? Number(found[2]) : null } : { id: null, thread: null };
}

async function route() {
  const token = ++state.routeToken;
  const where = parseHash();
  byId('nav').hidden = !state.session;
  const s = state.session;
  byId('whoami').textContent = s ? `${state.me ? state.me.name : 'Member'} (no. ${s.member})` : '';
  if (!state.session) {
    stopFollowing();
    showTemplate('tpl-signin');
    byId('signin-member').focus();
    return;
  }
  if (!byId('channel-list')) showTemplate('tpl-chat');
  state.threadId = where.thread;
  try {
    await loadChannels(token);
    if (where.id !== state.channelId) {
      stopFollowing();
      state.channelId = where.id;
      state.channel = null;
    }
    if (state.channelId) {
      await loadChannel(token);
      follow();
    } else {
      renderChannel();
    }
  } catch (err) { handleError(err); }
}

/* ---------- Channels ---------- */

async function loadChannels(token) {
  const channels = await api('GET', '/api/channels');
  const list = byId('channel-list');
  if (token !== state.routeToken || !list) return;
  renderInto(list, channels.map((c) => `
    <li><a href="#/c/${esc(c.id)}" data-channel-id="${esc(c.id)}"${c.id === parseHash().id ? ' aria-current="page"' : ''}>
      <span>${c.kind === 'public' ? '#' : '🔒'} ${esc(c.name)}</span>
      ${c.unread ? `<span class="unread" aria-label="${c.unread} unread">${c.unread}</span>` : ''}
    </a></li>`).join('') || '<li>No channels yet.</li>');
}

async function loadChannel(token = state.routeToken) {
  const view = await api('GET', `/api/channels/${state.channelId}`);
  if (token !== state.routeToken) return;
  state.channel = view;
  state.nextSeq = Math.max(state.nextSeq, view.next_seq);
  renderChannel();
  markRead();
}

function messageById(id) {
  return state.channel && state.channel.messages.find((m) => m.id === id);
}

function messageHtml(m, inThread) {
  const c = m.content;
  const words = c ? esc(c.text) : m.withheld ? 'Not yours to see under the co-op’s policy.' : 'This message was deleted.';
  const meta = c ? `<span class="author">${esc(memberName(c.author))}</span> <time datetime="${esc(c.at)}">${esc(when(c.at))}</time>${c.edited ? ' <span>(edited)</span>' : ''}` : '';
  const files = c && c.files.length ? `<ul class="files">${c.files.map((f) => `<li>📎 ${esc(f.name)}</li>`).join('')}</ul>` : '';
  const me = state.session ? String(state.session.member) : '';
  const reactions = Object.entries(m.reactions).map(([name, who]) => {
    const pressed = who.map(String).includes(me);
    return `<button type="button" class="reaction" data-action="react" data-emoji="${esc(name)}" data-message-id="${m.id}" aria-pressed="${pressed}" aria-label="${esc(name)}: ${who.length}">${emojiOf(name)} ${who.length}</button>`;
  }).join('');
  const add = c ? REACTIONS.filter(([n]) => !(m.reactions[n] || []).map(String).includes(me))
    .map(([n, e]) => `<button type="button" data-action="react" data-emoji="${n}" data-message-id="${m.id}" aria-pressed="false" aria-label="React with ${n}">${e}</button>`).join('') : '';
  const thread = !inThread && !m.thread ? `<button type="button" data-action="open-thread" data-message-id="${m.id}">${m.replies.length ? `${m.replies.length} ${m.replies.length === 1 ? 'reply' : 'replies'}` : 'Reply in thread'}</button>` : '';
  const own = mine(c) ? `<button type="button" data-action="edit" data-message-id="${m.id}">Edit</button>
    <button type="button" data-action="delete" data-message-id="${m.id}" class="danger">Delete</button>` : '';
  return `<li class="message${c ? '' : ' gone'}" id="message-${m.id}" data-message-id="${m.id}">
    <div class="meta">${meta}</div><div class="text">${words}</div>${files}
    <div class="tools">${reactions}${add}${thread}${own}</div></li>`;
}

function renderChannel() {
  const view = state.channel;
  byId('channel-title').textContent = view ? `${view.kind === 'public' ? '#' : '🔒'} ${view.name}` : 'Choose a channel';
  byId('channel-topic').textContent = view ? view.topic : '';
  const joined = view && state.session && view.members.map(String).includes(String(state.session.member));
  byId('join').hidden = !view || joined;
  byId('composer').hidden = !joined;
  renderInto(byId('timeline'), view ? view.timeline.map((id) => messageById(id)).filter(Boolean).map((m) => messageHtml(m, false)).join('') : '');
  const root = state.threadId && messageById(state.threadId);
  byId('thread').hidden = !root;
  $('.chat').classList.toggle('with-thread', Boolean(root));
  if (root) {
    const replies = root.replies.map((id) => messageById(id)).filter(Boolean);
    renderInto(byId('thread-messages'), [root, ...replies].map((m) => messageHtml(m, true)).join(''));
  }
}

async function markRead() {
  const view = state.channel;
  const last = view && view.timeline[view.timeline.length - 1];
  const joined = view && view.members.map(String).includes(String(state.session.member));
  if (!last || !joined || (view.read_up_to || 0) >= last) return;
  await api('POST', `/api/channels/${view.id}/read`, { up_to: last }).catch(handleError);
}

/* ---------- Following live ---------- */

function stopFollowing() {
  if (state.socket) {
    state.socket.onclose = null;
    state.socket.close();
  }
  state.socket = null;
}

/** Follow the open channel from the next entry; reconnect from there when dropped. */
function follow() {
  if (state.socket || !state.channelId) return;
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const id = state.channelId;
  const socket = new WebSocket(`${scheme}://${location.host}/api/channels/${id}/live?after=${state.nextSeq}`);
  state.socket = socket;
  let redraw = null;
  socket.onmessage = (event) => {
    const entry = JSON.parse(event.data);
    if (entry.seq < state.nextSeq) return;
    state.nextSeq = entry.seq + 1;
    clearTimeout(redraw);
    redraw = setTimeout(() => { if (state.channelId === id) loadChannel().then(() => loadChannels(state.routeToken)).catch(handleError); }, 50);
  };
  socket.onclose = () => {
    if (state.socket !== socket) return;
    state.socket = null;
    setTimeout(() => { if (state.channelId === id && state.session) follow(); }, 1000);
  };
}

/* ---------- Actions ---------- */

async function onSubmit(event) {
  const form = event.target.closest('form[data-form]');
  if (!form) return;
  event.preventDefault();
  await withBusy(form, async () => {
    const base = `/api/channels/${state.channelId}`;
    switch (form.dataset.form) {
      case 'signin': await signIn(); break;
      case 'new-channel': {
        const opened = await api('POST', '/api/channels', { name: byId('new-channel-name').value, kind: byId('new-channel-kind').value });
        byId('new-channel-name').value = '';
        navigate(`#/c/${opened.id}`);
        break;
      }
      case 'post':
        await api('POST', `${base}/messages`, { text: byId('post-text').value });
        byId('post-text').value = '';
        await loadChannel();
        announce('Message sent.');
        break;
      case 'reply':
        await api('POST', `${base}/messages`, { text: byId('reply-text').value, thread: state.threadId, broadcast: byId('reply-broadcast').checked });
        byId('reply-text').value = '';
        await loadChannel();
        announce('Reply sent.');
        break;
      default: break;
    }
  });
}

async function onClick(event) {
  const button = event.target.closest('[data-action]');
  if (!button) return;
  const base = `/api/channels/${state.channelId}`;
  const message = Number(button.dataset.messageId);
  await withBusy(button, async () => {
    switch (button.dataset.action) {
      case 'signout': stopFollowing(); await signOut(); break;
      case 'join': await api('POST', `${base}/members`, {}); await loadChannel(); await loadChannels(state.routeToken); break;
      case 'open-thread': navigate(`#/c/${state.channelId}/t/${message}`); break;
      case 'thread-close': navigate(`#/c/${state.channelId}`); break;
      case 'react': {
        const path = `${base}/messages/${message}/reactions/${encodeURIComponent(button.dataset.emoji)}`;
        await api(button.getAttribute('aria-pressed') === 'true' ? 'DELETE' : 'PUT', path);
        await loadChannel();
        break;
      }
      case 'edit': {
        const found = messageById(message);
        const text = window.prompt('Edit your message', found && found.content ? found.content.text : '');
        if (text !== null) { await api('PATCH', `${base}/messages/${message}`, { text }); await loadChannel(); }
        break;
      }
      case 'delete':
        if (window.confirm('Delete this message? Its words are erased for good.')) {
          await api('DELETE', `${base}/messages/${message}`);
          await loadChannel();
          announce('Message deleted.');
        }
        break;
      default: break;
    }
  });
}

document.addEventListener('submit', onSubmit);
document.addEventListener('click', onClick);
document.addEventListener('keydown', (event) => {
  // Enter sends, Shift+Enter breaks the line.
  if (event.key === 'Enter' && !event.shiftKey && ['post-text', 'reply-text'].includes(event.target.id)) {
    event.preventDefault();
    event.target.form.requestSubmit();
  }
});
startPage();
