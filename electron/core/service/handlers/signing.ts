import type { signingMethods } from '../../../common/api/signing';
import type { Station } from '../../station/station';
import type { HandlersFor } from '../context';

export function createSigningHandlers(_station: Station): HandlersFor<keyof typeof signingMethods> {
  return {};
}
