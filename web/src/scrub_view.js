// "Make media safe" (/safe): pick or drop a photo or video -> upload (XMLHttpRequest upload
// progress) -> the server's job (GET /api/v1/scrub/{id} about once a second) -> one download.
// The job lives in this module, not in the page, so a language switch or a visit to another page
// does not lose it. Every message is the app's own wording, chosen from the HTTP status and error
// code; the server's English message is only ever shown as a detail under it.
import { api } from './api.js';
import { h } from './dom.js';
import { t, language } from './i18n.js';

const statusPrefix = '/api/v1/scrub/';
const pollMs = 1000;
// "Remove the sound" is offered only when the server honours the field `audio` = "drop". Today
// POST /api/v1/scrub reads the part `media` and drops every other part (scrub_endpoints.cpp), so
// the sound is always kept and the page says so instead of offering a box that would do nothing.
const offerAudioChoice = true;

// The one job of this tab. phase: idle | uploading | busy (503, counting down) | waiting (the
// server's queue or work) | done | downloaded | error. `selected` is the chosen file.
let job = freshJob();
let selected = null;
let dropAudio = false;
let view = null;  // the mounted page's update(), or null

function freshJob() {
  return { phase: 'idle', sent: 0, total: 0, state: null, progress: 0, kind: null, faces: null,
    resultUrl: null, statusUrl: null, error: null, retryAt: null, connectionLost: false, announced: '' };
}

function changed() { if (view) view(); }

function number(value, digits = 0) {
  return value.toLocaleString(language(), { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
function fileSize(bytes) {
  if (bytes >= 1024 * 1024 * 1024) return t('safe.size.gb', { value: number(bytes / 1024 ** 3, 1) });
  if (bytes >= 1024 * 1024) return t('safe.size.mb', { value: number(bytes / 1024 ** 2, 1) });
  return t('safe.size.kb', { value: number(Math.max(1, Math.round(bytes / 1024))) });
}
const percent = (fraction) => Math.floor(Math.max(0, Math.min(1, fraction)) * 100);

/// An error as the page shows it: {key, vars, detail (the server's own words, secondary)}.
/// `during` is 'upload' (POST) or 'status' (polling) or 'job' (a failed job).
function describe(err, during) {
  const detail = err.message && err.code !== 'network' && err.code !== 'aborted' ? err.message : '';
  const code = err.code || '';
  const status = err.status || 0;
  if (status === 0) return { key: 'safe.error.network', detail: '' };
  if (status === 413 || code === 'too_large') return { key: 'safe.error.too_large', detail };
  if (status === 415 || code === 'unsupported_media_type') return { key: 'safe.error.unsupported', detail };
  if (status === 429 || code === 'rate_limited') {
    return err.retryAfter != null ? { key: 'safe.error.rate_limited.wait', vars: { seconds: err.retryAfter }, detail }
      : { key: 'safe.error.rate_limited', detail };
  }
  if (status === 404 || code === 'not_found') {
    return { key: during === 'upload' ? 'safe.error.not_available' : 'safe.error.gone', detail };
  }
  if (status === 422 || code === 'unprocessable') return { key: 'safe.error.damaged', detail };
  if (status === 400 || code === 'invalid_argument') {
    return { key: during === 'job' ? 'safe.error.failed' : 'safe.error.invalid', detail };
  }
  if (status === 503 || code === 'unavailable') return { key: 'safe.error.not_available', detail };
  return { key: during === 'job' ? 'safe.error.failed' : 'safe.error.server', detail };
}

// --- the job ---------------------------------------------------------------------------------

let upload = null;      // {abort} while uploading
let timer = null;       // the next poll or the busy countdown

function start() {
  if (!selected) return;
  clearTimeout(timer);
  job = freshJob();
  if (selected.size === 0) { job.phase = 'error'; job.error = { key: 'safe.error.empty' }; changed(); return; }
  job.phase = 'uploading';
  job.total = selected.size;
  changed();
  let lastDraw = 0;
  upload = api.scrub(selected, { dropAudio: offerAudioChoice && dropAudio, onProgress: (sent, total) => {
    job.sent = sent;
    if (total) job.total = total;
    const now = performance.now();
    if (now - lastDraw > 100 || sent === total) { lastDraw = now; changed(); }
  } });
  upload.promise.then((answer) => {
    upload = null;
    const id = answer && typeof answer.id === 'string' ? answer.id : '';
    const url = answer && typeof answer.status_url === 'string' && answer.status_url.startsWith(statusPrefix)
      ? answer.status_url : statusPrefix + encodeURIComponent(id);
    job.sent = job.total;
    job.phase = 'waiting';
    job.state = 'queued';
    job.statusUrl = url;
    changed();
    poll();
  }, (err) => {
    upload = null;
    if (err.code === 'aborted') { job = freshJob(); changed(); return; }
    if (err.status === 503 && err.retryAfter != null) { busy(err.retryAfter); return; }
    job.phase = 'error';
    job.error = describe(err, 'upload');
    changed();
    view?.focusOn?.('error');
  });
}

/// 503 with Retry-After: count down, then send the same file again.
function busy(seconds) {
  job.phase = 'busy';
  job.sent = 0;  // nothing was kept: the file goes again
  job.retryAt = Date.now() + Math.max(1, seconds) * 1000;
  const tick = () => {
    if (job.phase !== 'busy') return;
    if (Date.now() >= job.retryAt) { start(); return; }
    changed();
    timer = setTimeout(tick, 250);
  };
  tick();
}

async function poll() {
  const current = job;
  let status;
  try {
    status = await api.scrubStatus(current.statusUrl);
  } catch (err) {
    if (current !== job) return;
    if (err.status === 0 || err.status >= 502) {
      // A phone between cells, a restarting proxy: keep asking, a little slower.
      job.connectionLost = true;
      changed();
      timer = setTimeout(poll, 3 * pollMs);
      return;
    }
    job.phase = 'error';
    job.error = describe(err, 'status');
    changed();
    return;
  }
  if (current !== job) return;
  job.connectionLost = false;
  job.state = status.state;
  if (typeof status.progress === 'number') job.progress = status.progress;
  if (status.kind) job.kind = status.kind;
  if (typeof status.faces === 'number') job.faces = status.faces;
  if (status.state === 'done') {
    job.phase = 'done';
    const url = typeof status.result_url === 'string' && status.result_url.startsWith(statusPrefix)
      ? status.result_url : current.statusUrl + '/result';
    job.resultUrl = url;
    changed();
    view?.focusOn?.('result');
    return;
  }
  if (status.state === 'failed') {
    job.phase = 'error';
    job.error = describe(jobError(status), 'job');
    changed();
    view?.focusOn?.('error');
    return;
  }
  changed();
  timer = setTimeout(poll, pollMs);
}

/// A failed job's error as an ApiError-like object: {"error": message, "error_code": code}
/// (an {"code", "message"} object is taken too).
function jobError(status) {
  const error = status.error;
  const code = (error && typeof error === 'object' ? error.code : status.error_code) || '';
  const message = (error && typeof error === 'object' ? error.message : error) || '';
  const byCode = { too_large: 413, unsupported_media_type: 415, unprocessable: 422, invalid_argument: 400, unavailable: 503 };
  return { status: byCode[code] || 500, code: code || 'failed', message: typeof message === 'string' ? message : '' };
}

/// Stops an upload, or the countdown before sending again; the chosen file stays.
function cancel() {
  if (upload) { upload.abort(); return; }
  clearTimeout(timer);
  job = freshJob();
  changed();
}

function reset() {
  clearTimeout(timer);
  upload?.abort();
  job = freshJob();
  selected = null;
  changed();
}

function choose(file) {
  if (!file || ['uploading', 'waiting', 'busy', 'done'].includes(job.phase)) return;
  selected = file;
  if (job.phase === 'error' || job.phase === 'downloaded') job = freshJob();
  changed();
}

const active = () => ['uploading', 'busy', 'waiting', 'done'].includes(job.phase);
// Leaving the page during an upload or before the download loses the file.
window.addEventListener('beforeunload', (e) => { if (active()) { e.preventDefault(); e.returnValue = ''; } });

// --- the page ----------------------------------------------------------------------------------

export function render(main) {
  const fileInput = h('input', { id: 'scrub-file', class: 'visually-hidden', type: 'file', accept: 'image/*,video/*',
    'aria-describedby': 'scrub-chosen scrub-drop-hint',
    onchange: (e) => { choose(e.target.files[0]); e.target.value = ''; } });
  const chosen = h('p', { id: 'scrub-chosen', class: 'chosen' });
  const drop = h('div', { class: 'dropzone', id: 'scrub-drop' },
    h('label', { for: 'scrub-file', class: 'button pick' }, t('safe.pick')), fileInput,
    h('p', { id: 'scrub-drop-hint', class: 'hint drop-hint' }, t('safe.drop')), chosen);
  const audioBox = h('input', { id: 'scrub-drop-audio', type: 'checkbox', checked: dropAudio, 'aria-describedby': 'scrub-audio-why',
    onchange: (e) => { dropAudio = e.target.checked; } });
  const startButton = h('button', { type: 'submit', class: 'primary', id: 'scrub-start' }, t('safe.start'));
  const formError = h('p', { class: 'status', id: 'scrub-form-error', 'aria-live': 'assertive' });

  const uploadBar = h('progress', { id: 'scrub-upload-bar', max: 1, value: 0, 'aria-labelledby': 'scrub-upload-label' });
  const uploadText = h('span', { class: 'stage-value', id: 'scrub-upload-text' });
  const workBar = h('progress', { id: 'scrub-work-bar', max: 1, 'aria-labelledby': 'scrub-work-label' });
  const workText = h('span', { class: 'stage-value', id: 'scrub-work-text' });
  // What a screen reader hears: phase changes and every quarter, not every percent.
  const live = h('p', { class: 'visually-hidden', id: 'scrub-live', role: 'status', 'aria-live': 'polite' });
  const cancelButton = h('button', { type: 'button', id: 'scrub-cancel', onclick: cancel }, t('safe.cancel'));
  const progressTitle = h('h2', { id: 'scrub-progress-title', tabindex: '-1' }, t('safe.progress'));
  const progressSection = h('section', { class: 'scrub-progress', id: 'scrub-progress', 'aria-labelledby': 'scrub-progress-title' },
    progressTitle,
    h('div', { class: 'stage' }, h('span', { id: 'scrub-upload-label' }, t('safe.stage.upload')), uploadBar, uploadText),
    h('div', { class: 'stage' }, h('span', { id: 'scrub-work-label' }, t('safe.stage.work')), workBar, workText),
    cancelButton);

  const errorText = h('p', { class: 'error', id: 'scrub-error', tabindex: '-1' });
  const errorDetail = h('p', { class: 'hint', id: 'scrub-error-detail' });
  const retryButton = h('button', { type: 'button', id: 'scrub-retry', onclick: () => { start(); progressTitle.focus(); } }, t('safe.retry'));
  const otherButton = h('button', { type: 'button', id: 'scrub-other', onclick: reset }, t('safe.other'));
  const errorSection = h('div', { class: 'scrub-error', id: 'scrub-error-box', role: 'alert' }, errorText, errorDetail,
    h('div', { class: 'actions' }, retryButton, otherButton));

  const resultTitle = h('h2', { id: 'scrub-result-title', tabindex: '-1' }, t('safe.done.title'));
  const resultText = h('p', { id: 'scrub-result-text' });
  const download = h('a', { id: 'scrub-download', class: 'button primary download', href: '#', download: 'file',
    onclick: (e) => {
      if (job.phase !== 'done') { e.preventDefault(); return; }
      // Let the browser follow the link first, then say what happened (one download only).
      setTimeout(() => { job.phase = 'downloaded'; changed(); downloadedText.focus(); }, 0);
    } });
  const onceText = h('p', { class: 'hint', id: 'scrub-once' }, t('safe.download.once'));
  const downloadedText = h('p', { id: 'scrub-downloaded', tabindex: '-1' }, t('safe.downloaded'));
  const againButton = h('button', { type: 'button', id: 'scrub-again', onclick: () => { reset(); fileInput.focus(); } }, t('safe.again'));
  const resultSection = h('section', { class: 'scrub-result', id: 'scrub-result', 'aria-labelledby': 'scrub-result-title' },
    resultTitle, resultText, download, onceText, downloadedText, h('p', { class: 'hint' }, t('safe.check')), againButton);

  const form = h('form', { class: 'scrub-form', id: 'scrub-form', novalidate: true, onsubmit: (e) => {
    e.preventDefault();
    if (!selected) { formError.textContent = t('safe.choose_first'); formError.dataset.kind = 'error'; fileInput.focus(); return; }
    start();
    progressTitle.focus();
  } },
  drop,
  offerAudioChoice ? [h('div', { class: 'check' }, audioBox, h('label', { for: 'scrub-drop-audio' }, t('safe.audio.drop'))),
    h('p', { class: 'hint', id: 'scrub-audio-why' }, t('safe.audio.why'))] : null,
  startButton, formError);

  main.append(h('article', { class: 'page scrub', id: 'scrub' },
    h('h1', {}, t('safe.title')),
    h('p', {}, t('safe.intro')),
    h('p', { class: 'safe-keeps', id: 'scrub-keeps' }, t('safe.keeps')),
    form, progressSection, errorSection, resultSection, live,
    // What is done, after the form: on a phone the picker stays on the first screen.
    h('section', { class: 'safe-what', 'aria-labelledby': 'scrub-what-title' },
      h('h2', { id: 'scrub-what-title' }, t('safe.what')),
      h('ul', {}, h('li', {}, t('safe.what.faces')), h('li', {}, t('safe.what.metadata')),
        h('li', {}, t('safe.what.video')), h('li', {}, t(offerAudioChoice ? 'safe.what.audio' : 'safe.what.audio.kept'))))));

  // Drag and drop (desktop): anywhere on the page, so a file dropped beside the box does not
  // replace the app with the file.
  const hasFiles = (e) => [...(e.dataTransfer?.types || [])].includes('Files');
  const over = (e) => { if (!hasFiles(e)) return; e.preventDefault(); e.dataTransfer.dropEffect = 'copy'; drop.classList.add('over'); };
  const leave = (e) => { if (e.target === document.documentElement || !e.relatedTarget) drop.classList.remove('over'); };
  const dropped = (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    drop.classList.remove('over');
    choose(e.dataTransfer.files[0]);
  };
  window.addEventListener('dragover', over);
  window.addEventListener('dragleave', leave);
  window.addEventListener('drop', dropped);

  function announce(text) {
    if (job.announced === text) return;
    job.announced = text;
    live.textContent = text;
  }

  function update() {
    const phase = job.phase;
    const busyNow = phase === 'uploading' || phase === 'busy' || phase === 'waiting';
    // The form: what is chosen, locked while a job runs.
    chosen.textContent = selected ? t('safe.chosen', { name: selected.name || '-', size: fileSize(selected.size) }) : t('safe.none');
    fileInput.disabled = busyNow;
    audioBox.disabled = busyNow;
    startButton.disabled = busyNow || phase === 'done';
    form.hidden = phase === 'done' || phase === 'downloaded';
    if (selected) { formError.textContent = ''; delete formError.dataset.kind; }

    // Progress: the upload, then the server's work.
    progressSection.hidden = !(busyNow || phase === 'done');
    const uploaded = phase !== 'uploading' && phase !== 'busy';
    const sentFraction = uploaded ? 1 : job.total ? job.sent / job.total : 0;
    uploadBar.value = sentFraction;
    uploadText.textContent = phase === 'busy'
      ? t('safe.busy', { seconds: Math.max(1, Math.ceil((job.retryAt - Date.now()) / 1000)) })
      : uploaded ? t('safe.uploaded', { size: fileSize(job.total) })
        : t('safe.uploading', { percent: percent(sentFraction), sent: fileSize(job.sent), total: fileSize(job.total) });
    if (phase === 'waiting' && job.state === 'running') {
      workBar.value = job.progress;
      workText.textContent = t('safe.running', { percent: percent(job.progress) });
    } else if (phase === 'waiting') {
      workBar.removeAttribute('value');  // indeterminate while queued
      workText.textContent = t('safe.queued');
    } else if (phase === 'done') {
      workBar.value = 1;
      workText.textContent = t('safe.ready');
    } else {
      workBar.value = 0;
      workText.textContent = '';
    }
    if (job.connectionLost) workText.textContent += ' ' + t('safe.connection');
    cancelButton.hidden = phase !== 'uploading' && phase !== 'busy';
    progressSection.dataset.phase = phase;
    progressSection.dataset.state = job.state || '';

    // Errors in the user's language, the server's words only as a detail.
    errorSection.hidden = phase !== 'error';
    if (phase === 'error') {
      errorText.textContent = t(job.error.key, job.error.vars || {});
      // The server's message is English: under another language it would be the one foreign line.
      const detail = language() === 'en' ? job.error.detail : '';
      errorDetail.textContent = detail ? t('safe.error.detail', { message: detail }) : '';
      errorDetail.hidden = !detail;
      retryButton.hidden = !selected || job.error.key === 'safe.error.empty' || job.error.key === 'safe.error.unsupported'
        || job.error.key === 'safe.error.too_large';
    }

    // The result: one download, then the server has nothing left.
    resultSection.hidden = phase !== 'done' && phase !== 'downloaded';
    if (phase === 'done' || phase === 'downloaded') {
      const video = job.kind === 'video' || (!job.kind && selected?.type?.startsWith('video/'));
      resultText.textContent = job.faces == null ? t(video ? 'safe.done.video' : 'safe.done.photo')
        : job.faces === 0 ? t('safe.done.nofaces')
          : t(video ? 'safe.done.video.faces' : 'safe.done.photo.faces', { count: job.faces });
      download.textContent = t(video ? 'safe.download.video' : 'safe.download.photo');
      if (phase === 'done') download.href = job.resultUrl;
      // A neutral name: the original one often carries the date, time or place.
      download.setAttribute('download', video ? 'video.mp4' : 'photo' + photoExtension(selected));
      download.hidden = phase !== 'done';
      onceText.hidden = phase !== 'done';
      downloadedText.hidden = phase !== 'downloaded';
    }

    // Announcements.
    if (phase === 'uploading') announce(t('safe.uploading.short', { percent: Math.floor(percent(sentFraction) / 25) * 25 }));
    else if (phase === 'busy') announce(t('safe.busy.short'));
    else if (phase === 'waiting' && job.state === 'running') announce(t('safe.running', { percent: Math.floor(percent(job.progress) / 25) * 25 }));
    else if (phase === 'waiting') announce(t('safe.queued'));
    else if (phase === 'done') announce(t('safe.done.title') + '. ' + resultText.textContent);
    else if (phase === 'error') announce('');  // the alert speaks for itself
    else if (phase === 'downloaded') announce(t('safe.downloaded'));
  }
  // Focus follows the job, so keyboard and screen-reader users land on what changed.
  update.focusOn = (what) => ({ progress: progressTitle, result: resultTitle, error: errorText }[what])?.focus();
  view = update;
  update();

  return () => {
    view = null;
    window.removeEventListener('dragover', over);
    window.removeEventListener('dragleave', leave);
    window.removeEventListener('drop', dropped);
  };
}

function photoExtension(file) {
  const type = file?.type || '';
  if (type === 'image/png') return '.png';
  if (type === 'image/webp') return '.webp';
  if (type === 'image/heic' || type === 'image/heif') return '.heic';
  return '.jpg';
}
