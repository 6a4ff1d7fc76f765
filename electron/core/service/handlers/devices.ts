import type { deviceMethods } from '../../../common/api/devices';
import type { Station } from '../../station/station';
import type { HandlersFor } from '../context';

/** Scanner handlers: the capture issue replaces the empty list with the native-bridge drivers. */
export function createDeviceHandlers(_station: Station): HandlersFor<keyof typeof deviceMethods> {
  return {
    'devices.list': () => [],
  };
}
