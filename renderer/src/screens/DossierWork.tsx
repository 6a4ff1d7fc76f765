import { useEffect, useState } from 'react';
import type { ErrorPayload } from '../../../electron/common/errors';
import type { Component, Dossier } from '../../../electron/common/schemas';
import { useAction, useEvents, useStation } from '../api/context';
import { ErrorBox } from '../components/ErrorBox';
import { ExportButton } from '../components/ExportButton';
import { Kbd } from '../components/Kbd';
import { useI18n } from '../i18n/context';
import { SHORTCUTS, matches } from '../lib/keys';
import { useSession } from '../auth/SessionGate';
import { formatDate } from '../lib/dates';
import { AbandonDialog } from './AbandonDialog';
import { useKeydown } from '../lib/useKeydown';
import { ComponentPanel } from './ComponentPanel';
import { ReuseLookupCache } from './ReuseLookup';

/** One dossier: the component checklist on the left, the chosen component (scan, review, sign) on the right. */
export function DossierWork({
  dossier,
  kind,
  onChange,
  onDone,
  onAbandoned,
  active,
}: {
  dossier: Dossier;
  kind: 'intake' | 'result';
  /** A newer state of this dossier; ignored by the screen once it shows another (or none). */
  onChange(d: Dossier): void;
  onDone(): void;
  /** The clerk abandoned the draft ("Bỏ hồ sơ"): the screen starts over and says so. */
  onAbandoned(d: Dossier): void;
  active: boolean;
}) {
  const { t } = useI18n();
  const session = useSession();
  const [abandoning, setAbandoning] = useState(false);
  const { transport, generation } = useStation();
  const { run, busy } = useAction();
  const components = dossier.components.filter((c) => c.kind === kind);
  const [current, setCurrent] = useState<string | null>(components[0]?.id ?? null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [finished, setFinished] = useState(false);
  // The document made for each component (assemble/import answer its id; signing takes it).
  const [documents, setDocuments] = useState<Record<string, string>>({});

  // An answer that arrives after this dossier was left (Hồ sơ mới, Bỏ hồ sơ) may still call onChange: the
  // screen applies it only while this dossier is the one shown (Intake's updateShown).
  const reload = async () => {
    const r = await transport.call('dossiers.get', { id: dossier.id });
    if (r.ok) onChange(r.value);
  };
  useEffect(() => {
    void reload();
  }, [generation]);
  useEvents((ev) => {
    if ((ev.type === 'dossier.changed' && ev.data.id === dossier.id) || ev.type === 'document.changed') void reload();
    // The checklist counts pages live while a scan runs ("đã quét N trang").
    if ((ev.type === 'scan.page' || ev.type === 'pages.changed') && dossier.components.some((c) => c.id === ev.data.componentId)) void reload();
  });

  /**
   * Opens the receipt cover sheet (or the selected component's separator) as a PDF in a new tab: the browser's
   * PDF viewer prints it. The tab is opened at the click (a tab opened after an await is a blocked pop-up).
   */
  const printSheet = async (componentId?: string) => {
    setError(null);
    const tab = window.open('', '_blank');
    const r = await transport.call('dossiers.cover', componentId ? { id: dossier.id, componentId } : { id: dossier.id });
    if (!r.ok) {
      tab?.close();
      setError(r.error);
      return;
    }
    const bytes = Uint8Array.from(atob(r.value.pdfBase64), (c) => c.charCodeAt(0));
    const url = URL.createObjectURL(new Blob([bytes], { type: 'application/pdf' }));
    if (tab) tab.location.href = url;
    else {
      // No tab (pop-ups blocked, or a shell that opens none): the PDF is saved instead, never navigated to.
      const a = document.createElement('a');
      a.href = url;
      a.download = r.value.fileName;
      a.click();
    }
    // The tab keeps its own copy once loaded.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  };

  const missing = components.filter((c) => c.required && !(c.digitised && c.signed));
  const finish = async () => {
    setError(null);
    // Marks the dossier complete and puts it in the sync outbox (a second press is ignored while this runs).
    const r = await run('dossiers.complete', { id: dossier.id, queue: true }, 'finish');
    if (!r) return;
    if (r.ok) {
      setFinished(true);
      onChange(r.value);
    } else setError(r.error);
  };

  useKeydown(active, (e) => {
    if (matches(e, SHORTCUTS.finish)) {
      e.preventDefault();
      void finish();
    }
  });

  const comp = components.find((c) => c.id === current) ?? null;
  const done = finished || dossier.state === 'queued' || dossier.state === 'synced' || dossier.state === 'abandoned';
  const restore = async () => {
    setError(null);
    const r = await run('dossiers.restore', { id: dossier.id }, `restore-${dossier.id}`);
    if (r?.ok) onChange(r.value);
    else if (r) setError(r.error);
  };
  return (
    <div className="dossier" data-testid="dossier" data-id={dossier.id} data-state={dossier.state}>
      <aside className="checklist" aria-label={t('dossier.checklist')}>
        <div className="dossier-head">
          <p className="owner-line">
            <span className="label">{t('dossier.owner')}</span>
            <bdi className="owner-name" data-testid="dossier-owner-name" title={dossier.ownerName}>
              {dossier.ownerName || dossier.ownerId}
            </bdi>
          </p>
          <p className="owner-id" data-testid="dossier-owner-id">
            <span className="label">{t(`owner.type.short.${dossier.ownerIdType}`)}</span> <span className="mono">{dossier.ownerId}</span>
          </p>
          <p className="muted">
            <span className="code">{dossier.procedureCode}</span> {dossier.procedureName}
          </p>
          <p className="muted small" data-testid="dossier-id">
            {t('dossier.draftId', { id: dossier.id })}
          </p>
          <p className="muted small" data-testid="dossier-state">
            {t('dossier.stateLabel', { state: t(`dossier.state.${dossier.state}`) })}
          </p>
          <p className="sheet-buttons">
            <button type="button" onClick={() => void printSheet()} data-testid="print-cover" title={t('dossier.printCoverHint')}>
              {t('dossier.printCover')}
            </button>
            {current && (
              <button type="button" onClick={() => void printSheet(current)} data-testid="print-separator" title={t('dossier.printSeparatorHint')}>
                {t('dossier.printSeparator')}
              </button>
            )}
          </p>
          {dossier.state === 'draft' && !finished && (
            <button type="button" className="link-danger" onClick={() => setAbandoning(true)} data-testid="abandon">
              {t('abandon.button')}
            </button>
          )}
        </div>
        {dossier.abandoned && (
          <div className="abandoned" role="status" data-testid="abandoned">
            <p>
              {t('abandon.banner', { date: formatDate(dossier.abandoned.at), name: dossier.abandoned.byName ?? dossier.abandoned.by ?? '–', reason: dossier.abandoned.reason })}
            </p>
            {session.user.role === 'admin' ? (
              <button type="button" className="primary" onClick={() => void restore()} disabled={busy !== null} data-testid="restore">
                {t('abandon.restore')}
              </button>
            ) : (
              <p className="muted small">{t('abandon.adminRestores')}</p>
            )}
          </div>
        )}
        <ul className="components">
          {components.map((c, i) => (
            <li key={c.id}>
              <button
                type="button"
                className={c.id === current ? 'component current' : 'component'}
                aria-current={c.id === current ? 'true' : undefined}
                onClick={() => setCurrent(c.id)}
                data-testid="component"
                data-type={c.typeCode}
              >
                <span className="n">{i + 1}</span>
                <span className="cname">{c.name}</span>
                <ComponentStatus c={c} />
              </button>
            </li>
          ))}
        </ul>
        <p className={missing.length ? 'check bad' : 'check ok'} data-testid="missing-count">
          {missing.length ? t('dossier.missing', { n: missing.length }) : t('dossier.allDone')}
        </p>
        {error && <ErrorBox error={error} />}
        {(finished || dossier.state === 'queued' || dossier.state === 'synced') && (
          <div className="done" role="status" data-testid="finished">
            <p>{t('dossier.finished')}</p>
            <button type="button" className="primary" onClick={onDone} data-testid="new-dossier">
              {t('dossier.new')}
            </button>
            <ExportButton dossierId={dossier.id} />
          </div>
        )}
      </aside>
      {abandoning && (
        <AbandonDialog
          dossier={dossier}
          onClose={() => setAbandoning(false)}
          onAbandoned={(d) => {
            setAbandoning(false);
            onAbandoned(d);
          }}
        />
      )}
      <div className="component-area">
        {/* Outside the keyed panel: the province's reuse answers (and the receipt codes) outlive a switch to another
            component and back; keyed by the dossier, so they never follow the clerk to another citizen's dossier. */}
        <ReuseLookupCache key={dossier.id}>
          {comp && (
            <ComponentPanel
              key={comp.id}
              component={comp}
              active={active}
              documentId={documents[comp.id] ?? comp.documentId}
              onDocument={(id) => setDocuments((d) => ({ ...d, [comp.id]: id }))}
              onChanged={() => void reload()}
              finish={
                <button type="button" className="primary finish" disabled={done || missing.length > 0 || busy !== null} onClick={() => void finish()} aria-keyshortcuts={SHORTCUTS.finish} data-testid="finish">
                  {t('dossier.finishShort')} <Kbd keys={SHORTCUTS.finish} />
                </button>
              }
            />
          )}
        </ReuseLookupCache>
      </div>
    </div>
  );
}

function ComponentStatus({ c }: { c: Component }) {
  const { t } = useI18n();
  const state = c.signed ? 'signed' : c.digitised ? 'digitised' : c.pageCount > 0 ? 'scanned' : 'empty';
  return (
    <span className={`cstatus cstatus-${state}`} data-testid="component-status" data-state={state}>
      {c.required ? t('component.required') : t('component.optional')} ·{' '}
      {state === 'scanned' ? t('component.scannedPages', { n: c.pageCount }) : t(`component.state.${state}`)}
      {state !== 'scanned' && c.pageCount > 0 && ` · ${t('component.pages', { n: c.pageCount })}`}
    </span>
  );
}
