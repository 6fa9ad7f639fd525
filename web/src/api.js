// Talks to Sightline's JSON API (docs/api/openapi.json). Every failure becomes an ApiError with
// the server's {"error": {"code", "message"}} so views can show a clear message.
export class ApiError extends Error {
  constructor(status, code, message, retryAfter = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;  // seconds from Retry-After (429, 503), or null
  }
}

/// Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), or null.
export function retryAfterSeconds(header) {
  if (!header) return null;
  if (/^\s*\d+\s*$/.test(header)) return Number(header);
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

function errorFrom(status, text, retryAfterHeader) {
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  const err = data && data.error ? data.error : { code: 'http_' + status, message: (text || '').slice(0, 200) };
  return new ApiError(status, err.code, err.message, retryAfterSeconds(retryAfterHeader));
}

let csrfToken = null;
export function setCsrfToken(token) { csrfToken = token; }

async function request(method, url, { json, body, headers = {}, signal } = {}) {
  const init = { method, headers: { ...headers }, credentials: 'same-origin', signal };
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
    if (signal?.aborted) throw new ApiError(0, 'aborted', 'aborted');
    throw new ApiError(0, 'network', String(e.message || e));
  }
  let text;
  try {
    text = await response.text();
  } catch (e) {
    if (signal?.aborted) throw new ApiError(0, 'aborted', 'aborted');
    throw new ApiError(0, 'network', String(e.message || e));
  }
  if (!response.ok) throw errorFrom(response.status, text, response.headers.get('Retry-After'));
  try { return text ? JSON.parse(text) : null; } catch { return null; }
}

/// POST with XMLHttpRequest, which (unlike fetch) reports upload progress: onProgress(sent, total).
/// Returns {promise, abort}; the promise resolves with the JSON answer or rejects with an ApiError
/// (code 'network' when the connection failed, 'aborted' after abort()).
function upload(url, form, onProgress) {
  const xhr = new XMLHttpRequest();
  const promise = new Promise((resolve, reject) => {
    xhr.open('POST', url);
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken);
    xhr.upload.addEventListener('progress', (e) => onProgress?.(e.loaded, e.lengthComputable ? e.total : 0));
    xhr.addEventListener('load', () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try { resolve(JSON.parse(xhr.responseText)); } catch { resolve(null); }
      } else {
        reject(errorFrom(xhr.status, xhr.responseText, xhr.getResponseHeader('Retry-After')));
      }
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, 'network', 'network error')));
    xhr.addEventListener('timeout', () => reject(new ApiError(0, 'network', 'timeout')));
    xhr.addEventListener('abort', () => reject(new ApiError(0, 'aborted', 'aborted')));
    xhr.send(form);
  });
  return { promise, abort: () => xhr.abort() };
}

export const api = {
  cameras: (bbox, limit = 1000) => request('GET', `/api/v1/cameras?bbox=${bbox.join(',')}&limit=${limit}`),
  camera: (id) => request('GET', `/api/v1/cameras/${encodeURIComponent(id)}`),
  /// The cameras that were on the map at the end of `day` (YYYY-MM-DD), removed ones included.
  camerasActiveAt: (bbox, day, limit = 10000) => request('GET', `/api/v1/cameras?bbox=${bbox.join(',')}&active_at=${day}&limit=${limit}`),
  sources: () => request('GET', '/api/v1/sources'),
  comparison: (id) => request('GET', `/api/v1/sources/${encodeURIComponent(id)}/comparison`),
  stats: () => request('GET', '/api/v1/stats'),
  /// Figures per district ({level, districts, incomplete}); the first answer after a change can
  /// take a few seconds on a city.
  districts: () => request('GET', '/api/v1/districts'),
  districtsGeojson: () => request('GET', '/api/v1/districts.geojson'),
  district: (id) => request('GET', `/api/v1/districts/${encodeURIComponent(id)}`),
  /// Cameras on the map, added and removed, and reports, per 'month' or 'year'.
  history: (interval = 'month') => request('GET', `/api/v1/stats/history?interval=${interval}`),
  route: (query) => request('GET', `/api/v1/route?${query}`),
  /// Places and camera numbers by name, best first; near = [lat, lon] biases towards a point.
  search: (q, { near, limit = 8, signal } = {}) => request('GET', `/api/v1/search?q=${encodeURIComponent(q)}`
    + (near ? `&lat=${near[0].toFixed(5)}&lon=${near[1].toFixed(5)}` : '') + `&limit=${limit}`, { signal }),
  /// The nearest address or street within 150 m (an ApiError with status 404 when there is none).
  reverse: (lat, lon) => request('GET', `/api/v1/reverse?lat=${lat}&lon=${lon}`),
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
  /// "Still there" (present = true) or "gone" (false) about a camera, by anyone: {check, camera}.
  /// With a photo: multipart, a part `check` (the JSON) and a part `photo`, scrubbed by the server.
  checkCamera: (id, present, note = '', photo = null) => {
    const check = note ? { present, note } : { present };
    const url = `/api/v1/cameras/${encodeURIComponent(id)}/checks`;
    if (!photo) return request('POST', url, { json: check });
    const form = new FormData();
    form.append('check', new Blob([JSON.stringify(check)], { type: 'application/json' }));
    form.append('photo', photo, 'photo.jpg');
    return request('POST', url, { body: form });
  },
  checks: (status = 'pending', limit = 100) => request('GET', `/api/v1/moderation/checks?status=${status}&limit=${limit}`),
  decideCheck: (id, action, reason = '') => request('POST', `/api/v1/moderation/checks/${id}/${action}`,
    { json: reason ? { reason } : {} }),
  recheck: (limit = 50) => request('GET', `/api/v1/moderation/recheck?limit=${limit}`),
  /// "Make media safe": the file goes up as the part `media` under a neutral name (a phone's file
  /// name often holds the date and time); `audio` ("keep" | "drop") comes first so that a server
  /// that streams the body knows it before the file.
  scrub: (file, { dropAudio = false, onProgress } = {}) => {
    const form = new FormData();
    form.append('audio', dropAudio ? 'drop' : 'keep');
    form.append('media', file, 'upload');
    return upload('/api/v1/scrub', form, onProgress);
  },
  scrubStatus: (statusUrl) => request('GET', statusUrl),
  /// Survey campaigns (docs/adr/017-survey-campaigns.md).
  campaigns: () => request('GET', '/api/v1/campaigns'),
  campaign: (id) => request('GET', `/api/v1/campaigns/${encodeURIComponent(id)}`),
  createCampaign: (body) => request('POST', '/api/v1/campaigns', { json: body }),
  /// The nearest free task ({task} or {task: null}); the server holds it for 30 minutes.
  nextTask: (id, lat, lon) => request('GET', `/api/v1/campaigns/${encodeURIComponent(id)}/next?lat=${lat.toFixed(6)}&lon=${lon.toFixed(6)}`),
  answerTask: (id, task, body) => request('POST', `/api/v1/campaigns/${encodeURIComponent(id)}/tasks/${encodeURIComponent(task)}/answers`, { json: body }),
  campaignTasks: (id, state) => request('GET', `/api/v1/campaigns/${encodeURIComponent(id)}/tasks?state=${state}`),
  resolveTask: (id, task, body) => request('POST', `/api/v1/campaigns/${encodeURIComponent(id)}/tasks/${encodeURIComponent(task)}/resolve`, { json: body }),
  /// The survey layer as GeoJSON (properties.state: not_surveyed, surveyed_none, surveyed_cameras, stale).
  surveys: (bbox, { signal } = {}) => request('GET', `/api/v1/surveys?bbox=${bbox.join(',')}`, { signal }),
  /// Street coverage of an area (one cell: the figures of the whole box) with surveyed_share.
  coverage: (bbox, { signal } = {}) => request('GET', `/api/v1/coverage?bbox=${bbox.join(',')}&cell=100000`, { signal }),
};
