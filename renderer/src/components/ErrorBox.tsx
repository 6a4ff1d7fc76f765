import type { ErrorPayload } from '../../../electron/common/errors';
import { isErrorCode } from '../../../electron/common/errors';
import { useI18n } from '../i18n/context';

/** A coded error in the clerk's language with the next action, and optional buttons (Continue, Retry). */
export function ErrorBox({ error, children, testId }: { error: ErrorPayload; children?: React.ReactNode; testId?: string }) {
  const { err, t } = useI18n();
  const text = err(isErrorCode(error.code) ? error.code : 'INTERNAL');
  return (
    <div className="error-box" role="alert" data-testid={testId} data-code={error.code}>
      <p className="error-message">{text.message}</p>
      {text.action && (
        <p className="error-action">
          <strong>{t('error.whatToDo')}</strong> {text.action}
        </p>
      )}
      <details className="error-code">
        <summary>{t('error.code', { code: error.code })}</summary>
        {/* The service's technical message (English, for IT support), shown as text. */}
        <span className="mono">{error.message}</span>
      </details>
      {children && <div className="error-buttons">{children}</div>}
    </div>
  );
}
