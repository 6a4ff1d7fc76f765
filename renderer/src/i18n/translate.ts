import vi from '../../i18n/vi.json';
import en from '../../i18n/en.json';

export type Lang = 'vi' | 'en';
/** Every key the UI may use: the Vietnamese file is the reference (a key missing there fails the typecheck). */
export type MessageKey = keyof typeof vi;
export type Dictionary = Partial<Record<string, string>>;

export const DICTIONARIES: Record<Lang, Dictionary> = { vi, en };

/**
 * Looks a key up in the chosen language, falling back to Vietnamese (the reference) — never to the key
 * itself. `{name}` placeholders are replaced by plain strings: React renders them as text, never markup.
 */
export function translate(lang: Lang, key: string, vars?: Record<string, string | number>, dicts: Record<Lang, Dictionary> = DICTIONARIES): string {
  // Plural: `key.one` is the form for n = 1 where a language has one (English "1 page"; Vietnamese has none).
  const one = vars?.n === 1 ? dicts[lang][`${key}.one`] : undefined;
  const text = one ?? dicts[lang][key] ?? dicts.vi[key] ?? '';
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** Keys present in Vietnamese but missing (or empty) in another language: reported by a unit test. */
export function missingKeys(reference: Dictionary, other: Dictionary): string[] {
  return Object.keys(reference).filter((k) => typeof other[k] !== 'string' || other[k] === '');
}
