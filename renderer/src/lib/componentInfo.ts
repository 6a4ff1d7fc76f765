import type { Component } from '../../../electron/common/schemas';
import type { MessageKey } from '../i18n/translate';
import { parseDate } from './dates';

/** What is wrong with the form, checked before anything is sent (the service checks again). */
export function componentInfoProblem(f: { validFrom: string; validTo: string; reuse: Component['reuse']; replacedResultCode: string }): MessageKey | null {
  const from = f.validFrom.trim() === '' ? '' : parseDate(f.validFrom);
  const to = f.validTo.trim() === '' ? '' : parseDate(f.validTo);
  if (from === null || to === null) return 'info.bad.date';
  if (from !== '' && to !== '' && to < from) return 'info.bad.order';
  if (f.reuse === 'reused_replaced' && f.replacedResultCode.trim() === '') return 'info.bad.replaced';
  return null;
}
