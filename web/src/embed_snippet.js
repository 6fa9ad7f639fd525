// "Put this map on your site": the copy-paste <iframe> of the embed (/embed, embed.js) for a view,
// shown on camera and district pages, with a Copy button.
import { h, statusLine, showMessage } from './dom.js';
import { t } from './i18n.js';
import { embedUrl } from './camera_filters.js';

const attr = (s) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/// The <iframe> markup for the embed at `view` ({zoom, lat, lon}) on this site, titled `title`,
/// with a district's outline when `district` is its id.
export function embedSnippet(view, title, { width = 600, height = 400, district = null } = {}) {
  return `<iframe src="${attr(embedUrl(location.origin, view, {}, '', district))}" width="${width}" height="${height}" `
    + `style="border:0" loading="lazy" title="${attr(title)}"></iframe>`;
}

async function copyText(text, field) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Older browsers and pages without the clipboard permission: the selection and execCommand.
    field.focus();
    field.select();
    try { return document.execCommand('copy'); } catch { return false; }
  }
}

/// A section with a heading, the snippet in a read-only field and a Copy button; `id` prefixes
/// the elements' ids (`${id}-code`, `${id}-copy`, `${id}-status`).
export function embedSection(id, view, title, { district = null } = {}) {
  const code = embedSnippet(view, title, { district });
  const status = statusLine('embed-status');
  status.id = `${id}-status`;
  const field = h('textarea', { id: `${id}-code`, class: 'embed-code', readonly: true, rows: 3, spellcheck: 'false', translate: 'no',
    'aria-describedby': `${id}-hint` }, code);
  return h('section', { class: 'embed-snippet', 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title` }, t('embed.heading')),
    h('p', { id: `${id}-hint`, class: 'hint' }, t('embed.hint')),
    h('label', { for: `${id}-code`, class: 'visually-hidden' }, t('embed.code')),
    field,
    h('div', { class: 'embed-actions' },
      h('button', { type: 'button', id: `${id}-copy`, onclick: async () => {
        const ok = await copyText(field.value, field);
        showMessage(status, ok ? t('embed.copied') : t('embed.copy_failed'), ok ? 'info' : 'error');
      } }, t('embed.copy')),
      h('a', { href: embedUrl(location.origin, view, {}, '', district), target: '_blank', rel: 'noopener' }, t('embed.preview'))),
    status);
}
