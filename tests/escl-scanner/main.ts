// `npm run escl-scanner -- --port P [options]`: the virtual eSCL (AirScan) scanner for tests and IT drills (docs/capture.md).
import { mkdtempSync, readFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { selfSignedCert } from '../onestop-server/tls';
import { startResponder } from './mdns';
import { FAULT_HELP, parseFault, startEsclScanner, type EsclFault } from './server';

const HELP = `Virtual eSCL scanner (AirScan over HTTP, as network MFPs speak it)

npm run escl-scanner -- [options]
  --port N          listen port (default 0 = any free port; the URL is printed)
  --host ADDR       listen address (default 127.0.0.1)
  --pages DIR       serve the images of DIR in name order (duplex: front, back, front, …), the feeder being empty
                    when they are used up; default generated pages, one colour per sheet and side with the
                    sheet number drawn on it
  --sheets N        sheets in the feeder (default 10, or as many as DIR holds)
  --no-duplex       offer a simplex feeder only (default: simplex and duplex)
  --page-ms N       time to scan one page: NextDocument answers 503 (Retry-After) until it is ready
  --fault F         inject a fault, repeatable: ${FAULT_HELP}
                    (K = sheet of the stack, from 1; each fires once except malformed)
  --tls-self-signed DIR   serve HTTPS with a self-signed certificate kept in DIR (fingerprint printed)
  --mdns            advertise it by DNS-SD (_uscan._tcp on the mDNS group, port 5353) for discovery drills
  --json            print JSON lines: first {url, port, uuid, fingerprint256}, then {served} per page sent

Point sane-airscan at it (no discovery):
  mkdir -p /tmp/escl && echo airscan > /tmp/escl/dll.conf
  printf '[devices]\\n"Virtual" = http://127.0.0.1:P/eSCL, eSCL\\n[options]\\ndiscovery = disable\\n' > /tmp/escl/airscan.conf
  SANE_CONFIG_DIR=/tmp/escl scanimage -d 'airscan:e0:Virtual' -A
The station: npx sohoa devices add-escl http://127.0.0.1:P/eSCL
`;

function fail(msg: string): never {
  process.stderr.write(`escl-scanner: ${msg}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        pages: { type: 'string' },
        sheets: { type: 'string' },
        'no-duplex': { type: 'boolean' },
        'page-ms': { type: 'string' },
        fault: { type: 'string', multiple: true },
        'tls-self-signed': { type: 'string' },
        mdns: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const int = (name: string, v: string | undefined, min: number): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) fail(`--${name} must be an integer ≥ ${min}`);
    return n;
  };
  let faults: EsclFault[];
  try {
    faults = (values.fault ?? []).map(parseFault);
  } catch (err) {
    fail((err as Error).message);
  }
  let tls: { cert: string; key: string } | undefined;
  let fingerprint256: string | undefined;
  if (values['tls-self-signed'] !== undefined) {
    const files = selfSignedCert(resolve(values['tls-self-signed'] || mkdtempSync(join(tmpdir(), 'escl-tls-'))));
    tls = { cert: readFileSync(files.certFile, 'utf8'), key: readFileSync(files.keyFile, 'utf8') };
    fingerprint256 = files.fingerprint256;
  }
  const port = int('port', values.port, 0);
  const sheets = int('sheets', values.sheets, 0);
  const pageMs = int('page-ms', values['page-ms'], 0);
  const scanner = await startEsclScanner({
    ...(port !== undefined ? { port } : {}),
    ...(values.host ? { host: values.host } : {}),
    ...(values.pages ? { pagesDir: resolve(values.pages) } : {}),
    ...(sheets !== undefined ? { sheets } : {}),
    ...(pageMs !== undefined ? { pageMs } : {}),
    duplex: values['no-duplex'] !== true,
    faults,
    ...(tls ? { tls } : {}),
    onServed: (p) => {
      if (values.json) process.stdout.write(`${JSON.stringify({ served: p })}\n`);
      else process.stdout.write(`served sheet ${p.sheet} ${p.side}${p.file ? ` (${p.file})` : ''}, ${p.bytes} bytes\n`);
    },
  });
  if (values.json) process.stdout.write(`${JSON.stringify({ url: scanner.url, port: scanner.port, uuid: scanner.uuid, fingerprint256 })}\n`);
  else {
    process.stdout.write(`virtual eSCL scanner at ${scanner.url} (uuid ${scanner.uuid})\n`);
    if (fingerprint256) process.stdout.write(`certificate SHA-256 ${fingerprint256}\n`);
  }
  const responder = values.mdns
    ? await startResponder(
        {
          instance: 'SoHoa Virtual eSCL',
          host: `${hostname()}.local`,
          address: values.host && values.host !== '0.0.0.0' ? values.host : '127.0.0.1',
          port: scanner.port,
          txt: { txtvers: '1', ty: 'SoHoa Virtual eSCL Scanner', uuid: scanner.uuid, rs: 'eSCL', pdl: 'image/jpeg,image/png', cs: 'color,grayscale', is: 'platen,adf', duplex: 'T' },
        },
        { multicast: true },
      )
    : null;
  const stop = (): void => void Promise.all([scanner.close(), responder?.close()]).then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
