import { StationError } from '../../common/errors';

/** Bidirectional controls (RLO "gpj.exe" tricks), zero-width and other invisible format characters. */
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\u061C\uFEFF\u00AD]/gu;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/gu;
/** Markup and shell/Windows-reserved characters. */
const RESERVED = /[<>:"'`|?*&;$%{}[\]\\/]/gu;
/** HTML-ish tags are dropped whole (`<b>x</b>` → `x`) before path separators are looked at. */
const MARKUP_TAG = /<\/?[a-z][^<>]*>/giu;
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
const MAX_BYTES = 180;

export interface SanitisedName {
  name: string;
  /** True when the name had to be changed (shown to the clerk, kept in the audit log). */
  changed: boolean;
}

/**
 * Makes a file name a citizen brought safe to store and show: only the last path component (any of
 * `/` or `\`), NFC, no control/bidi/invisible characters, no markup tags or reserved characters, no leading
 * dots, at most 180 UTF-8 bytes (the extension kept). A name with nothing usable left is FILE_NAME_INVALID.
 */
export function sanitiseFileName(input: string): SanitisedName {
  const original = input;
  let s = input.normalize('NFC').replace(CONTROL, '').replace(INVISIBLE, '').replace(MARKUP_TAG, '');
  const parts = s.split(/[/\\]+/).filter((p) => p !== '' && p !== '.' && p !== '..');
  s = parts.length > 0 ? parts[parts.length - 1]! : '';
  s = s.replace(RESERVED, '_').replace(/\s+/g, ' ').trim();
  s = s.replace(/^[.\s_]+/, '').replace(/[.\s]+$/, '');
  if (WINDOWS_DEVICE.test(s)) s = `_${s}`;
  if (Buffer.byteLength(s, 'utf8') > MAX_BYTES) {
    const dot = s.lastIndexOf('.');
    const ext = dot > 0 && s.length - dot <= 10 ? s.slice(dot) : '';
    let stem = ext ? s.slice(0, dot) : s;
    while (Buffer.byteLength(stem + ext, 'utf8') > MAX_BYTES) stem = [...stem].slice(0, -1).join('');
    s = stem + ext;
  }
  const stem = s.replace(/\.[^.]*$/, '');
  if (s === '' || stem.replace(/[_\s.-]/g, '') === '') {
    throw new StationError('FILE_NAME_INVALID', 'the file name has nothing usable once unsafe characters are removed', { fileName: original.slice(0, 200) });
  }
  return { name: s, changed: s !== original };
}
