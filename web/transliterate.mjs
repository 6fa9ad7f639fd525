// Writes src/i18n/sr-Cyrl.json from sr-Latn.json (run by hand after editing sr-Latn.json):
// node transliterate.mjs src/i18n/sr-Latn.json src/i18n/sr-Cyrl.json
// Keeps {placeholders}, Latin brand names, acronyms and the moderation key letters.
import { readFileSync, writeFileSync } from 'node:fs';
const src = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const keep = /^(\{\w+\}|[A-Z]{2,}[\w-]*|Huawei|WebP|Sightline|Atom|Enter|MapLibre|OpenStreetMap(-[ua])?|GeoJSON|GeoPackage|Google|Earth|CSV|API(-ja)?|npr\.)$/;
const keyLetters = /^[jkamr]$/;
const di = [['Lj','Љ'],['LJ','Љ'],['lj','љ'],['Nj','Њ'],['NJ','Њ'],['nj','њ'],['Dž','Џ'],['DŽ','Џ'],['dž','џ']];
const single = { a:'а',b:'б',v:'в',g:'г',d:'д',đ:'ђ',e:'е',ž:'ж',z:'з',i:'и',j:'ј',k:'к',l:'л',m:'м',n:'н',o:'о',p:'п',r:'р',s:'с',t:'т',ć:'ћ',u:'у',f:'ф',h:'х',c:'ц',č:'ч',š:'ш' };
function word(w, isMod) {
  if (keep.test(w) || (isMod && keyLetters.test(w))) {
    if (w === 'OpenStreetMap-u') return 'OpenStreetMap-у';
    if (w === 'OpenStreetMap-a') return 'OpenStreetMap-а';
    if (w === 'API-ja') return 'API-ја';
    if (w === 'npr.') return 'нпр.';
    return w;
  }
  let out = '';
  for (let i = 0; i < w.length; i++) {
    const two = w.slice(i, i + 2);
    const d = di.find(([l]) => l === two);
    if (d) { out += d[1]; i++; continue; }
    const c = w[i];
    const lower = c.toLowerCase();
    if (single[lower]) out += c === lower ? single[lower] : single[lower].toUpperCase();
    else out += c;
  }
  return out;
}
// The key letters in "mod.shortcuts" stay Latin: they are the keys to press.
const out = {};
for (const [k, v] of Object.entries(src)) out[k] = v.replace(/\{\w+\}|[\p{L}.-]+/gu, (w) => (w === '.' ? w : word(w, k.startsWith('mod.'))));
writeFileSync(process.argv[3], JSON.stringify(out, null, 2) + '\n');
