import type { documentsMethods } from '../../../common/api/documents';
import type { Station } from '../../station/station';
import type { HandlersFor } from '../context';

export function createDocumentsHandlers(_station: Station): HandlersFor<keyof typeof documentsMethods> {
  return {};
}
