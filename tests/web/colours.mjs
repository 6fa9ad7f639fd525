// Colours as readers see them, for the browser tests: CIE76 distances (ΔE) in CIELAB, for normal
// vision and after the Machado, Oliveira & Fernandes (2009) simulation of protanopia and
// deuteranopia (severity 1.0, on linear RGB).

const hexRgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
/// [r, g, b] (0-255) of '#rrggbb', 'rgb(...)' or an [r, g, b] array.
export const cssRgb = (css) => (Array.isArray(css) ? css : css.startsWith('#') ? hexRgb(css) : css.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number));
const linear = (c) => { const v = c / 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
export const visions = {
  normal: null,
  protanopia: [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
  deuteranopia: [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
};
function lab(css, matrix) {
  let rgb = cssRgb(css).map(linear);
  if (matrix) rgb = matrix.map((row) => Math.min(1, Math.max(0, row[0] * rgb[0] + row[1] * rgb[1] + row[2] * rgb[2])));
  const [r, g, b] = rgb;
  const f = (v) => (v > 216 / 24389 ? Math.cbrt(v) : ((24389 / 27) * v + 16) / 116);
  const x = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047);
  const y = f(0.2126 * r + 0.7152 * g + 0.0722 * b);
  const z = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883);
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}
/// ΔE between two colours as seen through `matrix` (one of `visions`).
export const distance = (a, b, matrix) => Math.hypot(...lab(a, matrix).map((v, i) => v - lab(b, matrix)[i]));
export const sameColour = (a, b) => cssRgb(a).every((v, i) => Math.abs(v - cssRgb(b)[i]) <= 1);
/// `colour` drawn at `opacity` over `under`, as [r, g, b].
export const over = (colour, opacity, under) => cssRgb(colour).map((c, i) => Math.round(opacity * c + (1 - opacity) * cssRgb(under)[i]));
