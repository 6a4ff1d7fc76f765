import { useEffect, useRef, useState } from 'react';
import type { ReviewPage } from '../../../electron/common/api/pages';
import type { ErrorPayload } from '../../../electron/common/errors';
import type { Component } from '../../../electron/common/schemas';
import { useAction, useEvents, useStation } from '../api/context';
import { newIdempotencyKey } from '../api/idempotency';
import { ErrorBox } from '../components/ErrorBox';
import { Kbd } from '../components/Kbd';
import { useI18n } from '../i18n/context';
import { SHORTCUTS, matches } from '../lib/keys';
import { ReviewGrid } from './ReviewGrid';
import { ScanControls } from './ScanControls';
import { SignDialog } from './SignDialog';

/** One component: scan or import, review the pages, make the PDF/A, sign. */
export function ComponentPanel({ component, active, documentId, onDocument, onChanged }: { component: Component; active: boolean; documentId: string | null; onDocument(id: string): void; onChanged(): void }) {
  const { t } = useI18n();
  const { transport, generation } = useStation();
  const { run, busy } = useAction();
  const [pages, setPages] = useState<ReviewPage[]>([]);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [signing, setSigning] = useState(false);
  const [importName, setImportName] = useState<string | null>(null);
  const [made, setMade] = useState<{ pages: number; skipped: number; flagged: number } | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const loadPages = async () => {
    const r = await transport.call('pages.list', { componentId: component.id });
    if (r.ok) setPages(r.value);
  };
  useEffect(() => {
    void loadPages();
  }, [component.id, generation]);
  useEvents((ev) => {
    if ((ev.type === 'scan.page' || ev.type === 'pages.changed') && ev.data.componentId === component.id) void loadPages();
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

  useEffect(() => {
    if (!active) return;
    const onKey = (e: KeyboardEvent) => {
      if (matches(e, SHORTCUTS.importFile)) {
        e.preventDefault();
        fileInput.current?.click();
      } else if (matches(e, SHORTCUTS.assemble)) {
        e.preventDefault();
        void assemble();
      } else if (matches(e, SHORTCUTS.sign)) {
        e.preventDefault();
        setSigning(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const livePages = pages.filter((p) => !p.deleted);
  const pendingBlank = livePages.filter((p) => p.blankFlag === 'flagged').length;
  return (
    <section className="component-panel" aria-labelledby={`c-${component.id}`} data-testid="component-panel">
      <h2 id={`c-${component.id}`}>{component.name}</h2>
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
      <ReviewGrid pages={pages} active={active} onChange={setPages} reload={() => void loadPages()} />
      {made && (
        <p className={made.flagged > 0 ? 'check bad' : 'check ok'} role="status" data-testid="assembled" data-flagged={made.flagged}>
          {t('doc.made', { pages: made.pages, skipped: made.skipped })}
          {made.flagged > 0 && ` ${t('doc.flagged', { n: made.flagged })}`}
        </p>
      )}
      {error && <ErrorBox error={error} />}
      <div className="actions">
        <span className="muted" data-testid="page-count">
          {t('review.count', { n: livePages.length })}
          {pendingBlank > 0 && ` · ${t('review.blankPending', { n: pendingBlank })}`}
        </span>
        <button type="button" disabled={livePages.length === 0 || pendingBlank > 0 || busy !== null} onClick={() => void assemble()} aria-keyshortcuts={SHORTCUTS.assemble} data-testid="assemble">
          {t('doc.assemble')} <Kbd keys={SHORTCUTS.assemble} />
        </button>
        <button type="button" className="primary" disabled={!component.digitised || component.signed} onClick={() => setSigning(true)} aria-keyshortcuts={SHORTCUTS.sign} data-testid="sign">
          {t('sign.button')} <Kbd keys={SHORTCUTS.sign} />
        </button>
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
