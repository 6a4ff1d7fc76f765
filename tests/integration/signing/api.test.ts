import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../../electron/core/service/context';
import { preflightFiles } from '../../../electron/core/pdf/preflight';
import type { Dispatcher } from '../../../electron/core/service/dispatcher';
import { createStationServices } from '../../../electron/core/service/stationServices';
import { Station } from '../../../electron/core/station/station';
import { sql } from '../../../electron/core/store/sql';
import { signInAs } from '../../helpers/session';
import { tempDir } from '../../helpers/tmp';
import { until } from '../../helpers/until';
import { makePdfA } from '../../signing-infra/pdfs';
import { TestPki, type IssuedCert } from '../../signing-infra/pki';
import { SOFTHSM_MODULE, TestToken } from '../../signing-infra/softhsm';
import { pdfsig } from '../../signing-infra/validators';

// documents.sign / documents.verify / signing.* through the Dispatcher (the service boundary), with a real
// station data dir, the loopback TSA and a SoftHSM token.

let pki: TestPki;
let token: TestToken;
let clerkP12: IssuedCert;
let expiredP12: IssuedCert;

// Real accounts signed in on each test's station (tests/helpers/session.ts): the dispatcher resolves them.
let clerk: Caller;
let records: Caller;
let admin: Caller;
let clerkId: string;
let recordsId: string;

beforeAll(async () => {
  pki = new TestPki();
  await pki.start();
  token = new TestToken('agency-token');
  token.addKey(pki, 'UBND Phuong Ben Nghe', '0b', 'p256');
  clerkP12 = pki.issue('Pham Thi Clerk', 'rsa');
  expiredP12 = pki.issue('Expired Clerk', 'rsa', { startDate: '20200101000000Z', endDate: '20210101000000Z' });
}, 120_000);

afterAll(async () => {
  await pki?.stop();
  token?.cleanup();
});

async function openStationWithDocument(opts: { background?: boolean } = {}): Promise<{ station: Station; d: Dispatcher; documentId: string; dataDir: string }> {
  const dataDir = tempDir('sohoa-sign-api-');
  const station = Station.open({ dataDir, holder: 'test' });
  const services = createStationServices(station);
  // The long-running service's background work (timestamp retry), as `sohoa serve` starts it.
  if (opts.background) services.startBackground();
  const d = services.dispatcher;
  const c = await signInAs(station, 'clerk', 'Phạm Thị Clerk');
  const r = await signInAs(station, 'records_clerk', 'Văn thư');
  admin = (await signInAs(station, 'admin')).caller;
  [clerk, clerkId, records, recordsId] = [c.caller, c.userId, r.caller, r.userId];
  const proc = station.store.get<{ code: string }>(sql`SELECT code FROM procedure WHERE active = 1 ORDER BY code LIMIT 1`)!;
  const dossier = await d.invoke('dossiers.create', { procedureCode: proc.code, ownerId: '001099012345', ownerName: 'Nguyễn Văn A', purpose: 'intake' }, admin);
  if (!dossier.ok) throw new Error(JSON.stringify(dossier.error));
  const componentId = (dossier.value as { components: { id: string }[] }).components[0]!.id;
  // Outside the data directory: the station refuses to import its own files.
  const pdf = await makePdfA(join(tempDir('sohoa-sign-api-in-'), 'scan.pdf'), 2);
  const imported = await d.invoke('documents.import', { componentId, path: pdf }, admin);
  if (!imported.ok) throw new Error(JSON.stringify(imported.error));
  const documentId = (imported.value as { documentId?: string; id?: string }).documentId ?? (imported.value as { id: string }).id;
  const cfg = await d.invoke(
    'signing.setConfig',
    { tsaUrl: pki.tsaUrl, trustAnchorsPem: readFileSync(pki.caCert, 'utf8'), agencyName: 'UBND phường Bến Nghé', allowedTokenModules: [SOFTHSM_MODULE], pkcs11Modules: [SOFTHSM_MODULE], p12Files: [clerkP12.p12, expiredP12.p12] },
    admin,
  );
  if (!cfg.ok) throw new Error(JSON.stringify(cfg.error));
  return { station, d, documentId, dataDir };
}

function blobFiles(dataDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir)) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) {
        if (e !== 'tmp') walk(p);
      } else out.push(p);
    }
  };
  walk(join(dataDir, 'blobs'));
  return out.sort();
}

describe('documents.sign and documents.verify', () => {
  it('signs as clerk then agency: new blobs, document sha256/state, signature rows, both verify', async () => {
    const { station, d, documentId, dataDir } = await openStationWithDocument();
    try {
      const before = station.store.get<{ sha256: string }>(sql`SELECT sha256 FROM document WHERE id = ${documentId}`)!.sha256;
      const list = await d.invoke('signing.listCertificates', {}, clerk);
      expect(list.ok).toBe(true);
      const entries = list.ok ? (list.value as { source: string; commonName: string }[]) : [];
      expect(entries.map((e) => [e.source, e.commonName])).toEqual([
        ['pkcs11', 'UBND Phuong Ben Nghe'],
        ['p12', 'signer.p12'],
        ['p12', 'signer.p12'],
      ]);

      const s1 = await d.invoke('documents.sign', { documentId, role: 'clerk', key: { kind: 'p12', path: clerkP12.p12 }, password: clerkP12.p12Password, level: 'B-T', idempotencyKey: 'sign-clerk-0001' }, clerk);
      expect(s1.ok, JSON.stringify(s1)).toBe(true);
      const r1 = s1.ok ? (s1.value as { sha256: string; signature: { level: string; tsaTime: string | null }; chain: string }) : null;
      expect(r1!.signature.level).toBe('B-T');
      expect(Math.abs(Date.parse(r1!.signature.tsaTime!) - Date.now())).toBeLessThan(120_000);
      expect(r1!.chain).toBe('trusted');
      expect(r1!.sha256).not.toBe(before);
      expect(station.blobs.has(r1!.sha256)).toBe(true);
      // Retried with the same idempotency key: the same answer, no second signature.
      const again = await d.invoke('documents.sign', { documentId, role: 'clerk', key: { kind: 'p12', path: clerkP12.p12 }, password: clerkP12.p12Password, level: 'B-T', idempotencyKey: 'sign-clerk-0001' }, clerk);
      expect(again.ok && (again.value as { sha256: string }).sha256).toBe(r1!.sha256);

      const forbidden = await d.invoke('documents.sign', { documentId, role: 'agency', key: { kind: 'pkcs11', module: SOFTHSM_MODULE, tokenLabel: token.label, certId: '0b' }, pin: token.pin }, clerk);
      expect(forbidden.ok ? 'ok' : forbidden.error.code).toBe('FORBIDDEN');

      const s2 = await d.invoke('documents.sign', { documentId, role: 'agency', key: { kind: 'pkcs11', module: SOFTHSM_MODULE, tokenLabel: token.label, certId: '0b' }, pin: token.pin, level: 'B-T' }, records);
      expect(s2.ok, JSON.stringify(s2)).toBe(true);
      const r2 = s2.ok ? (s2.value as { sha256: string }) : null;

      const doc = station.store.get<{ sha256: string; state: string }>(sql`SELECT sha256, state FROM document WHERE id = ${documentId}`)!;
      expect(doc).toEqual({ sha256: r2!.sha256, state: 'signed' });
      const rows = station.store.all<{ role: string; level: string; signed_by: string | null; chain_status: string }>(
        sql`SELECT role, level, signed_by, chain_status FROM signature WHERE document_id = ${documentId} ORDER BY signed_at, rowid`,
      );
      expect(rows).toEqual([
        { role: 'clerk', level: 'B-T', signed_by: clerkId, chain_status: 'trusted' },
        { role: 'agency', level: 'B-T', signed_by: recordsId, chain_status: 'trusted' },
      ]);

      const v = await d.invoke('documents.verify', { documentId }, clerk);
      expect(v.ok).toBe(true);
      const rep = v.ok ? (v.value as { valid: boolean; signatures: { signer: { name: string }; valid: boolean }[] }) : null;
      expect(rep!.valid).toBe(true);
      expect(rep!.signatures.map((s) => [s.signer.name, s.valid])).toEqual([
        ['Pham Thi Clerk', true],
        ['UBND Phuong Ben Nghe', true],
      ]);
      // Blobs are encrypted at rest: the validators read the plaintext the station hands to its own tools.
      const ps = await station.blobs.withPlainFile(r2!.sha256, (f) => pdfsig(f, pki.nssDir));
      expect(ps.map((s) => s.valid)).toEqual([true, true]);
      // The imported (Ghostscript-normalised) PDF/A-1b stays PDF/A-1b with both marks.
      const [pf] = await station.blobs.withPlainFile(r2!.sha256, (f) => preflightFiles([f]));
      expect(pf!.errors).toEqual([]);
      expect(pf!.valid).toBe(true);
      // The PIN and password appear nowhere in the database or the logs.
      const dump = station.store.all<Record<string, unknown>>(sql`SELECT * FROM audit_event`).map((r) => JSON.stringify(r)).join('\n') + JSON.stringify(station.store.all(sql`SELECT * FROM idempotency`));
      expect(dump).not.toContain(clerkP12.p12Password);
      expect(dump).not.toContain(`"${token.pin}"`);
      const logs = readdirSync(join(dataDir, 'logs')).map((f) => readFileSync(join(dataDir, 'logs', f), 'utf8')).join('\n');
      expect(logs).toContain('station opened');
      expect(logs).not.toContain(clerkP12.p12Password);
    } finally {
      await station.close();
    }
  }, 120_000);

  it('refuses a key that is not configured (token module or .p12 named in the request) and a module off the allow-list', async () => {
    const { station, d, documentId } = await openStationWithDocument();
    try {
      const other = pki.issue('Someone Else', 'rsa');
      const p12 = await d.invoke('documents.sign', { documentId, role: 'clerk', key: { kind: 'p12', path: other.p12 }, password: other.p12Password }, clerk);
      expect(p12.ok ? 'ok' : p12.error.code).toBe('SIGNING_KEY_NOT_CONFIGURED');
      // A library the admin never configured is never loaded, whatever the caller names.
      const lib = await d.invoke('documents.sign', { documentId, role: 'agency', key: { kind: 'pkcs11', module: '/usr/lib/x86_64-linux-gnu/libz.so.1', tokenLabel: token.label }, pin: token.pin }, records);
      expect(lib.ok ? 'ok' : lib.error.code).toBe('SIGNING_KEY_NOT_CONFIGURED');
      // Configuring one needs the allow-list: a known Vietnamese token library by name, or the admin's own entry.
      const bad = await d.invoke('signing.setConfig', { pkcs11Modules: ['/opt/evil/libevil.so'] }, admin);
      expect(bad.ok ? 'ok' : bad.error.code).toBe('TOKEN_MODULE_NOT_ALLOWED');
      const known = await d.invoke('signing.setConfig', { pkcs11Modules: [SOFTHSM_MODULE, 'C:\\Windows\\System32\\eTPKCS11.dll'] }, admin);
      expect(known.ok).toBe(true);
      // Admin settings are refused to a clerk and to the records clerk.
      for (const who of [clerk, records]) {
        const r = await d.invoke('signing.setConfig', { pkcs11Modules: [SOFTHSM_MODULE] }, who);
        expect(r.ok ? 'ok' : r.error.code).toBe('FORBIDDEN');
      }
      expect(station.store.get<{ n: number }>(sql`SELECT count(*) AS n FROM signature`)!.n).toBe(0);
    } finally {
      await station.close();
    }
  }, 60_000);

  it('refuses an expired certificate before writing anything: no new blob, document unchanged', async () => {
    const { station, d, documentId, dataDir } = await openStationWithDocument();
    try {
      const blobsBefore = blobFiles(dataDir);
      const docBefore = station.store.get(sql`SELECT sha256, state, updated_at FROM document WHERE id = ${documentId}`);
      const r = await d.invoke('documents.sign', { documentId, role: 'clerk', key: { kind: 'p12', path: expiredP12.p12 }, password: expiredP12.p12Password }, clerk);
      expect(r.ok ? 'ok' : r.error.code).toBe('CERT_EXPIRED');
      expect(blobFiles(dataDir)).toEqual(blobsBefore);
      expect(station.store.get(sql`SELECT sha256, state, updated_at FROM document WHERE id = ${documentId}`)).toEqual(docBefore);
      expect(station.store.get<{ n: number }>(sql`SELECT count(*) AS n FROM signature`)!.n).toBe(0);
      expect(readdirSync(join(dataDir, 'tmp'))).toEqual([]);
    } finally {
      await station.close();
    }
  }, 60_000);

  it('queues a document timestamp when the TSA is down and adds it when flushed', async () => {
    const { station, d, documentId } = await openStationWithDocument();
    try {
      pki.tsaDown = true;
      const s = await d.invoke('documents.sign', { documentId, role: 'clerk', key: { kind: 'p12', path: clerkP12.p12 }, password: clerkP12.p12Password, level: 'B-T' }, clerk);
      pki.tsaDown = false;
      expect(s.ok && (s.value as { timestampQueued: boolean; signature: { level: string } })).toMatchObject({ timestampQueued: true, signature: { level: 'B-B' } });
      expect(station.store.get<{ n: number }>(sql`SELECT count(*) AS n FROM timestamp_queue`)!.n).toBe(1);
      const f = await d.invoke('signing.flushTimestamps', {}, clerk);
      expect(f.ok && f.value).toEqual({ stamped: [documentId], failed: [] });
      expect(station.store.get<{ n: number }>(sql`SELECT count(*) AS n FROM timestamp_queue`)!.n).toBe(0);
      const v = await d.invoke('documents.verify', { documentId }, clerk);
      const rep = v.ok ? (v.value as { valid: boolean; signatures: { level: string }[] }) : null;
      expect(rep!.valid).toBe(true);
      expect(rep!.signatures.map((x) => x.level)).toEqual(['B-B', 'DTS']);
    } finally {
      pki.tsaDown = false;
      await station.close();
    }
  }, 60_000);

  it('adds a queued document timestamp by itself once the TSA answers again (background retry)', async () => {
    process.env.SOHOA_TIMESTAMP_RETRY_MS = '200';
    const { station, d, documentId } = await openStationWithDocument({ background: true });
    delete process.env.SOHOA_TIMESTAMP_RETRY_MS;
    try {
      pki.tsaDown = true;
      const s = await d.invoke('documents.sign', { documentId, role: 'clerk', key: { kind: 'p12', path: clerkP12.p12 }, password: clerkP12.p12Password, level: 'B-T' }, clerk);
      expect(s.ok && (s.value as { timestampQueued: boolean }).timestampQueued).toBe(true);
      // Still down: the background retry fails and the entry stays queued with its attempt counted (waited for:
      // the first 200 ms tick comes late on a busy machine; the failure then puts the next try a minute away).
      const queued = (): { attempts: number; last_error: string | null } | undefined => station.store.get<{ attempts: number; last_error: string | null }>(sql`SELECT attempts, last_error FROM timestamp_queue`);
      await until('the first background retry', () => (queued()?.attempts ?? 0) > 0);
      expect(queued()).toMatchObject({ attempts: 1, last_error: expect.stringContaining('503') });
      station.store.run(sql`UPDATE timestamp_queue SET next_attempt_at = NULL`);
      pki.tsaDown = false;
      await until('the queue emptied by the background retry', () => queued() === undefined);
      expect(station.store.get<{ n: number }>(sql`SELECT count(*) AS n FROM timestamp_queue`)!.n).toBe(0);
      const rows = station.store.all<{ role: string; level: string }>(sql`SELECT role, level FROM signature WHERE document_id = ${documentId} ORDER BY signed_at, rowid`);
      expect(rows).toEqual([
        { role: 'clerk', level: 'B-B' },
        { role: 'timestamp', level: 'DTS' },
      ]);
    } finally {
      pki.tsaDown = false;
      await station.close();
    }
  }, 60_000);
});
