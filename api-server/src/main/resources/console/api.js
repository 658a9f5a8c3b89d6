// The one way the console talks to /api: same-origin cookie, CSRF header on unsafe methods,
// JSON in and out, and a 401 anywhere sends the person to login and back to where they were.

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const MAX_RETURN_TO = 2048;

/** An error answer of the API ({"error":{"code","message"}}) or a failed request. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Where the person is now, as login's returnTo accepts it (a local path). */
export function here() {
  const path = location.pathname + location.search + location.hash;
  return path.length <= MAX_RETURN_TO ? path : '/';
}

/** The login entry point, coming back to `returnTo`. */
export function loginUrl(returnTo = here()) {
  return '/api/auth/login?returnTo=' + encodeURIComponent(returnTo);
}

let unauthenticated = () => location.assign(loginUrl());

/** What a 401 does (the app shows a sign-in page before anyone is signed in). */
export function onUnauthenticated(handler) {
  unauthenticated = handler;
}

/** Calls the API; resolves to the parsed JSON (null for an empty answer), rejects with ApiError. */
export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (UNSAFE.has(method)) {
    headers['X-CSRF'] = '1';
  }
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store', redirect: 'error' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'NETWORK', 'the server cannot be reached');
  }
  return answer(res);
}

/** Fetches a text resource (a box's answer through device access), with the same 401 rule. */
export async function fetchText(url) {
  let res;
  try {
    res = await fetch(url, { credentials: 'same-origin', cache: 'no-store', redirect: 'error' });
  } catch (e) {
    throw new ApiError(0, 'NETWORK', 'the server cannot be reached');
  }
  if (!res.ok) {
    return answer(res);
  }
  return { contentType: res.headers.get('Content-Type') || '', text: await res.text() };
}

async function answer(res) {
  if (res.status === 401) {
    unauthenticated();
    throw new ApiError(401, 'UNAUTHENTICATED', 'you are signed out');
  }
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (e) {
    json = null;
  }
  if (!res.ok) {
    const err = json && json.error;
    throw new ApiError(
      res.status,
      err && typeof err.code === 'string' ? err.code : `HTTP_${res.status}`,
      err && typeof err.message === 'string' ? err.message : res.statusText || 'request failed');
  }
  return json;
}

/** The device access URL of a box path (it must stay inside the device's agent prefix). */
export function agentUrl(deviceId, boxPath, websocket = false) {
  const base = `/api/devices/${encodeURIComponent(deviceId)}/agent`;
  if (typeof boxPath !== 'string' || !boxPath.startsWith('/') || boxPath.startsWith('//')) {
    throw new ApiError(0, 'BAD_PATH', 'a box path starts with a single /');
  }
  const url = new URL(base + boxPath, location.origin);
  if (url.origin !== location.origin || !url.pathname.startsWith(base + '/')) {
    throw new ApiError(0, 'BAD_PATH', 'that path leads outside the device');
  }
  if (websocket) {
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  }
  return url;
}
