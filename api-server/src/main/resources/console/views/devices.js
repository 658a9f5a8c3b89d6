// #/ : the person's devices with their presence, refreshed while the view is shown.

import { api } from '../api.js';
import { h, fill, when, errorText } from '../dom.js';

const REFRESH_MS = 10000;

export function presence(value) {
  const p = ['online', 'offline'].includes(value) ? value : 'unknown';
  return h('span', { class: `presence presence-${p}`, 'data-presence': p }, p);
}

export function devicesView() {
  const body = h('div', { id: 'devices' }, h('p', { class: 'muted' }, 'Loading devices…'));
  let stopped = false;

  async function load() {
    try {
      const { devices } = await api('GET', '/api/devices');
      if (stopped) {
        return;
      }
      if (devices.length === 0) {
        fill(body, h('p', { id: 'no-devices' }, 'No devices yet. ', h('a', { href: '/#/pair' }, 'Pair a box'), '.'));
        return;
      }
      fill(
        body,
        h(
          'table',
          {},
          h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Model'), h('th', {}, 'Serial'),
            h('th', {}, 'State'), h('th', {}, 'Online since'))),
          h(
            'tbody',
            {},
            devices.map((d) =>
              h(
                'tr',
                { class: 'device', 'data-device': d.id },
                h('td', {}, h('a', { href: `/#/devices/${encodeURIComponent(d.id)}` }, d.name)),
                h('td', {}, d.model || ''),
                h('td', {}, d.serial || ''),
                h('td', {}, presence(d.presence)),
                h('td', {}, when(d.online_since)))))));
    } catch (e) {
      if (!stopped) {
        fill(body, errorText(e));
      }
    }
  }

  const timer = setInterval(load, REFRESH_MS);
  load();
  return {
    element: h(
      'div',
      {},
      h('h1', {}, 'Devices'),
      h('div', { class: 'row' },
        h('button', { id: 'refresh', type: 'button', onclick: load }, 'Refresh'),
        h('a', { class: 'button', href: '/#/pair' }, 'Pair a box')),
      body),
    dispose() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
