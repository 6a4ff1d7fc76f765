/**
 * A file name Windows Explorer accepts (the counters run Windows): no `<>:"/\|?*` or control characters, no
 * trailing dot or space, not a reserved device name (CON, PRN, AUX, NUL, COM1–9, LPT1–9), at most MAX characters.
 * Vietnamese letters stay (NTFS names are Unicode), normalised to NFC so the same name is always the same bytes.
 */
const RESERVED = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/i;
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[<>:"/\\|?*\u0000-\u001f\u007f]/g;

export function windowsSafeName(name: string, max = 120): string {
  let s = name.normalize('NFC').replace(FORBIDDEN, '_').replace(/\s+/g, ' ').trim();
  s = s.slice(0, max).replace(/[. ]+$/, '');
  if (s === '') s = '_';
  if (RESERVED.test(s)) s = `_${s}`;
  return s;
}
