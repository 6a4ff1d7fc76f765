import type { PageQualityCode, ReviewPage, RotationReason } from '../../../electron/common/api/pages';
import { useI18n, type I18n } from '../i18n/context';
import type { MessageKey } from '../i18n/translate';

/**
 * What the analysis says about a page, where the clerk looks: why the page was turned (the page row's
 * `rotationReason`, kept across restarts — not only the live announcement) and the scan-quality problems
 * worth a rescan (too dark, too faint). Badges on the page tile; sentences with the fix under the viewer.
 */
const REASON_KEY: Record<RotationReason, MessageKey> = {
  text_sideways: 'review.turnedSideways',
  text_upside_down: 'review.turnedUpsideDown',
};
const QUALITY_SHORT: Record<PageQualityCode, MessageKey> = {
  PAGE_TOO_DARK: 'review.tooDarkShort',
  PAGE_LOW_CONTRAST: 'review.lowContrastShort',
};

/** "Turned by N° because…" for a page the analysis turned (empty when it was not). */
export function rotationReasonText(t: I18n['t'], page: ReviewPage): string {
  return page.rotationReason ? t(REASON_KEY[page.rotationReason], { deg: page.rotation }) : '';
}

/** Tile badges: ⟳ with the reason as its title, and one short word per quality problem. */
export function PageAnalysisBadges({ page }: { page: ReviewPage }) {
  const { t, err } = useI18n();
  return (
    <>
      {page.rotationReason && (
        <span className="badge badge-info" data-testid="rotation-reason-badge" data-reason={page.rotationReason} title={rotationReasonText(t, page)}>
          ⟳ {page.rotation}°
        </span>
      )}
      {page.quality.map((q) => (
        <span key={q} className="badge badge-warn" data-testid="quality-badge" data-quality={q} title={err(q).message}>
          {t(QUALITY_SHORT[q])}
        </span>
      ))}
    </>
  );
}

/** Viewer notes: why the page was turned (unless `reason` is false), and each quality problem with its fix. */
export function PageAnalysisNotes({ page, reason = true }: { page: ReviewPage; reason?: boolean }) {
  const { t, err } = useI18n();
  return (
    <>
      {reason && page.rotationReason && (
        <span className="note note-info" data-testid="rotation-reason-note">
          {rotationReasonText(t, page)}
        </span>
      )}
      {page.quality.map((q) => {
        const e = err(q);
        return (
          <span key={q} className="note note-warn" data-testid="quality-note" data-quality={q}>
            {e.message} {e.action}
          </span>
        );
      })}
    </>
  );
}
