import type { ErrorPayload } from '../../../../electron/common/errors';
import { ErrorBox } from '../../components/ErrorBox';
import { useI18n } from '../../i18n/context';

/** The outcome of saving a settings form: the error, or a short confirmation. */
export function Saved({ ok, error }: { ok: boolean; error: ErrorPayload | null }) {
  const { t } = useI18n();
  if (error) return <ErrorBox error={error} />;
  return ok ? (
    <p className="check ok" role="status">
      {t('settings.saved')}
    </p>
  ) : null;
}
