// #/devices/{id}: one device. Its details, rename, credentials, delete; and the box itself through
// device access: status JSON, camera (MJPEG in an <img>), server-sent events, WebSocket console.

import { api, agentUrl, fetchText } from '../api.js';
import { h, fill, when, appendBounded, errorText } from '../dom.js';
import { presence } from './devices.js';

const MAX_LOG = 100;

export function deviceView(id) {
  const path = `/api/devices/${encodeURIComponent(id)}`;
  const closers = [];
  const title = h('h1', { id: 'device-name' }, 'Device');
  const details = h('dl', { id: 'device-details' });
  const message = h('div', { id: 'device-message' });
  const status = h('pre', { id: 'status' }, 'Not loaded.');
  const credentials = h('div', { id: 'credentials' });
  const nameInput = h('input', { type: 'text', id: 'rename-input', maxlength: 128, required: true, 'aria-label': 'New name' });

  function notice(text) {
    fill(message, h('p', { class: 'notice', role: 'status' }, text));
  }

  function failed(e) {
    fill(message, errorText(e));
  }

  async function loadDevice() {
    const d = await api('GET', path);
    fill(title, d.name);
    nameInput.value = d.name;
    fill(
      details,
      h('dt', {}, 'State'), h('dd', { id: 'device-presence' }, presence(d.presence)),
      h('dt', {}, 'Model'), h('dd', {}, d.model || '—'),
      h('dt', {}, 'Serial'), h('dd', {}, d.serial || '—'),
      h('dt', {}, 'Agent'), h('dd', {}, d.agent_version || '—'),
      h('dt', {}, 'Paired'), h('dd', {}, when(d.created_at)),
      h('dt', {}, 'Online since'), h('dd', {}, when(d.online_since) || '—'));
    return d;
  }

  async function loadStatus() {
    fill(status, 'Loading…');
    try {
      const answer = await fetchText(agentUrl(id, '/api/status'));
      let shown = answer.text;
      if (answer.contentType.startsWith('application/json')) {
        try {
          shown = JSON.stringify(JSON.parse(answer.text), null, 2);
        } catch (e) {
          shown = answer.text;
        }
      }
      fill(status, shown);
    } catch (e) {
      fill(status, `${e.message}${e.code ? ` (${e.code})` : ''}`);
    }
  }

  async function loadCredentials() {
    const { credentials: list } = await api('GET', `${path}/credentials`);
    fill(
      credentials,
      list.length === 0
        ? h('p', { class: 'muted' }, 'No credentials.')
        : h('table', {},
          h('thead', {}, h('tr', {}, h('th', {}, 'Credential'), h('th', {}, 'Created'), h('th', {}, 'Expires'),
            h('th', {}, 'State'), h('th', {}))),
          h('tbody', {}, list.map((c) =>
            h('tr', { class: 'credential', 'data-credential': c.id },
              h('td', {}, h('code', {}, c.id)),
              h('td', {}, when(c.created_at)),
              h('td', {}, when(c.expires_at)),
              h('td', { class: 'credential-state' }, c.revoked_at ? `revoked ${when(c.revoked_at)}` : c.valid ? 'valid' : 'expired'),
              h('td', {}, c.valid
                ? h('button', { type: 'button', class: 'danger revoke', onclick: () => revoke(c.id) }, 'Revoke')
                : null))))));
  }

  async function revoke(cid) {
    try {
      await api('DELETE', `${path}/credentials/${encodeURIComponent(cid)}`);
      notice('Credential revoked: the box is disconnected and cannot reconnect with it.');
      await loadCredentials();
      await loadDevice();
    } catch (e) {
      failed(e);
    }
  }

  async function rename(event) {
    event.preventDefault();
    try {
      await api('PATCH', path, { name: nameInput.value });
      await loadDevice();
      notice('Renamed.');
    } catch (e) {
      failed(e);
    }
  }

  const confirmDelete = h('button', { type: 'button', id: 'delete-confirm', class: 'danger', hidden: true, onclick: remove }, 'Yes, delete it');
  async function remove() {
    confirmDelete.disabled = true;
    try {
      await api('DELETE', path);
      location.assign('/#/');
    } catch (e) {
      confirmDelete.disabled = false;
      failed(e);
    }
  }

  const element = h(
    'div',
    { id: 'device', 'data-device': id },
    h('p', {}, h('a', { href: '/#/' }, '← Devices')),
    title,
    message,
    details,
    h('form', { id: 'rename', onsubmit: rename }, h('label', { for: 'rename-input' }, 'Name'), nameInput, h('button', { type: 'submit' }, 'Rename')),
    h('section', {}, h('h2', {}, 'Status'),
      h('div', { class: 'row' }, h('button', { type: 'button', id: 'status-reload', onclick: loadStatus }, 'Reload status')),
      status),
    cameraSection(id, closers),
    eventsSection(id, closers),
    consoleSection(id, closers),
    h('section', {}, h('h2', {}, 'Credentials'), credentials),
    h('section', {}, h('h2', {}, 'Delete'),
      h('div', { class: 'row' },
        h('button', { type: 'button', id: 'delete', class: 'danger', onclick: () => { confirmDelete.hidden = false; } }, 'Delete device…'),
        confirmDelete)));

  (async () => {
    try {
      const d = await loadDevice();
      await loadCredentials();
      // Only an online box is asked: an offline one would only answer DEVICE_OFFLINE.
      if (d.presence === 'online') {
        await loadStatus();
      } else {
        fill(status, 'The box is not connected.');
      }
    } catch (e) {
      failed(e);
    }
  })();

  return {
    element,
    dispose() {
      closers.forEach((close) => close());
    },
  };
}

/** A box path chooser: the default path, editable (boxes differ), checked to stay on the device. */
function pathInput(idName, value) {
  return h('input', { type: 'text', id: idName, value, 'aria-label': 'Box path', spellcheck: 'false' });
}

function cameraSection(id, closers) {
  const input = pathInput('camera-path', '/camera.mjpeg');
  const problem = h('div');
  let img = null;
  const frame = h('div', { id: 'camera-frame' });
  function stop() {
    if (img) {
      img.removeAttribute('src'); // ends the stream
      img.remove();
      img = null;
    }
  }
  function start(event) {
    event.preventDefault();
    stop();
    fill(problem);
    try {
      img = h('img', { id: 'camera', class: 'camera', alt: 'camera' });
      img.addEventListener('error', () => fill(problem, h('p', { class: 'error' }, 'The camera stream failed.')));
      img.src = agentUrl(id, input.value).href;
      frame.append(img);
    } catch (e) {
      fill(problem, errorText(e));
    }
  }
  closers.push(stop);
  return h('section', {}, h('h2', {}, 'Camera'),
    h('form', { id: 'camera-form', onsubmit: start }, input, h('button', { type: 'submit' }, 'Start'),
      h('button', { type: 'button', id: 'camera-stop', onclick: stop }, 'Stop')),
    problem, frame);
}

function eventsSection(id, closers) {
  const input = pathInput('events-path', '/events');
  const state = h('span', { id: 'events-state', class: 'muted' }, 'closed');
  const log = h('ol', { id: 'events', class: 'log' });
  let source = null;
  function stop() {
    if (source) {
      source.close();
      source = null;
      fill(state, 'closed');
    }
  }
  function start(event) {
    event.preventDefault();
    stop();
    try {
      source = new EventSource(agentUrl(id, input.value).href, { withCredentials: false });
    } catch (e) {
      fill(state, e.message);
      return;
    }
    fill(state, 'connecting');
    source.onopen = () => fill(state, 'open');
    source.onerror = () => fill(state, source && source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
    source.onmessage = (m) => appendBounded(log, h('li', { class: 'event' }, m.data), MAX_LOG);
  }
  closers.push(stop);
  return h('section', {}, h('h2', {}, 'Events'),
    h('form', { id: 'events-form', onsubmit: start }, input, h('button', { type: 'submit' }, 'Connect'),
      h('button', { type: 'button', id: 'events-stop', onclick: stop }, 'Disconnect'), state),
    log);
}

function consoleSection(id, closers) {
  const input = pathInput('ws-path', '/ws');
  const state = h('span', { id: 'ws-state', class: 'muted' }, 'closed');
  const text = h('input', { type: 'text', id: 'ws-text', 'aria-label': 'Message', disabled: true });
  const send = h('button', { type: 'submit', id: 'ws-send', disabled: true }, 'Send');
  const log = h('ol', { id: 'ws-log', class: 'log' });
  let socket = null;
  function line(cls, value) {
    appendBounded(log, h('li', { class: cls }, value), MAX_LOG);
  }
  function enable(open) {
    text.disabled = !open;
    send.disabled = !open;
  }
  function stop() {
    if (socket) {
      socket.close(1000);
      socket = null;
    }
    enable(false);
  }
  function connect(event) {
    event.preventDefault();
    stop();
    let ws;
    try {
      ws = new WebSocket(agentUrl(id, input.value, true).href);
    } catch (e) {
      fill(state, e.message);
      return;
    }
    socket = ws;
    fill(state, 'connecting');
    ws.onopen = () => {
      fill(state, 'open');
      enable(true);
    };
    ws.onmessage = (m) => line('received', typeof m.data === 'string' ? `← ${m.data}` : '← (binary message)');
    ws.onclose = (e) => {
      if (socket === ws) {
        socket = null;
        enable(false);
      }
      fill(state, `closed (${e.code})`);
    };
  }
  function sendText(event) {
    event.preventDefault();
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(text.value);
      line('sent', `→ ${text.value}`);
      text.value = '';
    }
  }
  closers.push(stop);
  return h('section', {}, h('h2', {}, 'Console'),
    h('form', { id: 'ws-form', onsubmit: connect }, input, h('button', { type: 'submit' }, 'Connect'),
      h('button', { type: 'button', id: 'ws-stop', onclick: stop }, 'Disconnect'), state),
    h('form', { id: 'ws-send-form', onsubmit: sendText }, text, send),
    log);
}
