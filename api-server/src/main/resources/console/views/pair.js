// #/pair and /pair?code=XXXX-XXXX (the box's verification_uri_complete): enter the code a box
// shows, see what asks to be paired, approve (optionally naming it) or deny.

import { api } from '../api.js';
import { h, fill, when, errorText } from '../dom.js';

export function pairView(initialCode) {
  const code = h('input', {
    type: 'text', id: 'pair-code', value: initialCode, autocomplete: 'off', spellcheck: 'false',
    maxlength: 32, placeholder: 'BCDF-GHJK', 'aria-label': 'Code shown by the box', required: true,
  });
  const result = h('div', { id: 'pairing' });

  async function lookUp(event) {
    if (event) {
      event.preventDefault();
    }
    const typed = code.value.trim();
    if (!typed) {
      return;
    }
    fill(result, h('p', { class: 'muted' }, 'Looking up…'));
    try {
      show(typed, await api('GET', `/api/pairings/${encodeURIComponent(typed)}`));
    } catch (e) {
      fill(result, errorText(e));
    }
  }

  function show(typed, p) {
    const name = h('input', { type: 'text', id: 'pair-name', value: p.name, maxlength: 128, 'aria-label': 'Name for the device' });
    const outcome = h('div', { id: 'pair-outcome' });
    const buttons = [];
    async function decide(action) {
      buttons.forEach((b) => { b.disabled = true; });
      try {
        const body = action === 'approve' ? { name: name.value } : {};
        const answer = await api('POST', `/api/pairings/${encodeURIComponent(typed)}/${action}`, body);
        fill(outcome, answer.state === 'approved'
          ? h('p', { class: 'notice', role: 'status' }, 'Approved: the box connects within a few seconds. ', h('a', { href: '/#/' }, 'See your devices'), '.')
          : h('p', { class: 'notice', role: 'status' }, 'Denied: the box was told no.'));
      } catch (e) {
        buttons.forEach((b) => { b.disabled = false; });
        fill(outcome, errorText(e));
      }
    }
    const pending = p.state === 'pending';
    if (pending) {
      buttons.push(
        h('button', { type: 'button', id: 'pair-approve', class: 'primary', onclick: () => decide('approve') }, 'Approve'),
        h('button', { type: 'button', id: 'pair-deny', class: 'danger', onclick: () => decide('deny') }, 'Deny'));
    }
    fill(
      result,
      h('h2', {}, 'This box asks to be paired with your account'),
      h('dl', { id: 'pair-details' },
        h('dt', {}, 'Code'), h('dd', {}, p.user_code),
        h('dt', {}, 'Name'), h('dd', { id: 'pair-box-name' }, p.name),
        h('dt', {}, 'Model'), h('dd', { id: 'pair-box-model' }, p.model || '—'),
        h('dt', {}, 'Serial'), h('dd', { id: 'pair-box-serial' }, p.serial || '—'),
        h('dt', {}, 'Agent'), h('dd', {}, p.agent_version || '—'),
        h('dt', {}, 'Asked from'), h('dd', {}, p.client_address),
        h('dt', {}, 'Expires'), h('dd', {}, when(p.expires_at)),
        h('dt', {}, 'State'), h('dd', { id: 'pair-state' }, p.state)),
      pending
        ? h('p', {}, 'Approve only if this is the box in front of you, showing this code.')
        : h('p', { class: 'muted' }, 'This pairing is already decided.'),
      pending ? h('div', { class: 'row' }, h('label', { for: 'pair-name' }, 'Name'), name) : null,
      h('div', { class: 'row' }, buttons),
      outcome);
  }

  if (initialCode) {
    lookUp();
  }
  return {
    element: h(
      'div',
      {},
      h('h1', {}, 'Pair a box'),
      h('p', {}, 'Enter the code the box shows.'),
      h('form', { id: 'pair-form', onsubmit: lookUp }, code, h('button', { type: 'submit', class: 'primary' }, 'Look up')),
      result),
    dispose() {},
  };
}
