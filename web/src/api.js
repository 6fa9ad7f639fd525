// Talks to Sightline's JSON API (docs/api/openapi.json). Every failure becomes an ApiError with
// the server's {"error": {"code", "message"}} so views can show a clear message.
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let csrfToken = null;
export function setCsrfToken(token) { csrfToken = token; }

async function request(method, url, { json, body, headers = {} } = {}) {
  const init = { method, headers: { ...headers }, credentials: 'same-origin' };
  if (json !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(json);
  } else if (body !== undefined) {
    init.body = body;
  }
  if (method !== 'GET' && csrfToken) init.headers['X-CSRF-Token'] = csrfToken;
  let response;
  try {
    response = await fetch(url, init);
  } catch (e) {
    throw new ApiError(0, 'network', String(e.message || e));
  }
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!response.ok) {
    const err = data && data.error ? data.error : { code: 'http_' + response.status, message: text.slice(0, 200) };
    throw new ApiError(response.status, err.code, err.message);
  }
  return data;
}

export const api = {
  cameras: (bbox, limit = 1000) => request('GET', `/api/v1/cameras?bbox=${bbox.join(',')}&limit=${limit}`),
  camera: (id) => request('GET', `/api/v1/cameras/${encodeURIComponent(id)}`),
  stats: () => request('GET', '/api/v1/stats'),
  route: (query) => request('GET', `/api/v1/route?${query}`),
  inspectPhoto: (file) => request('POST', '/api/v1/photos/inspect', {
    body: file, headers: { 'Content-Type': file.type && file.type.startsWith('image/') ? file.type : 'image/jpeg' },
  }),
  submitReport: (report, photos) => {
    if (!photos.length) return request('POST', '/api/v1/reports', { json: report });
    const form = new FormData();
    form.append('report', new Blob([JSON.stringify(report)], { type: 'application/json' }));
    for (const photo of photos) form.append('photo', photo, photo.name || 'photo.jpg');
    return request('POST', '/api/v1/reports', { body: form });
  },
  withdraw: (id, token) => request('DELETE', `/api/v1/reports/${id}`, { headers: { 'X-Withdraw-Token': token } }),
  login: (username, password) => request('POST', '/api/v1/session', { json: { username, password } }),
  session: () => request('GET', '/api/v1/session'),
  logout: () => request('DELETE', '/api/v1/session'),
  reports: (status = 'pending', limit = 50) => request('GET', `/api/v1/reports?status=${status}&limit=${limit}`),
  decide: (id, decision) => request('POST', `/api/v1/reports/${id}/decision`, { json: decision }),
  audit: (limit = 100) => request('GET', `/api/v1/audit?limit=${limit}`),
};
