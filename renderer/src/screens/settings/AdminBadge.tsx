import { useI18n } from '../../i18n/context';

/** Marks a settings form only the admin may save (the service refuses other roles anyway). */
export function AdminBadge() {
  const { t } = useI18n();
  return <span className="badge">{t('settings.adminBadge')}</span>;
}
