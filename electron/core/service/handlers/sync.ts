import type { syncMethods } from '../../../common/api/sync';
import type { Station } from '../../station/station';
import type { HandlersFor } from '../context';

export function createSyncHandlers(_station: Station): HandlersFor<keyof typeof syncMethods> {
  return {};
}
