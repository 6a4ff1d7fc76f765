import { useEffect, useRef, useState } from 'react';
import type { ReviewPage } from '../../../electron/common/api/pages';
import { useAction } from '../api/context';
import { Kbd } from '../components/Kbd';
import { PageAnalysisBadges, PageAnalysisNotes, rotationReasonText } from '../components/PageAnalysisNotes';
import { PageImage } from '../components/Thumb';
import { useI18n } from '../i18n/context';
import { SHORTCUTS, matches } from '../lib/keys';
import { useKeydown } from '../lib/useKeydown';
import { moveItem, rotateBy, zoomedSize, zoomStep } from '../lib/reorder';

/** Largest image asked of the service for the viewer (an A4 page at 300 dpi is 2480 px wide). */
const MAX_VIEW_PX = 2600;

/**
 * Review: a page strip (each page focusable) beside a large viewer of the focused page. Arrows move the
 * focus, Alt+arrows move the page, R rotates, Delete removes (the focus stays in the strip; Ctrl+Z brings the
 * page back where it was), B / K decide a blank-page flag, + / − zoom the viewer, a double-click switches
 * between fit and 100 %, dragging the picture pans it. Drag and drop in the strip reorders. Every change is
 * saved at once (pages.*), each with its own idempotency key.
 */
export function ReviewGrid({
  pages,
  active,
  onChange,
  save,
  reload,
  autoRotated,
  onAutoRotationUndone,
}: {
  pages: ReviewPage[];
  active: boolean;
  /** Shows the clerk's change at once (before the service has it). */
  onChange(p: ReviewPage[]): void;
  /** Runs a change of the service's pages; the strip takes the service's list again once every change is answered. */
  save(work: () => Promise<unknown>): Promise<void>;
  reload(): void;
  /** Pages the ingest analysis turned, with the quarter turns it added (announced, undoable). */
  autoRotated: Record<string, number>;
  onAutoRotationUndone(pageId: string): void;
}) {
  const { t, err } = useI18n();
  const { run } = useAction();
  const [focus, setFocus] = useState(0);
  const [zoom, setZoom] = useState<number | 'fit'>('fit');
  const [undo, setUndo] = useState<{ id: string; position: number }[]>([]);
  const [drag, setDrag] = useState<number | null>(null);
  const [versions, setVersions] = useState<Record<string, number>>({});
  const refs = useRef<(HTMLLIElement | null)[]>([]);
  const strip = useRef<HTMLOListElement>(null);
  const viewer = useRef<HTMLDivElement>(null);
  const pan = useRef<{ x: number; y: number; left: number; top: number } | null>(null);
  const live = pages.filter((p) => !p.deleted);
  const current = live[Math.min(focus, live.length - 1)] ?? null;

  const focusAt = (i: number) => {
    const idx = Math.max(0, Math.min(live.length - 1, i));
    setFocus(idx);
    refs.current[idx]?.focus();
  };
  /**
   * After a change that re-renders the strip (a page removed or put back), the focus goes to the page at `i`
   * once the new list is shown — never lost to <body>, so the next key still acts on the strip.
   */
  const pendingFocus = useRef<number | null>(null);
  const refocus = (i: number) => {
    pendingFocus.current = i;
    requestAnimationFrame(() => refs.current[Math.max(0, Math.min(i, live.length - 1))]?.focus());
  };
  const liveKey = live.map((p) => p.id).join(',');
  useEffect(() => {
    const i = pendingFocus.current;
    if (i === null || live.length === 0) return;
    pendingFocus.current = null;
    const idx = Math.max(0, Math.min(i, live.length - 1));
    setFocus(idx);
    refs.current[idx]?.focus();
  }, [liveKey]);
  const move = async (from: number, to: number) => {
    const page = live[from];
    if (!page || to < 0 || to >= live.length || from === to) return;
    onChange(moveItem(live, from, to));
    setFocus(to);
    refocus(to);
    await save(() => run('pages.move', { pageId: page.id, position: to }, `move-${page.id}`));
  };
  const rotateTo = async (p: ReviewPage, rotation: 0 | 90 | 180 | 270) => {
    const r = await run('pages.rotate', { pageId: p.id, rotation }, `rotate-${p.id}`);
    if (r?.ok) setVersions((v) => ({ ...v, [p.id]: (v[p.id] ?? 0) + 1 }));
    reload();
  };
  const rotate = (p: ReviewPage) => rotateTo(p, rotateBy(p.rotation));
  const undoAutoRotation = async (p: ReviewPage) => {
    const added = autoRotated[p.id] ?? 0;
    await rotateTo(p, (((p.rotation - added) % 360) + 360) % 360 as 0 | 90 | 180 | 270);
    onAutoRotationUndone(p.id);
  };
  const remove = async (p: ReviewPage, i: number) => {
    // The strip keeps the focus on the page that takes this one's place (once the list without it is shown).
    pendingFocus.current = Math.min(i, live.length - 2);
    await save(async () => {
      const r = await run('pages.delete', { pageId: p.id }, `delete-${p.id}`);
      if (r?.ok) setUndo((u) => [...u, { id: p.id, position: i }]);
    });
  };
  const restore = async () => {
    const last = undo.at(-1);
    if (!last) return;
    // pages.restore puts the page at the end; Ctrl+Z means "as it was": back to its old place. The strip
    // shows the page once both are done (never at the end in between).
    await save(async () => {
      const r = await run('pages.restore', { pageId: last.id }, `restore-${last.id}`);
      if (!r?.ok) return;
      setUndo((u) => u.slice(0, -1));
      await run('pages.move', { pageId: last.id, position: last.position }, `undo-move-${last.id}`);
      pendingFocus.current = last.position;
    });
  };
  const decide = async (p: ReviewPage, decision: 'blank' | 'keep') => {
    await run('pages.setBlank', { pageId: p.id, decision }, `blank-${p.id}-${decision}`);
    reload();
  };
  const zoomBy = (dir: 1 | -1) => setZoom((z) => zoomStep(z === 'fit' ? 100 : z, dir));

  useKeydown(active, (e) => {
    if (matches(e, SHORTCUTS.undo) && !(e.target instanceof HTMLInputElement)) {
      e.preventDefault();
      void restore();
    }
  });

  const onPageKey = (e: React.KeyboardEvent, i: number, p: ReviewPage) => {
    const ev = e.nativeEvent;
    if (matches(ev, SHORTCUTS.moveLeft)) void move(i, i - 1);
    else if (matches(ev, SHORTCUTS.moveRight)) void move(i, i + 1);
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') focusAt(i - 1);
    else if (e.key === 'ArrowRight' || e.key === 'ArrowDown') focusAt(i + 1);
    else if (e.key === 'Home') focusAt(0);
    else if (e.key === 'End') focusAt(live.length - 1);
    else if (matches(ev, SHORTCUTS.rotate)) void rotate(p);
    else if (matches(ev, SHORTCUTS.remove) || e.key === 'Backspace') void remove(p, i);
    else if (matches(ev, SHORTCUTS.markBlank)) void decide(p, 'blank');
    else if (matches(ev, SHORTCUTS.keepPage)) void decide(p, 'keep');
    else if (e.key === '+' || e.key === '=') zoomBy(1);
    else if (e.key === '-') zoomBy(-1);
    else return;
    e.preventDefault();
  };

  const size = current && zoom !== 'fit' ? zoomedSize(current, zoom) : null;
  const currentIndex = current ? live.indexOf(current) : -1;
  return (
    <div className="review">
      <ol className="pages" aria-label={t('review.pages')} data-testid="pages" ref={strip}>
        {live.map((p, i) => {
          const label = t('review.pageLabel', { n: i + 1, seq: p.seq });
          return (
            <li
              key={p.id}
              ref={(el) => {
                refs.current[i] = el;
              }}
              className={`page ${p.id === current?.id ? 'page-current' : ''} ${p.blankFlag === 'flagged' ? 'page-flagged' : ''} ${p.blankFlag === 'confirmed_blank' ? 'page-blank' : ''} ${drag === i ? 'page-drag' : ''}`}
              tabIndex={i === Math.min(focus, live.length - 1) ? 0 : -1}
              aria-label={label}
              aria-roledescription={t('review.pageRole')}
              aria-current={p.id === current?.id ? 'true' : undefined}
              data-testid="page"
              data-page-id={p.id}
              data-seq={p.seq}
              data-blank={p.blankFlag}
              data-rotation={p.rotation}
              data-analysed={String(p.analysed)}
              data-sheet={p.sheet ?? undefined}
              data-sheet-problem={p.sheetProblem ?? undefined}
              draggable
              onClick={() => focusAt(i)}
              onDragStart={(e) => {
                setDrag(i);
                e.dataTransfer.effectAllowed = 'move';
                e.dataTransfer.setData('text/plain', String(i));
              }}
              onDragOver={(e) => e.preventDefault()}
              onDrop={(e) => {
                e.preventDefault();
                const from = Number(e.dataTransfer.getData('text/plain'));
                setDrag(null);
                if (Number.isInteger(from)) void move(from, i);
              }}
              onDragEnd={() => setDrag(null)}
              onFocus={() => setFocus(i)}
              onKeyDown={(e) => onPageKey(e, i, p)}
            >
              <div className="thumb">
                <PageImage pageId={p.id} width={200} alt={label} version={(versions[p.id] ?? 0) * 1000 + p.rotation} />
              </div>
              {/* Fixed-height line: a badge appearing never moves the strip or the buttons. */}
              <div className="page-meta">
                <span className="page-n">{i + 1}</span>
                {!p.analysed && <span className="badge" data-testid="page-checking" title={t('review.checking')}>…</span>}
                {p.blankFlag === 'flagged' && <span className="badge badge-warn">{t('review.blankShort')}</span>}
                {p.blankFlag === 'confirmed_blank' && <span className="badge">{t('review.blankOut')}</span>}
                {p.compliant === false && <span className="badge badge-warn" title={t('review.nonCompliant')}>{t('review.qualityShort')}</span>}
                {p.sheet && <span className="badge badge-info" data-testid="sheet-badge" title={t('review.sheetNote')}>{t('review.sheetShort')}</span>}
                {p.sheetProblem && <span className="badge badge-warn" data-testid="sheet-problem" title={err(p.sheetProblem).message}>{t('review.codeShort')}</span>}
                {autoRotated[p.id] && !p.rotationReason ? <span className="badge badge-info" data-testid="auto-rotated">⟳</span> : null}
                <PageAnalysisBadges page={p} />
              </div>
            </li>
          );
        })}
      </ol>
      <div className="viewer-wrap">
        <div className="viewer-bar">
          <span className="viewer-title" data-testid="viewer-title">
            {current ? t('review.pageLabel', { n: currentIndex + 1, seq: current.seq }) : ''}
          </span>
          <button type="button" disabled={!current} onClick={() => zoomBy(-1)} aria-label={t('review.zoomOut')} aria-keyshortcuts={SHORTCUTS.zoomOut}>
            −
          </button>
          <button type="button" disabled={!current} onClick={() => setZoom((z) => (z === 'fit' ? 100 : 'fit'))} data-testid="zoom" aria-label={t('review.zoomToggle')}>
            {zoom === 'fit' ? t('review.fit') : `${zoom} %`}
          </button>
          <button type="button" disabled={!current} onClick={() => zoomBy(1)} aria-label={t('review.zoomIn')} aria-keyshortcuts={SHORTCUTS.zoomIn}>
            +
          </button>
          <button type="button" disabled={!current} onClick={() => current && void rotate(current)} aria-label={t('review.rotate')} title={t('review.rotate')} data-testid="rotate">
            ⟳ <Kbd keys={SHORTCUTS.rotate} />
          </button>
          <button type="button" disabled={!current} onClick={() => current && void remove(current, currentIndex)} aria-label={t('review.delete')} title={t('review.delete')} data-testid="delete">
            ✕ <Kbd keys={SHORTCUTS.remove} />
          </button>
          <button type="button" disabled={undo.length === 0} onClick={() => void restore()} aria-keyshortcuts={SHORTCUTS.undo} data-testid="undo">
            {t('review.undo')} <Kbd keys={SHORTCUTS.undo} />
          </button>
        </div>
        {current && (
          <div className="viewer-notes" data-testid="viewer-notes">
            {current.blankFlag === 'flagged' && (
              <span className="note note-warn" data-testid="blank-note">
                {t('review.blankFlagged')}
                <button type="button" onClick={() => void decide(current, 'keep')} data-testid="keep-page">
                  {t('review.keep')} <Kbd keys={SHORTCUTS.keepPage} />
                </button>
                <button type="button" onClick={() => void decide(current, 'blank')} data-testid="confirm-blank">
                  {t('review.markBlank')} <Kbd keys={SHORTCUTS.markBlank} />
                </button>
              </span>
            )}
            {current.blankFlag === 'confirmed_blank' && (
              <span className="note">
                {t('review.blankConfirmed')}
                <button type="button" onClick={() => void decide(current, 'keep')} data-testid="restore-blank">
                  {t('review.restoreBlank')}
                </button>
              </span>
            )}
            {(current.blankFlag === 'none' || current.blankFlag === 'confirmed_keep') && (
              <button type="button" onClick={() => void decide(current, 'blank')} data-testid="confirm-blank">
                {t('review.markBlank')} <Kbd keys={SHORTCUTS.markBlank} />
              </button>
            )}
            {current.compliant === false && <span className="note note-warn">{t('review.nonCompliant')}</span>}
            {current.sheet && (
              <span className="note note-info" data-testid="sheet-note">
                {t(`review.sheet.${current.sheet}`)} — {t('review.sheetNote')}
              </span>
            )}
            {current.sheetProblem && (
              <span className="note note-warn" data-testid="sheet-problem-note">
                {err(current.sheetProblem).message} {err(current.sheetProblem).action ?? ''}
              </span>
            )}
            {/* The live announcement below carries the reason itself (with its undo button). */}
            <PageAnalysisNotes page={current} reason={!autoRotated[current.id]} />
            {autoRotated[current.id] ? (
              <span className="note note-info" data-testid="auto-rotation-note">
                {current.rotationReason ? rotationReasonText(t, current) : t('review.autoRotated', { deg: autoRotated[current.id] ?? 0 })}
                <button type="button" onClick={() => void undoAutoRotation(current)} data-testid="undo-auto-rotation">
                  {t('review.undoRotation')}
                </button>
              </span>
            ) : null}
          </div>
        )}
        <div
          className={zoom === 'fit' ? 'viewer viewer-fit' : 'viewer'}
          ref={viewer}
          data-testid="viewer"
          data-zoom={String(zoom)}
          onDoubleClick={() => setZoom((z) => (z === 'fit' ? 100 : 'fit'))}
          onMouseDown={(e) => {
            const v = viewer.current;
            if (!v || zoom === 'fit') return;
            pan.current = { x: e.clientX, y: e.clientY, left: v.scrollLeft, top: v.scrollTop };
          }}
          onMouseMove={(e) => {
            const v = viewer.current;
            if (!v || !pan.current) return;
            v.scrollLeft = pan.current.left - (e.clientX - pan.current.x);
            v.scrollTop = pan.current.top - (e.clientY - pan.current.y);
          }}
          onMouseUp={() => {
            pan.current = null;
          }}
          onMouseLeave={() => {
            pan.current = null;
          }}
        >
          {!current && (
            <p className="viewer-empty" data-testid="review-empty">
              {t('review.empty')}
            </p>
          )}
          {current && (
            <div className="viewer-page" style={size ? { width: size.width, height: size.height } : undefined}>
              <PageImage
                pageId={current.id}
                width={Math.min(MAX_VIEW_PX, size ? size.width : 1200)}
                alt={t('review.pageLabel', { n: currentIndex + 1, seq: current.seq })}
                version={(versions[current.id] ?? 0) * 1000 + current.rotation}
              />
            </div>
          )}
        </div>
      </div>
    </div>
  );
}
