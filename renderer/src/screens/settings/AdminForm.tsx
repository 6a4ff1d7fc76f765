import type { ReactNode } from 'react';
import { useI18n } from '../../i18n/context';

/**
 * A settings form only the admin may save (the service refuses other roles anyway): its heading carries the
 * admin badge, and submitting (Enter or the submit button) runs `onSubmit` without reloading the page.
 */
export function AdminForm({ title, level = 3, onSubmit, children }: { title: string; level?: 2 | 3; onSubmit: () => Promise<void>; children: ReactNode }) {
  const { t } = useI18n();
  const Heading = level === 2 ? 'h2' : 'h3';
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void onSubmit();
      }}
    >
      <Heading>
        {title} <span className="badge">{t('settings.adminBadge')}</span>
      </Heading>
      {children}
    </form>
  );
}
