import { useI18n } from '../../i18n/context';

/** "Quản trị": marks what only the admin may change (the service refuses other roles anyway). */
export function AdminBadge() {
  const { t } = useI18n();
  return <span className="badge">{t('settings.adminBadge')}</span>;
}
