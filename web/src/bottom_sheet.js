// The map page's panel as a bottom sheet on phones (style.css, max-width 700px), so the map keeps
// the screen and the panel scrolls as one page instead of in a strip of its own. Three heights:
// peek (the handle and the introduction), half and full. The handle is a button: a press or
// Enter goes one height up (from full back to peek), ArrowUp/ArrowDown step, and a drag (pointer
// events, so mouse, pen and touch alike) moves the sheet, which settles at the nearest height.
// A field that gets the focus in a peeking sheet raises it to full. Wider screens hide the handle
// and keep the side panel. The height survives a redraw (a language switch).
import { h } from './dom.js';
import { t } from './i18n.js';

const heights = ['peek', 'half', 'full'];
const dragThresholdPx = 6;
let current = 'peek';

const isPhone = () => matchMedia('(max-width: 700px)').matches;
const next = (height) => heights[(heights.indexOf(height) + 1) % heights.length];

/// Makes `panel` a bottom sheet on narrow screens. Returns {set(height), reveal(element), height()}.
export function bottomSheet(panel) {
  const label = h('span', { class: 'visually-hidden' });
  const handle = h('button', { type: 'button', id: 'sheet-handle', class: 'sheet-handle', 'aria-controls': panel.id },
    h('span', { class: 'grip', 'aria-hidden': 'true' }), label);
  let drag = null;
  let dragged = false;  // a drag may end in a click on the handle: that click does not step

  function set(height) {
    current = height;
    panel.dataset.sheet = height;
    label.textContent = t(`sheet.to.${next(height)}`);
    if (height === 'peek') panel.scrollTop = 0;
  }
  // The pixel height of each step, as style.css draws it.
  function stepHeights() {
    const page = panel.parentElement.getBoundingClientRect().height;
    const peek = parseFloat(getComputedStyle(panel.parentElement).getPropertyValue('--sheet-peek')) || 0;
    return { peek, half: page / 2, full: page };
  }
  function settle(px) {
    const steps = stepHeights();
    set(heights.reduce((best, s) => (Math.abs(steps[s] - px) < Math.abs(steps[best] - px) ? s : best), 'peek'));
  }

  handle.addEventListener('click', () => { if (!dragged) set(next(current)); });
  handle.addEventListener('keydown', (e) => {
    const step = { ArrowUp: 1, ArrowDown: -1 }[e.key];
    if (!step) return;
    e.preventDefault();
    set(heights[Math.min(heights.length - 1, Math.max(0, heights.indexOf(current) + step))]);
  });
  handle.addEventListener('pointerdown', (e) => {
    if (!isPhone() || e.button !== 0) return;
    dragged = false;
    drag = { y: e.clientY, height: panel.getBoundingClientRect().height, moved: false };
    handle.setPointerCapture(e.pointerId);
  });
  handle.addEventListener('pointermove', (e) => {
    if (!drag) return;
    const up = drag.y - e.clientY;
    if (!drag.moved && Math.abs(up) < dragThresholdPx) return;
    drag.moved = true;
    const { peek, full } = stepHeights();
    panel.classList.add('dragging');
    panel.style.height = `${Math.min(full, Math.max(peek, drag.height + up))}px`;
  });
  const endDrag = () => {
    if (!drag) return;
    const { moved } = drag;
    drag = null;
    if (!moved) return;
    dragged = true;
    setTimeout(() => { dragged = false; });  // after the click that follows, if one does
    const px = panel.getBoundingClientRect().height;
    panel.classList.remove('dragging');
    panel.style.height = '';
    settle(px);
  };
  handle.addEventListener('pointerup', endDrag);
  handle.addEventListener('pointercancel', endDrag);
  // Tabbing or tapping into a field hidden below a peeking sheet shows the whole panel.
  panel.addEventListener('focusin', (e) => {
    if (isPhone() && current === 'peek' && e.target !== handle && !panel.querySelector('.intro')?.contains(e.target)) set('full');
  });

  /// Brings `element` into sight: a peeking sheet rises to half, then the panel scrolls to it.
  function reveal(element) {
    if (!isPhone()) return;
    if (current === 'peek') set('half');
    element.scrollIntoView({ block: 'nearest' });
  }

  panel.prepend(handle);
  set(current);
  return { set, reveal, height: () => current };
}
