// `npm run onestop-server -- [options]`: the reference one-stop server for tests and IT drills (docs/sync-protocol.md).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FAULT_KINDS, parseFaultArg, type FaultConfig } from './faults';
import { hasServerData, SERVER_MODES, startOneStopServer, type ServerMode } from './server';
import { selfSignedCert } from './tls';

const HELP = `Reference one-stop server (docs/sync-protocol.md)

npm run onestop-server -- [options]
  --mode M               sohoa-v1 (default: our protocol v1), dvc-bo (iGate Cổng DVC Bộ / LGSP),
                         dvcqg (DVCQG adapter protocol: body session, error_code, files pulled by URL)
  --client ID:SECRET     dvc-bo: an OAuth2 client (repeatable; default: one generated, printed)
  --account USER:PASS    dvc-bo password grant / dvcqg login (repeatable; default: one generated, printed)
  --dstcode CODE         dvcqg: the dstcode header every call must carry (default H15)
  --port N               listen port (default 8443; 0 = any free port)
  --host ADDR            listen address (default 127.0.0.1; 0.0.0.0 for a drill over the LAN)
  --data DIR             data directory: onestop.db + files/ (default: a new temp dir)
  --tls-cert F --tls-key F   serve HTTPS with this PEM certificate and key
  --tls-self-signed      serve HTTPS with a self-signed certificate kept in DIR/tls/ (printed with its fingerprint)
  --enrolment-code CODE  accepted enrolment code (repeatable; default: one generated DRILL-XXXX-XXXX code)
  --agency CODE          agency code the server issues dossier codes for (repeatable; default: any)
  --max-file-mb N        largest accepted PDF (default 50)
  --token-ttl S          access-token lifetime in seconds (default 3600)
  --fault KIND[:P[:PARAM]]  inject a fault with probability P (default 1); repeatable. Kinds:
                         ${FAULT_KINDS.join(', ')}
  --random-faults        every fault kind at its default rate (overridden by --fault)
  --seed N               seed of the fault decisions (default: random, printed)
  --admin-token T        enables /__faults, /__stats, /__state (default: generated, printed)
  --json                 print one JSON line with url, seed, codes instead of text
`;

function fail(msg: string): never {
  process.stderr.write(`onestop-server: ${msg}\n`);
  process.exit(2);
}

function drillCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const b = randomBytes(8);
  const s = [...b].map((x) => alphabet[x % alphabet.length]).join('');
  return `DRILL-${s.slice(0, 4)}-${s.slice(4)}`;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'tls-self-signed': { type: 'boolean' },
        'enrolment-code': { type: 'string', multiple: true },
        agency: { type: 'string', multiple: true },
        'max-file-mb': { type: 'string' },
        'token-ttl': { type: 'string' },
        fault: { type: 'string', multiple: true },
        'random-faults': { type: 'boolean' },
        seed: { type: 'string' },
        'admin-token': { type: 'string' },
        json: { type: 'boolean' },
        mode: { type: 'string' },
        client: { type: 'string', multiple: true },
        account: { type: 'string', multiple: true },
        dstcode: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (e) {
    fail(`${e instanceof Error ? e.message : String(e)}\n\n${HELP}`);
  }
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const num = (name: string, v: string | undefined, dflt: number): number => {
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) fail(`--${name} must be a number ≥ 0`);
    return n;
  };
  const port = num('port', values.port, 8443);
  const host = values.host ?? '127.0.0.1';
  const dataDir = resolve(values.data ?? mkdtempSync(join(tmpdir(), 'onestop-')));
  const reused = hasServerData(dataDir);
  const faults: FaultConfig = {};
  try {
    for (const f of values.fault ?? []) {
      const [kind, rule] = parseFaultArg(f);
      faults[kind] = rule;
    }
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
  let tls: { cert: string; key: string } | undefined;
  let certInfo: { certFile: string; fingerprint256: string } | undefined;
  if (values['tls-cert'] || values['tls-key']) {
    if (!values['tls-cert'] || !values['tls-key']) fail('--tls-cert and --tls-key go together');
    tls = { cert: readFileSync(values['tls-cert'], 'utf8'), key: readFileSync(values['tls-key'], 'utf8') };
    const { X509Certificate } = await import('node:crypto');
    certInfo = { certFile: resolve(values['tls-cert']), fingerprint256: new X509Certificate(tls.cert).fingerprint256 };
  } else if (values['tls-self-signed']) {
    const names = ['localhost', '127.0.0.1', hostname()];
    if (host !== '0.0.0.0' && host !== '::' && !names.includes(host)) names.push(host);
    const c = selfSignedCert(join(dataDir, 'tls'), names);
    tls = { cert: c.cert, key: c.key };
    certInfo = { certFile: c.certFile, fingerprint256: c.fingerprint256 };
  }
  const mode = (values.mode ?? 'sohoa-v1') as ServerMode;
  if (!SERVER_MODES.includes(mode)) fail(`--mode must be one of ${SERVER_MODES.join(', ')}`);
  const pairs = (list: string[] | undefined, what: string): { name: string; secret: string }[] =>
    (list ?? []).map((x) => {
      const i = x.indexOf(':');
      if (i < 1 || i === x.length - 1) fail(`--${what} must be NAME:SECRET`);
      return { name: x.slice(0, i), secret: x.slice(i + 1) };
    });
  const clients = pairs(values.client, 'client');
  const accounts = pairs(values.account, 'account');
  if (mode === 'dvc-bo' && clients.length === 0) clients.push({ name: 'drill-client', secret: randomBytes(12).toString('base64url') });
  if (mode !== 'sohoa-v1' && accounts.length === 0) accounts.push({ name: 'drill', secret: randomBytes(12).toString('base64url') });
  const enrolmentCodes = values['enrolment-code']?.length ? values['enrolment-code'] : [drillCode()];
  const adminToken = values['admin-token'] ?? randomBytes(12).toString('base64url');
  const server = await startOneStopServer({
    dataDir,
    port,
    host,
    tls,
    enrolmentCodes,
    agencies: values.agency ?? [],
    maxFileMb: num('max-file-mb', values['max-file-mb'], 50),
    tokenTtlSeconds: num('token-ttl', values['token-ttl'], 3600),
    faults,
    randomFaults: values['random-faults'] === true,
    seed: values.seed !== undefined ? num('seed', values.seed, 0) : undefined,
    adminToken,
    mode,
    clients,
    accounts,
    ...(values.dstcode ? { dstcode: values.dstcode } : {}),
  });
  const info = {
    mode,
    ...(mode === 'sohoa-v1' ? {} : { clients, accounts, dstcode: values.dstcode ?? 'H15' }),
    url: server.url,
    port: server.port,
    seed: server.seed,
    dataDir,
    reusedData: reused,
    enrolmentCodes,
    adminToken,
    faults: server.faultRates(),
    tls: certInfo ?? null,
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(info)}\n`);
  } else {
    const lines = [
      `one-stop server (${mode}) listening on ${server.url}`,
      ...clients.map((c) => `client (dvc-bo): ${c.name}  secret: ${c.secret}`),
      ...accounts.map((a) => `account: ${a.name}  password: ${a.secret}`),
      `seed: ${server.seed}   (rerun with --seed ${server.seed})`,
      `data: ${dataDir}${reused ? ' (existing data kept)' : ''}`,
      `enrolment code${enrolmentCodes.length > 1 ? 's' : ''}: ${enrolmentCodes.join(', ')}`,
      `admin token: ${adminToken}   (curl ${certInfo ? `--cacert ${certInfo.certFile} ` : ''}-H 'Authorization: Bearer ${adminToken}' ${server.url}/__state)`,
      `faults: ${Object.keys(info.faults).length ? JSON.stringify(info.faults) : 'none'}`,
    ];
    if (certInfo) lines.push(`certificate: ${certInfo.certFile}`, `SHA-256 fingerprint: ${certInfo.fingerprint256}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
