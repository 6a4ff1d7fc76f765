// The station service inside Electron: a utilityProcess (plain Node) that owns the data directory, as
// `sohoa serve` does — station, dispatcher, sync engine, and the loopback bridge so the CLI still finds
// the one writer. Main talks to it over process.parentPort (see protocol.ts).
import { toErrorPayload } from '../common/errors';
import { renderPageImage } from '../core/bridge/pageImage';
import { startBridge } from '../core/bridge/server';
import { createLogger } from '../core/log/logger';
import { openStationServices } from '../core/service/stationServices';
import { prepareFirstRun, setupLink } from '../core/station/firstRun';
import { defaultDataDir } from '../core/station/dataDir';
import type { FromService } from './protocol';
import { parseToService } from './protocol';
import { scanTracker, waitForPagesInFlight } from './shutdown';

const log = createLogger('electron-service');

interface Port {
  on(event: 'message', fn: (e: { data: unknown }) => void): void;
  postMessage(msg: unknown): void;
}

/**
 * Electron's utilityProcess gives `process.parentPort`; under plain Node (`child_process.fork`, used by the
 * integration test of this process, with `serialization: 'advanced'`) the same messages travel over IPC.
 */
function parentPort(): Port {
  const electronPort = (process as unknown as { parentPort?: Port }).parentPort;
  if (electronPort) return electronPort;
  if (typeof process.send !== 'function') throw new Error('serviceProcess needs a parent (utilityProcess or fork)');
  return {
    on: (_event, fn) => process.on('message', (data: unknown) => fn({ data })),
    postMessage: (msg) => process.send?.(msg),
  };
}

const port = parentPort();
const post = (msg: FromService): void => port.postMessage(msg);

async function main(): Promise<void> {
  const services = openStationServices({ dataDir: process.env.SOHOA_DATA_DIR ?? defaultDataDir(), demo: process.env.SOHOA_DEMO === '1', holder: 'electron' });
  const { station, dispatcher } = services;
  services.startBackground();
  const first = await prepareFirstRun(station);
  const bridge = await startBridge(station, dispatcher);
  // The Electron window opens the setup screen with this code (sent with 'ready'); the link is logged too for
  // IT staff who open the station in a browser instead.
  if (first.setupCode !== null) log.info('first run: the window opens the setup screen; or open the setup link', { link: setupLink(`${bridge.info.url}#token=…`, first.setupCode) });
  const scans = scanTracker();
  const listeners = new Set<(type: string, jobId: string) => void>();
  station.events.on('event', (ev: { type: string; at: string; data: Record<string, unknown> }) => {
    scans.observe(ev.type, ev.data);
    for (const fn of listeners) fn(ev.type, String(ev.data.jobId ?? ''));
    post({ kind: 'event', event: ev });
  });

  let stopping = false;
  port.on('message', (e: { data: unknown }) => {
    const msg = parseToService(e.data);
    if (!msg) return;
    if (msg.kind === 'call') {
      // The window's clerk: the session the renderer signed in with; the dispatcher resolves and checks it.
      void dispatcher.invoke(msg.method, msg.params, { via: 'ipc', session: msg.session }).then((result) => post({ kind: 'result', id: msg.id, result }));
    } else if (msg.kind === 'image') {
      let viewer: string;
      try {
        viewer = dispatcher.authenticate(msg.session).user.id;
      } catch (err) {
        post({ kind: 'image', id: msg.id, ok: false, code: toErrorPayload(err).code });
        return;
      }
      renderPageImage(station, msg.pageId, msg.width, viewer).then(
        (img) => post({ kind: 'image', id: msg.id, ok: true, bytes: new Uint8Array(img.bytes), mediaType: img.mediaType }),
        (err: unknown) => post({ kind: 'image', id: msg.id, ok: false, code: toErrorPayload(err).code }),
      );
    } else if (msg.kind === 'shutdown' && !stopping) {
      stopping = true;
      void (async () => {
        // Let a running scan finish writing the page in flight; closing then cancels the rest of the batch.
        const how = await waitForPagesInFlight(
          {
            running: () => scans.running(),
            onEvent: (fn) => {
              listeners.add(fn);
              return () => listeners.delete(fn);
            },
          },
          30_000,
        );
        await bridge.close();
        await station.close();
        post({ kind: 'stopped', how });
        // Let the message leave before exiting (IPC is asynchronous under Node).
        setTimeout(() => process.exit(0), 50);
      })();
    }
  });
  post({ kind: 'ready', stationId: station.row.id, setupCode: first.setupCode });
}

main().catch((err: unknown) => {
  log.error('service failed to start', { err: String(err) });
  process.exit(1);
});
