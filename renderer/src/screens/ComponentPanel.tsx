import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { ReviewPage } from '../../../electron/common/api/pages';
import type { ErrorPayload } from '../../../electron/common/errors';
import type { Component } from '../../../electron/common/schemas';
import { useAction, useEvents, useStation } from '../api/context';
import { newIdempotencyKey } from '../api/idempotency';
import { ErrorBox } from '../components/ErrorBox';
import { Kbd } from '../components/Kbd';
import { useI18n } from '../i18n/context';
import { formatDate } from '../lib/dates';
import { SHORTCUTS, matches } from '../lib/keys';
import { useKeydown } from '../lib/useKeydown';
import { ComponentInfo } from './ComponentInfo';
import { EarlierDocuments } from './EarlierDocuments';
import { ReviewGrid } from './ReviewGrid';
import { ScanControls } from './ScanControls';
import { SignDialog } from './SignDialog';

/**
 * One component: scan or import (top), the page strip and viewer (middle, the only part that scrolls), and
 * the sticky action bar (page count · Make PDF/A · Sign · the dossier's Finish) that never leaves the screen.
 */
export function ComponentPanel({
  component,
  active,
  documentId,
  onDocument,
  onChanged,
  finish,
}: {
  component: Component;
  active: boolean;
  documentId: string | null;
  onDocument(id: string): void;
  onChanged(): void;
  /** The dossier's Finish button, shown at the end of the action bar. */
  finish: ReactNode;
}) {
  const { t } = useI18n();
  const { transport, generation } = useStation();
  const { run, busy } = useAction();
  const [pages, setPages] = useState<ReviewPage[]>([]);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [signing, setSigning] = useState(false);
  const [importName, setImportName] = useState<string | null>(null);
  const [made, setMade] = useState<{ pages: number; skipped: number; flagged: number } | null>(null);
  const [autoRotated, setAutoRotated] = useState<Record<string, number>>({});
  // Background OCR of the component's document (the text layer signing waits for).
  const [ocr, setOcr] = useState<{ state: string; pagesDone: number; pagesTotal: number } | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const loadPages = async () => {
    const r = await transport.call('pages.list', { componentId: component.id });
    if (r.ok) setPages(r.value);
  };
  useEffect(() => {
    void loadPages();
  }, [component.id, generation]);
  useEffect(() => {
    setOcr(null);
    if (!documentId) return;
    void transport.call('documents.ocrStatus', { documentId }).then((r) => {
      if (r.ok) setOcr(r.value);
    });
  }, [documentId, generation]);
  useEvents((ev) => {
    if (ev.type === 'document.ocr' && ev.data.componentId === component.id) setOcr(ev.data);
    if ((ev.type === 'scan.page' || ev.type === 'pages.changed' || ev.type === 'page.analysed') && ev.data.componentId === component.id) void loadPages();
    if (ev.type === 'page.analysed' && ev.data.componentId === component.id && typeof ev.data.autoRotation === 'number' && ev.data.autoRotation !== 0) {
      const { pageId, autoRotation } = ev.data;
      if (typeof pageId === 'string') setAutoRotated((a) => ({ ...a, [pageId]: autoRotation }));
    }
  });

  const assemble = async () => {
    setError(null);
    const r = await run('documents.assemble', { componentId: component.id }, 'assemble');
    if (!r) return;
    if (r.ok) {
      onDocument(r.value.documentId);
      setMade({ pages: r.value.pageCount, skipped: r.value.skippedBlank, flagged: r.value.flaggedBlank });
      void loadPages();
      onChanged();
    } else setError(r.error);
  };

  const importing = useRef(false);
  const onFile = async (file: File) => {
    if (importing.current) return;
    importing.current = true;
    setError(null);
    setImportName(file.name);
    try {
      const r = await transport.importFile(component.id, file, newIdempotencyKey());
      if (r.ok) {
        onDocument(r.value.documentId);
        onChanged();
      } else setError(r.error);
    } finally {
      importing.current = false;
    }
  };

  useKeydown(active, (e) => {
    if (matches(e, SHORTCUTS.importFile)) {
      e.preventDefault();
      fileInput.current?.click();
    } else if (matches(e, SHORTCUTS.assemble)) {
      e.preventDefault();
      if (canAssemble) void assemble();
    } else if (matches(e, SHORTCUTS.sign)) {
      e.preventDefault();
      if (canSign) setSigning(true);
    }
  });

  const livePages = pages.filter((p) => !p.deleted);
  // Separator sheets never reach the PDF: their blank backs ask nothing of the clerk.
  const pendingBlank = livePages.filter((p) => p.blankFlag === 'flagged' && p.sheet === null).length;
  // An undecided blank page blocks signing: the signed document must be the one the clerk looked at.
  const canSign = component.digitised && !component.signed && pendingBlank === 0;
  const canAssemble = livePages.length > 0 && pendingBlank === 0 && busy === null;
  return (
    <section className="component-panel" aria-labelledby={`c-${component.id}`} data-testid="component-panel">
      <div className="component-top">
      <h2 id={`c-${component.id}`}>{component.name}</h2>
      <ComponentInfo component={component} onSaved={onChanged} />
      {livePages.length === 0 && !component.digitised && <EarlierDocuments componentId={component.id} onTaken={onChanged} />}
      {component.reusedFrom && (
        <p className="done" role="status" data-testid="reused-from" data-dossier={component.reusedFrom.dossierId ?? ''}>
          {t('reuse.taken', { code: component.reusedFrom.dossierCode ?? component.reusedFrom.dossierId ?? '–', date: formatDate(component.reusedFrom.takenAt) })}
          {component.reuse === 'reused_replaced' && component.replacedResultCode && ` ${t('reuse.takenReplaced', { code: component.replacedResultCode })}`}
        </p>
      )}
      <ScanControls component={component} active={active} onPages={() => void loadPages()} />
      <div className="import-row">
        <input
          ref={fileInput}
          type="file"
          className="visually-hidden"
          accept="application/pdf,image/jpeg,image/png,image/tiff"
          aria-label={t('import.choose')}
          data-testid="import-file"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void onFile(f);
            e.target.value = '';
          }}
        />
        <button type="button" onClick={() => fileInput.current?.click()} aria-keyshortcuts={SHORTCUTS.importFile} data-testid="import">
          {t('import.button')} <Kbd keys={SHORTCUTS.importFile} />
        </button>
        {importName !== null && (
          <bdi className="file-name" title={importName} data-testid="import-name">
            {importName}
          </bdi>
        )}
      </div>
      {error && <ErrorBox error={error} />}
      </div>
      <ReviewGrid
        pages={pages}
        active={active}
        onChange={setPages}
        reload={() => void loadPages()}
        autoRotated={autoRotated}
        onAutoRotationUndone={(id) =>
          setAutoRotated((a) => {
            const { [id]: _gone, ...rest } = a;
            return rest;
          })
        }
      />
      <div className="action-bar" data-testid="action-bar">
        <span className="action-status" data-testid="page-count" data-pending-blank={pendingBlank}>
          <strong>{t('review.count', { n: livePages.filter((p) => p.sheet === null).length })}</strong>
          {pendingBlank > 0 && <span className="check bad"> · {t('review.blankPending', { n: pendingBlank })}</span>}
          {/* Shown once the station's own state says digitised (the reload after assembling), so the check a clerk
              sees and the Sign action it enables arrive together: Alt+K pressed on seeing it is never ignored. */}
          {made && component.digitised && (
            <span className={made.flagged > 0 ? 'check bad' : 'check ok'} role="status" data-testid="assembled" data-flagged={made.flagged}>
              {' · '}
              {t('doc.made', { pages: made.pages, skipped: made.skipped })}
              {made.flagged > 0 && ` ${t('doc.flagged', { n: made.flagged })}`}
            </span>
          )}
          {ocr && (ocr.state === 'queued' || ocr.state === 'running' || ocr.state === 'done') && (
            <span className="check" role="status" data-testid="ocr-status" data-state={ocr.state}>
              {' · '}
              {ocr.state === 'done' ? t('doc.ocrDone') : t('doc.ocrRunning', { done: ocr.pagesDone, total: ocr.pagesTotal })}
            </span>
          )}
        </span>
        <button type="button" disabled={!canAssemble} onClick={() => void assemble()} aria-keyshortcuts={SHORTCUTS.assemble} data-testid="assemble">
          {t('doc.assemble')} <Kbd keys={SHORTCUTS.assemble} />
        </button>
        <button type="button" className="primary" disabled={!canSign} title={pendingBlank > 0 ? t('sign.blankFirst') : undefined} onClick={() => setSigning(true)} aria-keyshortcuts={SHORTCUTS.sign} data-testid="sign">
          {t('sign.button')} <Kbd keys={SHORTCUTS.sign} />
        </button>
        {finish}
      </div>
      {signing && (
        <SignDialog
          component={component}
          documentId={documentId}
          onClose={() => setSigning(false)}
          onSigned={() => {
            setSigning(false);
            onChanged();
          }}
        />
      )}
    </section>
  );
}
