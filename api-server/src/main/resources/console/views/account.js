// #/account: the person's sessions (revoke any; revoking this one signs out here) and audit log.

import { api } from '../api.js';
import { h, fill, when, errorText } from '../dom.js';

export function accountView() {
  const sessions = h('div', { id: 'sessions' });
  const audit = h('tbody', { id: 'audit' });
  const more = h('button', { type: 'button', id: 'audit-more', hidden: true }, 'Older entries');
  const problem = h('div');
  let next = null;

  async function loadSessions() {
    try {
      const { sessions: list } = await api('GET', '/api/auth/sessions');
      fill(sessions, h('table', {},
        h('thead', {}, h('tr', {}, h('th', {}, 'Signed in'), h('th', {}, 'Last seen'), h('th', {}, 'Expires'),
          h('th', {}, 'Browser'), h('th', {}))),
        h('tbody', {}, list.map((s) =>
          h('tr', { class: s.current ? 'session current' : 'session', 'data-session': s.id },
            h('td', {}, when(s.createdAt), s.current ? h('strong', {}, ' (this browser)') : null),
            h('td', {}, when(s.lastSeenAt)),
            h('td', {}, when(s.expiresAt)),
            h('td', {}, s.userAgent || ''),
            h('td', {}, h('button', { type: 'button', class: 'danger revoke-session', onclick: () => revoke(s) },
              s.current ? 'Sign out here' : 'Revoke')))))));
    } catch (e) {
      fill(sessions, errorText(e));
    }
  }

  async function revoke(s) {
    try {
      await api('DELETE', `/api/auth/sessions/${encodeURIComponent(s.id)}`);
      if (s.current) {
        location.assign('/');
        return;
      }
      await loadSessions();
    } catch (e) {
      fill(problem, errorText(e));
    }
  }

  async function loadAudit() {
    more.disabled = true;
    try {
      const query = next === null ? '' : `&before=${encodeURIComponent(next)}`;
      const page = await api('GET', `/api/audit?limit=50${query}`);
      page.entries.forEach((e) => audit.append(h('tr', { class: 'audit-entry', 'data-action': e.action },
        h('td', {}, when(e.at)), h('td', {}, e.action), h('td', {}, e.detail || ''), h('td', {}, e.client_address || ''))));
      next = page.next === undefined ? null : page.next;
      more.hidden = next === null;
    } catch (e) {
      fill(problem, errorText(e));
    } finally {
      more.disabled = false;
    }
  }
  more.addEventListener('click', loadAudit);

  loadSessions();
  loadAudit();
  return {
    element: h('div', {},
      h('h1', {}, 'Account'),
      problem,
      h('section', {}, h('h2', {}, 'Sessions'), sessions),
      h('section', {}, h('h2', {}, 'Audit log'),
        h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'When'), h('th', {}, 'What'), h('th', {}, 'Detail'), h('th', {}, 'From'))), audit),
        more)),
    dispose() {},
  };
}
