/** Shortcut strings as shown on buttons and in aria-keyshortcuts (key names, not translated). */
export const SHORTCUTS = {
  intake: 'Alt+1',
  results: 'Alt+2',
  queue: 'Alt+3',
  reports: 'Alt+4',
  settings: 'Alt+5',
  language: 'Alt+L',
  scan: 'Alt+S',
  continueScan: 'Alt+C',
  cancelScan: 'Alt+X',
  importFile: 'Alt+I',
  assemble: 'Alt+P',
  sign: 'Alt+K',
  finish: 'Alt+F',
  undo: 'Ctrl+Z',
  createDossier: 'Ctrl+Enter',
  newDossier: 'Alt+N',
  resumeDraft: 'Alt+R',
  rotate: 'R',
  remove: 'Delete',
  moveLeft: 'Alt+ArrowLeft',
  moveRight: 'Alt+ArrowRight',
  zoomIn: '+',
  zoomOut: '-',
  markBlank: 'B',
  keepPage: 'K',
} as const;
export type ShortcutName = keyof typeof SHORTCUTS;

export function parseShortcut(s: string): { mods: Set<string>; key: string } {
  if (s === '+') return { mods: new Set(), key: '+' };
  const parts = s.split('+');
  const key = parts.pop() ?? '';
  return { mods: new Set(parts), key };
}

/** The fields of a KeyboardEvent this needs (plain, so unit tests run without a DOM). */
type KeyLike = { key: string; altKey: boolean; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; code?: string };

/** True when a keyboard event matches a shortcut string such as 'Alt+S' or 'Ctrl+Enter'. */
export function matches(e: KeyLike, shortcut: string): boolean {
  const { mods, key } = parseShortcut(shortcut);
  if (mods.has('Alt') !== e.altKey) return false;
  if (mods.has('Ctrl') !== (e.ctrlKey || e.metaKey)) return false;
  if (key.length === 1) {
    if (e.key.toLowerCase() === key.toLowerCase()) return true;
    // With Alt held some layouts report another character in `key`: fall back to the physical key.
    const code = e.code ?? '';
    const fromCode = code.startsWith('Key') ? code.slice(3) : code.startsWith('Digit') ? code.slice(5) : '';
    return e.altKey && fromCode.toLowerCase() === key.toLowerCase();
  }
  return e.key === key;
}
