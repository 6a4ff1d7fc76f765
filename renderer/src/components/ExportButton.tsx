import { useState } from 'react';
import type { ErrorPayload } from '../../../electron/common/errors';
import { useAction } from '../api/context';
import { useI18n } from '../i18n/context';
import { ErrorBox } from './ErrorBox';

/**
 * "Lưu hồ sơ ra thư mục": one press writes the dossier's signed PDFs, manifest.json and dvcqg.json into a new folder of
 * the station's export folder (Settings › Storage), for attaching by hand to the province's system. The folder is shown.
 */
export function ExportButton({ dossierId }: { dossierId: string }) {
  const { t } = useI18n();
  const { run, busy } = useAction();
  const [done, setDone] = useState<{ out: string; files: number } | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const label = `export-${dossierId}`;
  const save = async () => {
    setError(null);
    setDone(null);
    const r = await run('dossiers.export', { id: dossierId }, label);
    if (!r) return;
    if (r.ok) setDone({ out: r.value.out, files: r.value.files.length });
    else setError(r.error);
  };
  return (
    <div className="export" data-testid="export" data-id={dossierId}>
      <button type="button" onClick={() => void save()} disabled={busy === label} data-testid="export-dossier">
        {t('export.button')}
      </button>
      {done && (
        <p className="check ok" role="status" data-testid="export-done" data-out={done.out}>
          {t('export.done', { n: done.files })} <span className="mono">{done.out}</span>
        </p>
      )}
      {error && <ErrorBox error={error} testId="export-error" />}
    </div>
  );
}
