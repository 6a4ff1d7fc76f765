import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import en from '../../../renderer/i18n/en.json';
import vi from '../../../renderer/i18n/vi.json';
import { missingKeys, translate } from '../../../renderer/src/i18n/translate';
import { ROOT } from '../../helpers/cli';
import { scanTsx, tsxFiles } from './literals';

const SRC = join(ROOT, 'renderer', 'src');

describe('every visible string comes from the i18n files', () => {
  it('finds no hard-coded text in JSX or in aria-label, title, placeholder, alt in the renderer', () => {
    const found = tsxFiles(SRC).flatMap((f) => scanTsx(f).literals.map((l) => `${l.file.slice(ROOT.length)}:${l.line} ${l.where} "${l.text}"`));
    expect(found).toEqual([]);
  });

  it('catches each kind of hard-coded literal (fixture), and lets icons pass', () => {
    const { literals } = scanTsx(join(ROOT, 'tests/fixtures/renderer/hardcoded.tsx.fixture'));
    expect(literals.map((l) => `${l.line} ${l.where} ${l.text}`)).toEqual([
      '6 JSX text Tiếp nhận hồ sơ',
      '7 aria-label= Close',
      '8 placeholder= Search…',
      '8 title= No',
      '9 alt= Page ',
      '10 JSX child Yes',
    ]);
  });

  it('every t() key used in the renderer exists in the Vietnamese file', () => {
    const dict = vi as Record<string, string>;
    const unknown = tsxFiles(SRC).flatMap((f) => scanTsx(f).keys.filter((k) => !(k.key in dict)).map((k) => `${f.slice(ROOT.length)}:${k.line} ${k.key}`));
    expect(unknown).toEqual([]);
  });

  it('reports keys missing from the English file (none may be missing)', () => {
    expect(missingKeys(vi, en)).toEqual([]);
    expect(missingKeys(en, vi)).toEqual([]);
  });

  it('a missing translation falls back to Vietnamese, never to the key', () => {
    const dicts = { vi: { 'a.b': 'Xin chào {name}', only: 'Chỉ tiếng Việt' }, en: { 'a.b': 'Hello {name}' } };
    expect(translate('en', 'a.b', { name: '<b>An</b>' }, dicts)).toBe('Hello <b>An</b>');
    expect(translate('en', 'only', undefined, dicts)).toBe('Chỉ tiếng Việt');
    expect(translate('en', 'nowhere', undefined, dicts)).toBe('');
    expect(missingKeys(dicts.vi, dicts.en)).toEqual(['only']);
  });

  it('uses the singular form for n = 1 where the language has one, and the plain form otherwise', () => {
    expect(translate('en', 'review.count', { n: 1 })).toBe('1 page');
    expect(translate('en', 'review.count', { n: 2 })).toBe('2 pages');
    expect(translate('en', 'review.count', { n: 0 })).toBe('0 pages');
    expect(translate('vi', 'review.count', { n: 1 })).toBe('1 trang');
  });

  it('no dictionary entry is empty or left with an unfilled English word in Vietnamese', () => {
    for (const [k, v] of Object.entries(vi as Record<string, string>)) expect(v.trim(), k).not.toBe('');
    for (const [k, v] of Object.entries(en as Record<string, string>)) expect(v.trim(), k).not.toBe('');
  });
});
