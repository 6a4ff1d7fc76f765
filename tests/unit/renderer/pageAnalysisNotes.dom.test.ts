import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ReviewPage } from '../../../electron/common/api/pages';
import { errorText } from '../../../electron/common/errorText';
import { PageAnalysisBadges, PageAnalysisNotes } from '../../../renderer/src/components/PageAnalysisNotes';
import { I18nProvider } from '../../../renderer/src/i18n/context';
import type { Lang } from '../../../renderer/src/i18n/translate';

const vi = (await import('../../../renderer/i18n/vi.json', { with: { type: 'json' } })).default as Record<string, string>;
const en = (await import('../../../renderer/i18n/en.json', { with: { type: 'json' } })).default as Record<string, string>;

/**
 * The page tile of the review grid and the viewer notes (renderer/src/components/PageAnalysisNotes.tsx,
 * used by ReviewGrid): why the analysis turned a page and its scan-quality problems, rendered by React as
 * the clerk's screen gets them, in Vietnamese (and English). A `.dom.test.ts` file is typechecked with the
 * renderer's project (JSX components, DOM types) instead of the Node one (tsconfig.renderer.json).
 */
function page(p: Partial<ReviewPage>): ReviewPage {
  return {
    id: 'p1',
    componentId: 'c1',
    jobId: null,
    seq: 1,
    position: 0,
    width: 1654,
    height: 2339,
    dpi: 200,
    pixelType: 'color',
    rotation: 0,
    rotationReason: null,
    blankFlag: 'none',
    blankScore: 0.01,
    analysed: true,
    compliant: true,
    quality: [],
    deleted: false,
    createdAt: '2026-12-03T08:00:00.000Z',
    ...p,
  };
}

function render(el: 'badges' | 'notes', p: ReviewPage, lang: Lang = 'vi'): string {
  const inner = createElement(el === 'badges' ? PageAnalysisBadges : PageAnalysisNotes, { page: p });
  return renderToStaticMarkup(createElement(I18nProvider, { initial: lang, children: inner }));
}

/** Text content of the markup (tags dropped, entities of the few characters React escapes decoded). */
const text = (html: string): string => html.replace(/<[^>]+>/g, ' ').replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();

describe('review grid: why a page was turned and what is wrong with its scan', () => {
  it('an upside-down page the analysis turned: the tile says ⟳ 180° and the viewer says why, in Vietnamese', () => {
    const p = page({ rotation: 180, rotationReason: 'text_upside_down' });
    const badges = render('badges', p);
    expect(badges).toContain('data-testid="rotation-reason-badge"');
    expect(badges).toContain('data-reason="text_upside_down"');
    expect(text(badges)).toBe('⟳ 180°');
    expect(badges).toContain(`title="${vi['review.turnedUpsideDown']!.replace('{deg}', '180')}"`);
    expect(text(render('notes', p))).toBe(vi['review.turnedUpsideDown']!.replace('{deg}', '180'));
    expect(text(render('notes', p))).toContain('chữ bị ngược');
  });

  it('a sideways page says its lines ran sideways and by how much it was turned', () => {
    const p = page({ rotation: 270, rotationReason: 'text_sideways' });
    expect(text(render('badges', p))).toBe('⟳ 270°');
    expect(text(render('notes', p))).toBe(vi['review.turnedSideways']!.replace('{deg}', '270'));
    expect(text(render('notes', p, 'en'))).toBe(en['review.turnedSideways']!.replace('{deg}', '270'));
  });

  it('PAGE_TOO_DARK: a "tối" badge on the tile and the rescan-lighter advice in the viewer — not a blank flag', () => {
    const p = page({ quality: ['PAGE_TOO_DARK'] });
    const badges = render('badges', p);
    expect(badges).toContain('data-quality="PAGE_TOO_DARK"');
    expect(text(badges)).toBe(vi['review.tooDarkShort']);
    expect(text(badges)).not.toContain(vi['review.blankShort']);
    const t = errorText('PAGE_TOO_DARK', 'vi');
    expect(text(render('notes', p))).toBe(`${t.message} ${t.action}`);
    expect(text(render('notes', p))).toContain('Quét lại trang này sáng hơn');
  });

  it('PAGE_LOW_CONTRAST: a "nhạt" badge and the rescan-darker advice', () => {
    const p = page({ quality: ['PAGE_LOW_CONTRAST'] });
    expect(text(render('badges', p))).toBe(vi['review.lowContrastShort']);
    expect(text(render('notes', p))).toContain('Quét lại trang này đậm hơn');
    expect(text(render('badges', p, 'en'))).toBe(en['review.lowContrastShort']);
  });

  it('a page the analysis left as it came, with a good scan, shows nothing', () => {
    const p = page({ rotation: 90 }); // turned by the clerk: no reason
    expect(render('badges', p)).toBe('');
    expect(render('notes', p)).toBe('');
  });
});
