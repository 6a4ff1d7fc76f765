import type { deviceMethods } from '../../../common/api/devices';
import { loadProfiles } from '../../capture/profiles';
import { appendAudit } from '../../store/audit';
import type { Station } from '../../station/station';
import type { HandlersFor, ServiceDeps } from '../context';

/** Scanner handlers: devices through the native-bridge drivers, scan jobs through the capture service. */
export function createDeviceHandlers(station: Station, { capture }: Pick<ServiceDeps, 'capture'>): HandlersFor<keyof typeof deviceMethods> {
  return {
    'devices.list': (p) => capture.listDevices(p.refresh === true),
    'devices.capabilities': (p) => capture.capabilities(p.deviceId),
    'scan.profiles': () => loadProfiles(),
    'scan.resolveProfile': (p) => capture.resolveForDevice(p.profile, p.deviceId),
    'scan.start': async (p, ctx) => {
      const job = await capture.start({ deviceId: p.deviceId, profile: p.profile, componentId: p.componentId, watchdogMs: p.watchdogMs });
      appendAudit(station.store, { actor: ctx.user?.id ?? null, action: 'scan.start', subjectType: 'component', subjectId: p.componentId, details: { jobId: job.id, deviceId: job.deviceId, profile: job.profile.name } });
      return job;
    },
    'scan.continue': (p) => capture.continueJob(p.jobId, { driverOptions: p.driverOptions, watchdogMs: p.watchdogMs }),
    'scan.cancel': (p) => capture.cancel(p.jobId),
    'scan.get': (p) => capture.get(p.jobId),
    'scan.jobs': (p) => capture.list(p),
  };
}
