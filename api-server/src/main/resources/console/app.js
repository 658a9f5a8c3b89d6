// The console's entry point: who is signed in, the header, and the views by address
// (#/ devices, #/devices/{id} one device, #/pair or /pair?code= pairing, #/account).

import { api, loginUrl, here, onUnauthenticated } from './api.js';
import { h, fill, errorText } from './dom.js';
import { devicesView } from './views/devices.js';
import { deviceView } from './views/device.js';
import { pairView } from './views/pair.js';
import { accountView } from './views/account.js';

const main = document.getElementById('main');
let current = null;

function signedOut(message) {
  document.getElementById('nav').hidden = true;
  document.getElementById('logout').hidden = true;
  fill(document.getElementById('who'));
  fill(
    main,
    h('h1', {}, 'Visiona console'),
    h('p', { id: 'signed-out' }, message),
    h('a', { id: 'login', class: 'button primary', href: loginUrl(here()) }, 'Sign in'));
}

function viewFor() {
  const hash = location.hash.replace(/^#/, '') || '/';
  if (location.pathname === '/pair' || hash === '/pair') {
    return pairView(new URLSearchParams(location.search).get('code') || '');
  }
  const device = /^\/devices\/([^/]+)$/.exec(hash);
  if (device) {
    return deviceView(decodeURIComponent(device[1]));
  }
  if (hash === '/account') {
    return accountView();
  }
  return devicesView();
}

function route() {
  if (current) {
    current.dispose();
  }
  current = viewFor();
  fill(main, current.element);
}

async function logout() {
  const button = document.getElementById('logout');
  button.disabled = true;
  try {
    const answer = await api('POST', '/api/auth/logout');
    window.removeEventListener('hashchange', route);
    if (current) {
      current.dispose();
      current = null;
    }
    if (answer && answer.endSessionUrl) {
      // The provider's own logout page; it may ask the person to confirm.
      location.assign(answer.endSessionUrl);
      return;
    }
    signedOut('You are signed out.');
  } catch (e) {
    main.prepend(errorText(e));
  } finally {
    button.disabled = false;
  }
}

async function start() {
  // Before anyone is signed in, a 401 shows the sign-in page instead of leaving at once.
  onUnauthenticated(() => signedOut('Sign in to see your devices.'));
  let me;
  try {
    me = await api('GET', '/api/auth/me');
  } catch (e) {
    if (e.status !== 401) {
      fill(main, errorText(e));
    }
    return;
  }
  onUnauthenticated(() => location.assign(loginUrl(here())));
  const user = me.user;
  fill(document.getElementById('who'), h('span', { id: 'person' }, user.name || user.email || user.subject));
  document.getElementById('nav').hidden = false;
  const button = document.getElementById('logout');
  button.hidden = false;
  button.addEventListener('click', logout);
  window.addEventListener('hashchange', route);
  route();
}

start();
