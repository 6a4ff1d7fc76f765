import { useEffect, useRef, useState } from 'react';
import type { ReviewPage } from '../../../electron/common/api/pages';
import { useAction } from '../api/context';
import { Kbd } from '../components/Kbd';
import { PageImage } from '../components/Thumb';
import { useI18n } from '../i18n/context';
import { SHORTCUTS, matches } from '../lib/keys';
import { moveItem, rotateBy, zoomStep } from '../lib/reorder';

/**
 * Review: thumbnails in order; each page is focusable. Arrows move the focus, Alt+arrows move the page,
 * R rotates, Delete removes (Ctrl+Z undoes), B / K decide a blank-page flag, + / − zoom. Drag and drop
 * reorders with the mouse. Every change is saved at once (pages.*), each with its own idempotency key.
 */
export function ReviewGrid({ pages, active, onChange, reload }: { pages: ReviewPage[]; active: boolean; onChange(p: ReviewPage[]): void; reload(): void }) {
  const { t } = useI18n();
  const { run } = useAction();
  const [focus, setFocus] = useState(0);
  const [zoom, setZoom] = useState(160);
  const [undo, setUndo] = useState<string[]>([]);
  const [drag, setDrag] = useState<number | null>(null);
  const [versions, setVersions] = useState<Record<string, number>>({});
  const refs = useRef<(HTMLLIElement | null)[]>([]);
  const live = pages.filter((p) => !p.deleted);

  const focusAt = (i: number) => {
    const idx = Math.max(0, Math.min(live.length - 1, i));
    setFocus(idx);
    refs.current[idx]?.focus();
  };
  const move = async (from: number, to: number) => {
    const page = live[from];
    if (!page || to < 0 || to >= live.length || from === to) return;
    onChange(moveItem(live, from, to));
    setFocus(to);
    requestAnimationFrame(() => refs.current[to]?.focus());
    const r = await run('pages.move', { pageId: page.id, position: to }, `move-${page.id}`);
    if (r?.ok) onChange(r.value);
    else reload();
  };
  const rotate = async (p: ReviewPage) => {
    const r = await run('pages.rotate', { pageId: p.id, rotation: rotateBy(p.rotation) }, `rotate-${p.id}`);
    if (r?.ok) setVersions((v) => ({ ...v, [p.id]: (v[p.id] ?? 0) + 1 }));
    reload();
  };
  const remove = async (p: ReviewPage) => {
    const r = await run('pages.delete', { pageId: p.id }, `delete-${p.id}`);
    if (r?.ok) setUndo((u) => [...u, p.id]);
    reload();
  };
  const restore = async () => {
    const id = undo.at(-1);
    if (!id) return;
    const r = await run('pages.restore', { pageId: id }, `restore-${id}`);
    if (r?.ok) setUndo((u) => u.slice(0, -1));
    reload();
  };
  const decide = async (p: ReviewPage, decision: 'blank' | 'keep') => {
    await run('pages.setBlank', { pageId: p.id, decision }, `blank-${p.id}`);
    reload();
  };

  useEffect(() => {
    if (!active) return;
    const onKey = (e: KeyboardEvent) => {
      if (matches(e, SHORTCUTS.undo) && !(e.target instanceof HTMLInputElement)) {
        e.preventDefault();
        void restore();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
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
    else if (matches(ev, SHORTCUTS.remove) || e.key === 'Backspace') void remove(p);
    else if (matches(ev, SHORTCUTS.markBlank)) void decide(p, 'blank');
    else if (matches(ev, SHORTCUTS.keepPage)) void decide(p, 'keep');
    else if (e.key === '+' || e.key === '=') setZoom((z) => zoomStep(z, 1));
    else if (e.key === '-') setZoom((z) => zoomStep(z, -1));
    else return;
    e.preventDefault();
  };

  return (
    <div className="review">
      <div className="review-bar">
        <span className="muted">{t('review.help')}</span>
        <button type="button" onClick={() => setZoom((z) => zoomStep(z, -1))} aria-label={t('review.zoomOut')} aria-keyshortcuts={SHORTCUTS.zoomOut}>
          − <Kbd keys={SHORTCUTS.zoomOut} />
        </button>
        <button type="button" onClick={() => setZoom((z) => zoomStep(z, 1))} aria-label={t('review.zoomIn')} aria-keyshortcuts={SHORTCUTS.zoomIn}>
          + <Kbd keys={SHORTCUTS.zoomIn} />
        </button>
        <button type="button" disabled={undo.length === 0} onClick={() => void restore()} aria-keyshortcuts={SHORTCUTS.undo} data-testid="undo">
          {t('review.undo')} <Kbd keys={SHORTCUTS.undo} />
        </button>
      </div>
      <ol className="pages" aria-label={t('review.pages')} data-testid="pages" style={{ ['--thumb' as string]: `${zoom}px` }}>
        {live.map((p, i) => {
          const label = t('review.pageLabel', { n: i + 1, seq: p.seq });
          return (
            <li
              key={p.id}
              ref={(el) => {
                refs.current[i] = el;
              }}
              className={`page ${p.blankFlag === 'flagged' ? 'page-flagged' : ''} ${p.blankFlag === 'confirmed_blank' ? 'page-blank' : ''} ${drag === i ? 'page-drag' : ''}`}
              tabIndex={i === Math.min(focus, live.length - 1) ? 0 : -1}
              aria-label={label}
              aria-roledescription={t('review.pageRole')}
              data-testid="page"
              data-page-id={p.id}
              data-seq={p.seq}
              data-blank={p.blankFlag}
              data-rotation={p.rotation}
              draggable
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
              <div className="thumb" style={{ width: zoom }}>
                <PageImage pageId={p.id} width={zoom * 2} alt={label} version={(versions[p.id] ?? 0) * 1000 + p.rotation} />
              </div>
              <div className="page-meta">
                <span>{i + 1}</span>
                {p.blankFlag === 'flagged' && <span className="badge badge-warn">{t('review.blankFlagged')}</span>}
                {p.blankFlag === 'confirmed_blank' && <span className="badge">{t('review.blankConfirmed')}</span>}
              </div>
              <div className="page-buttons">
                <button type="button" tabIndex={-1} onClick={() => void move(i, i - 1)} aria-label={t('review.moveLeft')} title={t('review.moveLeft')}>
                  ◀
                </button>
                <button type="button" tabIndex={-1} onClick={() => void rotate(p)} aria-label={t('review.rotate')} title={t('review.rotate')} data-testid="rotate">
                  ⟳
                </button>
                <button type="button" tabIndex={-1} onClick={() => void remove(p)} aria-label={t('review.delete')} title={t('review.delete')} data-testid="delete">
                  ✕
                </button>
                <button type="button" tabIndex={-1} onClick={() => void move(i, i + 1)} aria-label={t('review.moveRight')} title={t('review.moveRight')}>
                  ▶
                </button>
              </div>
              {(p.blankFlag === 'flagged' || p.blankFlag === 'none' || p.blankFlag === 'confirmed_keep') && (
                <div className="blank-buttons">
                  {p.blankFlag === 'flagged' && (
                    <button type="button" tabIndex={-1} onClick={() => void decide(p, 'keep')} data-testid="keep-page">
                      {t('review.keep')} <Kbd keys={SHORTCUTS.keepPage} />
                    </button>
                  )}
                  <button type="button" tabIndex={-1} onClick={() => void decide(p, 'blank')} data-testid="confirm-blank">
                    {t('review.markBlank')} <Kbd keys={SHORTCUTS.markBlank} />
                  </button>
                </div>
              )}
            </li>
          );
        })}
      </ol>
      {live.length === 0 && <p className="muted empty">{t('review.empty')}</p>}
    </div>
  );
}
