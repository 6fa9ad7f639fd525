// The offline field mode's storage (IndexedDB "sightline-field"): the areas saved for offline use
// (a campaign, its tasks from GET /api/v1/surveys, the tasks answered here) and the queue of
// answers and reports made without a connection. The queue is drained on `online`, at start and
// on demand, by one tab at a time (Web Locks), oldest first; an item leaves the queue only when
// the server took it (an answer: 200 or 201, deduplicated by its answer_id anyway; a report: 201).
import { api, ApiError } from './api.js';

const dbName = 'sightline-field';
let dbPromise = null;

function db() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const open = indexedDB.open(dbName, 1);
      open.onupgradeneeded = () => {
        open.result.createObjectStore('areas', { keyPath: 'campaign' });
        open.result.createObjectStore('queue', { keyPath: 'key', autoIncrement: true });
      };
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => { dbPromise = null; reject(open.error); };
    });
  }
  return dbPromise;
}

async function tx(store, mode, fn) {
  const d = await db();
  return new Promise((resolve, reject) => {
    const t = d.transaction(store, mode);
    let result;
    Promise.resolve(fn(t.objectStore(store))).then((r) => { result = r; });
    t.oncomplete = () => resolve(result);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error);
  });
}
const req = (r) => new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });

// Other tabs hear about queue changes too (their counts stay right).
const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('sightline-field') : null;
function changed() {
  window.dispatchEvent(new CustomEvent('sightline:queue'));
  channel?.postMessage('queue');
}
channel?.addEventListener('message', () => window.dispatchEvent(new CustomEvent('sightline:queue')));

export const areas = {
  get: (campaign) => tx('areas', 'readonly', (s) => req(s.get(Number(campaign)))),
  put: (area) => tx('areas', 'readwrite', (s) => req(s.put(area))),
  /// Marks a task answered here, so that offline the next task is another one.
  markAnswered: async (campaign, task) => {
    const area = await areas.get(campaign);
    if (!area) return;
    area.answered = [...new Set([...(area.answered || []), Number(task)])];
    await areas.put(area);
  },
};

export const queue = {
  all: () => tx('queue', 'readonly', (s) => req(s.getAll())),
  add: async (item) => {
    const key = await tx('queue', 'readwrite', (s) => req(s.add({ ...item, queuedAt: Date.now() })));
    localStorage.setItem(queuedFlag, '1');
    changed();
    return key;
  },
  remove: async (key) => { await tx('queue', 'readwrite', (s) => req(s.delete(key))); changed(); },
  put: (item) => tx('queue', 'readwrite', (s) => req(s.put(item))),
};

/// {answers, reports} waiting in the queue.
export async function queueCounts() {
  const items = await queue.all();
  return { answers: items.filter((i) => i.kind === 'answer').length, reports: items.filter((i) => i.kind === 'report').length };
}

/// Queues a report made without a connection: its JSON and its photos as Blobs (with their names
/// and types). `field` ({campaign, task}) links it to the task being surveyed.
export function queueReport(report, photos, field = null) {
  return queue.add({ kind: 'report', report, field,
    photos: photos.map((p) => ({ blob: p, name: p.name || 'photo.jpg', type: p.type || 'image/jpeg' })) });
}

/// Queues an answer; `reportKeys` are queue keys of reports it names, replaced by their numbers
/// once they are sent.
export function queueAnswer(campaign, task, body, reportKeys = []) {
  return queue.add({ kind: 'answer', campaign: Number(campaign), task: Number(task), body, reportKeys });
}

const sentKey = 'sightline.field.sent';
/// Reports this device sent from the queue ({id, withdraw_token}), newest first: their withdraw
/// links are shown on the campaign page.
export function sentReports() {
  try { return JSON.parse(localStorage.getItem(sentKey) || '[]'); } catch { return []; }
}
function rememberSent(r) {
  localStorage.setItem(sentKey, JSON.stringify([{ id: r.id, withdraw_token: r.withdraw_token }, ...sentReports()].slice(0, 20)));
}

let draining = false;  // this tab's own guard, where Web Locks are missing
/// Whether a failure means "try again later" (no connection, server busy) rather than "never".
const transient = (err) => !(err instanceof ApiError) || err.status === 0 || err.status === 429 || err.status >= 500;

/// Sends the queue, oldest first, stopping at the first failure that may pass. Resolves with
/// {sent, dropped, left}; dropped items are those the server refused for good (4xx).
export async function drain() {
  const result = { sent: 0, dropped: 0, left: 0 };
  const reportIds = new Map();  // queue key of a report -> its number
  // Items queued while a round runs (by this tab or another) are sent by the next round.
  const run = async () => {
    for (let round = 0; round < 5; round++) {
      const before = result.sent + result.dropped;
      await runRound();
      if (result.left || result.sent + result.dropped === before) break;
    }
    if (!result.left) localStorage.removeItem(queuedFlag);
    return result;
  };
  const runRound = async () => {
    const items = (await queue.all()).sort((a, b) => a.key - b.key);
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      try {
        if (item.kind === 'report') {
          const photos = item.photos.map((p) => new File([p.blob], p.name, { type: p.type }));
          const created = await api.submitReport(item.report, photos);
          reportIds.set(item.key, created.id);
          rememberSent(created);
          // The answers waiting behind it name it from now on, also if they are sent another time.
          for (const waiting of await queue.all()) {
            if (waiting.kind !== 'answer' || !(waiting.reportKeys || []).includes(item.key)) continue;
            waiting.reportKeys = waiting.reportKeys.filter((k) => k !== item.key);
            waiting.body = { ...waiting.body, report_ids: [...new Set([...(waiting.body.report_ids || []), created.id])] };
            await queue.put(waiting);
          }
        } else {
          // Read again: a report sent before it in this round named itself in the stored item.
          const stored = (await queue.all()).find((q) => q.key === item.key) || item;
          const body = { ...stored.body };
          const named = (stored.reportKeys || []).map((k) => reportIds.get(k)).filter(Boolean);
          if (named.length) body.report_ids = [...new Set([...(body.report_ids || []), ...named])];
          await api.answerTask(stored.campaign, stored.task, body);
        }
        await queue.remove(item.key);
        result.sent += 1;
      } catch (err) {
        if (transient(err)) { result.left = items.length - i; break; }
        await queue.remove(item.key);
        result.dropped += 1;
      }
    }
  };
  if (navigator.locks) {
    // One tab drains; another that asks meanwhile gets null (the first one sends its items).
    return navigator.locks.request('sightline-field-queue', { ifAvailable: true }, (lock) => (lock ? run() : null));
  }
  if (draining) return null;
  draining = true;
  try { return await run(); } finally { draining = false; }
}

let started = false;
/// Drains at start and on every `online` event (once per page load).
export function startQueue() {
  if (started) return;
  started = true;
  const go = () => drain().catch(() => {}).finally(() => window.dispatchEvent(new CustomEvent('sightline:queue')));
  window.addEventListener('online', go);
  if (navigator.onLine) go();
}

/// What the volunteer is doing, across the campaign page and the report page (and a reload):
/// the campaign and task shown, and the reports made at that task (numbers once sent, queue keys
/// while waiting), which its answer names.
const fieldKey = 'sightline.field.current';
export const field = {
  get() {
    try { return JSON.parse(sessionStorage.getItem(fieldKey)) || null; } catch { return null; }
  },
  set(value) {
    if (value) sessionStorage.setItem(fieldKey, JSON.stringify(value));
    else sessionStorage.removeItem(fieldKey);
  },
  /// A report made at the current task: its number (sent) or its queue key (waiting).
  addReport({ id = null, key = null }) {
    const f = field.get();
    if (!f) return;
    if (id) f.reportIds = [...(f.reportIds || []), id];
    if (key) f.reportKeys = [...(f.reportKeys || []), key];
    field.set(f);
  },
};

/// Set while anything is queued: the app then drains the queue on every page, not only on
/// campaign pages (main.js), without opening IndexedDB for everyone else.
export const queuedFlag = 'sightline.field.queued';
