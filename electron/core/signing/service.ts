/**
 * Signing as the station offers it: configuration (settings), certificate listing, signing a stored document
 * (new blob, document row, signature row, DTS queue), verification and the catch-up of queued timestamps.
 */
import { randomBytes, X509Certificate } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CertificateEntry, SigningConfig, SigningKeyRef } from '../../common/api/signing';
import { backoff } from '../../common/backoff';
import { tokenModuleAllowed } from '../../common/tokenModules';
import { StationError } from '../../common/errors';
import type { Role } from '../../common/schemas';
import { createLogger } from '../log/logger';
import { appendAudit } from '../store/audit';
import { getSetting, setSetting } from '../store/settings';
import { documentForSigning, pendingTimestamps, recordSignature, signaturesOf, timestampAttemptFailed } from '../store/signatures';
import type { Station } from '../station/station';
import type { MarkSpec } from './appearance';
import { agencyMark, clerkMark } from './legalMark';
import { certSha256, checkSigningCertificate, commonName, pemToDers } from './certs';
import { assertDemoKeyAllowed, demoP12Path, DEMO_CERT_NAME, demoCertificateAllowed, ensureDemoCertificate } from './demoCert';
import type { SigningKey } from './cms';
import { openP12Key } from './p12';
import { addDocumentTimestamp, signPdf, type PadesLevel } from './pades';
import { listTokenCertificates, openPkcs11Key, type Pkcs11Factory } from './pkcs11';
import { verifyPdf, type VerifyReport } from './verify';
import { assertNotAbandoned } from '../dossiers/abandon';

const log = createLogger('signing');

export const DEFAULT_SIGNING_CONFIG: SigningConfig = {
  tsaUrl: null,
  tsaUsername: null,
  trustAnchorsPem: '',
  intermediatesPem: '',
  pkcs11Modules: [],
  p12Files: [],
  allowedTokenModules: [],
  agencyName: '',
  sealPngBase64: '',
  checkRevocation: true,
  defaultLevel: 'B-T',
};

const KEY = 'signing.config';

export function signingConfig(station: Station): SigningConfig {
  return { ...DEFAULT_SIGNING_CONFIG, ...(getSetting<Partial<SigningConfig>>(station.store, KEY) ?? {}) };
}

export function setSigningConfig(station: Station, patch: Partial<SigningConfig>, by: string | null): void {
  const allowed = patch.allowedTokenModules ?? signingConfig(station).allowedTokenModules;
  for (const m of patch.pkcs11Modules ?? []) {
    if (!tokenModuleAllowed(m, allowed)) throw new StationError('TOKEN_MODULE_NOT_ALLOWED', `${m} is not a known token library nor on the allow-list`, { module: m });
  }
  if (patch.sealPngBase64) {
    const png = Buffer.from(patch.sealPngBase64, 'base64');
    if (png.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a') throw new StationError('IMAGE_UNSUPPORTED', 'the seal image must be a PNG');
  }
  for (const pem of [patch.trustAnchorsPem, patch.intermediatesPem]) {
    if (pem) {
      for (const der of pemToDers(pem)) {
        try {
          new X509Certificate(der);
        } catch {
          throw new StationError('INVALID_REQUEST', 'the PEM bundle holds a certificate that cannot be read');
        }
      }
    }
  }
  setSetting(station.store, KEY, { ...signingConfig(station), ...patch }, by);
  appendAudit(station.store, { actor: by, action: 'signing.config', details: { keys: Object.keys(patch) } });
}

/** TSA password comes from the environment (never stored in the database). */
function tsaOptions(cfg: SigningConfig): { url: string; username?: string; password?: string } | null {
  if (!cfg.tsaUrl) return null;
  return { url: cfg.tsaUrl, ...(cfg.tsaUsername ? { username: cfg.tsaUsername, password: process.env.SOHOA_TSA_PASSWORD ?? '' } : {}) };
}

/** A .p12 as listed before its password is given (its certificate is encrypted until then). */
function p12Entry(path: string, name: string): CertificateEntry {
  return {
    source: 'p12',
    key: { kind: 'p12', path },
    subject: '',
    commonName: name,
    issuer: '',
    validFrom: null,
    validTo: null,
    certSha256: null,
    tokenManufacturer: null,
    pinCountLow: false,
    pinFinalTry: false,
    pinLocked: false,
  };
}

export async function listCertificates(station: Station, factory?: Pkcs11Factory): Promise<CertificateEntry[]> {
  const cfg = signingConfig(station);
  const out: CertificateEntry[] = [];
  for (const module of cfg.pkcs11Modules) {
    if (!tokenModuleAllowed(module, cfg.allowedTokenModules)) continue;
    try {
      for (const c of await listTokenCertificates(module, factory)) {
        const x = new X509Certificate(c.certificate);
        out.push({
          source: 'pkcs11',
          key: { kind: 'pkcs11', module, tokenLabel: c.tokenLabel, certId: c.certId },
          subject: x.subject.replace(/\n/g, ', '),
          commonName: commonName(c.certificate),
          issuer: x.issuer.replace(/\n/g, ', '),
          validFrom: new Date(x.validFrom).toISOString(),
          validTo: new Date(x.validTo).toISOString(),
          certSha256: certSha256(c.certificate),
          tokenManufacturer: c.manufacturer,
          pinCountLow: c.pinCountLow,
          pinFinalTry: c.pinFinalTry,
          pinLocked: c.pinLocked,
        });
      }
    } catch (err) {
      log.warn('PKCS#11 module unusable', { module, code: (err as StationError).code, message: (err as Error).message });
    }
  }
  for (const path of cfg.p12Files) out.push(p12Entry(path, path.split(/[\\/]/).at(-1) ?? path));
  if (demoCertificateAllowed(station)) {
    try {
      out.push({ ...p12Entry(ensureDemoCertificate(station), DEMO_CERT_NAME), demo: true });
    } catch (err) {
      log.warn('demo certificate unavailable', { err: String(err) });
    }
  }
  return out;
}

export async function openKey(ref: SigningKeyRef, secret: { pin?: string | undefined; password?: string | undefined }, factory?: Pkcs11Factory): Promise<SigningKey> {
  if (ref.kind === 'p12') return openP12Key(ref.path, secret.password ?? '');
  if (!secret.pin) throw new StationError('INVALID_REQUEST', 'a PIN is needed for the token');
  // Validity and key usage are checked before the PIN reaches the token.
  return openPkcs11Key(ref, secret.pin, { ...(factory ? { factory } : {}), precheck: (cert) => checkSigningCertificate(cert) });
}

/**
 * Keys only from configuration: a token module the admin configured (and the allow-list still admits) or a
 * configured .p12 file. A request naming anything else is refused before a library is loaded or a file read.
 */
export function assertConfiguredKey(cfg: SigningConfig, key: SigningKeyRef): void {
  const ok = key.kind === 'pkcs11' ? cfg.pkcs11Modules.includes(key.module) && tokenModuleAllowed(key.module, cfg.allowedTokenModules) : cfg.p12Files.includes(key.path);
  if (!ok) throw new StationError('SIGNING_KEY_NOT_CONFIGURED', `the ${key.kind === 'pkcs11' ? 'token module' : '.p12 file'} is not configured on this station`, { kind: key.kind });
}

export interface SignDocumentInput {
  documentId: string;
  role: 'clerk' | 'agency';
  key: SigningKeyRef;
  pin?: string | undefined;
  password?: string | undefined;
  mark?:
    | {
        visible: boolean;
        name?: string | undefined;
        copiedAt?: string | undefined;
        heading: 'SAO Y' | 'SAO LỤC' | 'TRÍCH SAO';
        agencyName?: string | undefined;
        sealPath?: string | undefined;
      }
    | undefined;
  level?: PadesLevel | undefined;
  rsaScheme?: 'pkcs1' | 'pss' | undefined;
}

export async function signDocument(station: Station, p: SignDocumentInput, user: { id: string; role: Role } | null, factory?: Pkcs11Factory) {
  if (p.role === 'agency' && user?.role !== 'records_clerk') {
    throw new StationError('FORBIDDEN', 'the agency "SAO Y" signature is applied by the records clerk (văn thư) only', { role: user?.role ?? null });
  }
  const doc = documentForSigning(station.store, p.documentId);
  if (!doc) throw new StationError('NOT_FOUND', `no document ${p.documentId}`, { documentId: p.documentId });
  if (doc.state === 'purged') throw new StationError('CONFLICT', `document ${p.documentId} was purged`);
  assertNotAbandoned(station.store, doc.componentId);
  const cfg = signingConfig(station);
  // The station's own demo certificate (demo mode, no server) is configured by being the station's; it is
  // refused with its own code once a server is set. Every other key must be in the configuration.
  if (p.key.kind === 'p12') assertDemoKeyAllowed(station, p.key.path);
  if (!(p.key.kind === 'p12' && p.key.path === demoP12Path(station))) assertConfiguredKey(cfg, p.key);
  const level = p.level ?? cfg.defaultLevel;
  const now = new Date();
  const key = await openKey(p.key, p, factory);
  const out = join(station.layout.tmp, `sign-${randomBytes(8).toString('hex')}.pdf`);
  try {
    let mark: MarkSpec | null = null;
    const m = p.mark ?? { visible: true, heading: 'SAO Y' as const };
    if (m.visible) {
      if (p.role === 'clerk') {
        const copied = m.copiedAt ? new Date(m.copiedAt) : new Date(doc.createdAt);
        if (Number.isNaN(copied.getTime())) throw new StationError('INVALID_REQUEST', 'copiedAt is not a date');
        mark = clerkMark(m.name ?? commonName(key.certificate), copied);
      } else {
        const agency = m.agencyName ?? cfg.agencyName;
        if (!agency) throw new StationError('INVALID_REQUEST', 'the agency name for the "SAO Y" mark is not configured');
        let sealPng: Buffer | undefined = cfg.sealPngBase64 ? Buffer.from(cfg.sealPngBase64, 'base64') : undefined;
        if (m.sealPath) {
          try {
            sealPng = readFileSync(m.sealPath);
          } catch (err) {
            throw new StationError('NOT_FOUND', `seal image ${m.sealPath}: ${(err as Error).message}`);
          }
        }
        mark = agencyMark(m.heading, agency, now, sealPng);
      }
    }
    const r = await station.blobs.withPlainFile(doc.sha256, (input) => signPdf({
      input,
      output: out,
      key,
      rsaScheme: p.rsaScheme,
      level,
      mark,
      tsa: tsaOptions(cfg),
      trustAnchors: pemToDers(cfg.trustAnchorsPem),
      intermediates: pemToDers(cfg.intermediatesPem),
      checkRevocation: cfg.checkRevocation,
      now,
    }));
    const put = await station.blobs.putFile(out, { move: true });
    const at = now.toISOString();
    const issuer = new X509Certificate(key.certificate).issuer.replace(/\n/g, ', ');
    const id = recordSignature(station.store, {
      documentId: doc.id,
      previousSha256: doc.sha256,
      role: p.role,
      signerName: r.signerName,
      certSha256: r.certSha256,
      certIssuer: issuer,
      level: r.level,
      newSha256: put.sha256,
      newSize: put.size,
      fieldName: r.fieldName,
      tsaTime: r.timestampTime,
      signedBy: user && user.id !== 'local' ? user.id : null,
      chainStatus: r.chain,
      revocationStatus: r.revocation,
      queueTimestamp: r.dtsPending,
      at,
    });
    appendAudit(station.store, {
      actor: user?.id ?? null,
      action: 'document.sign',
      subjectType: 'document',
      subjectId: doc.id,
      details: { role: p.role, level: r.level, signer: r.signerName, certSha256: r.certSha256, sha256: put.sha256, chain: r.chain, revocation: r.revocation },
    });
    station.emit('document.changed', { id: doc.id, sha256: put.sha256 });
    return {
      documentId: doc.id,
      sha256: put.sha256,
      size: put.size,
      signature: { id, role: p.role, signerName: r.signerName, level: r.level, fieldName: r.fieldName, signedAt: at, tsaTime: r.timestampTime, signedSha256: put.sha256 },
      timestampQueued: r.dtsPending,
      chain: r.chain,
      revocation: r.revocation,
    };
  } finally {
    key.close();
    rmSync(out, { force: true });
  }
}

export async function verifyDocument(station: Station, documentId: string): Promise<VerifyReport> {
  const doc = documentForSigning(station.store, documentId);
  if (!doc) throw new StationError('NOT_FOUND', `no document ${documentId}`, { documentId });
  const cfg = signingConfig(station);
  const report = await station.blobs.withPlainFile(doc.sha256, (file) => verifyPdf(file, { trustAnchors: pemToDers(cfg.trustAnchorsPem) }));
  return { ...report, file: doc.sha256 };
}

const flushing = new WeakMap<Station, Promise<{ stamped: string[]; failed: { documentId: string; code: string }[] }>>();

/**
 * Retries queued document timestamps in the background every `SOHOA_TIMESTAMP_RETRY_MS` (default 5 min) while the
 * station is open; a no-op when the queue is empty. Started once, by the composition root of a long-running service.
 */
export function startTimestampRetry(station: Station): void {
  const every = Number(process.env.SOHOA_TIMESTAMP_RETRY_MS ?? 300_000);
  if (!(every > 0)) return;
  const timer = setInterval(() => {
    if (pendingTimestamps(station.store, new Date().toISOString(), 1).length === 0 || !signingConfig(station).tsaUrl) return;
    flushTimestamps(station).then(
      (r) => {
        if (r.stamped.length || r.failed.length) log.info('queued document timestamps retried', { stamped: r.stamped.length, failed: r.failed.length });
      },
      (err: unknown) => log.warn('timestamp retry failed', { message: (err as Error).message }),
    );
  }, every);
  timer.unref();
  station.onClose(() => clearInterval(timer));
}

/** Adds a document timestamp to every queued document whose TSA call is due (one flush at a time). */
export function flushTimestamps(station: Station): Promise<{ stamped: string[]; failed: { documentId: string; code: string }[] }> {
  const running = flushing.get(station);
  if (running) return running;
  const p = flushOnce(station).finally(() => flushing.delete(station));
  flushing.set(station, p);
  return p;
}

async function flushOnce(station: Station): Promise<{ stamped: string[]; failed: { documentId: string; code: string }[] }> {
  const cfg = signingConfig(station);
  const tsa = tsaOptions(cfg);
  const stamped: string[] = [];
  const failed: { documentId: string; code: string }[] = [];
  const now = new Date();
  for (const q of pendingTimestamps(station.store, now.toISOString())) {
    const doc = documentForSigning(station.store, q.documentId);
    if (!doc) continue;
    if (!tsa) {
      failed.push({ documentId: q.documentId, code: 'TSA_UNREACHABLE' });
      continue;
    }
    const out = join(station.layout.tmp, `dts-${randomBytes(8).toString('hex')}.pdf`);
    try {
      const r = await station.blobs.withPlainFile(doc.sha256, (input) => addDocumentTimestamp(input, out, tsa));
      const put = await station.blobs.putFile(out, { move: true });
      recordSignature(station.store, {
        documentId: doc.id,
        previousSha256: doc.sha256,
        role: 'timestamp',
        signerName: 'TSA',
        certSha256: null,
        certIssuer: null,
        level: 'DTS',
        newSha256: put.sha256,
        newSize: put.size,
        fieldName: r.fieldName,
        tsaTime: r.time,
        signedBy: null,
        chainStatus: null,
        revocationStatus: null,
        queueTimestamp: false,
        at: new Date().toISOString(),
      });
      stamped.push(doc.id);
    } catch (err) {
      const code = err instanceof StationError ? err.code : 'INTERNAL';
      // 1 min doubling per attempt (the exponent stops growing after 10 tries), at most a day.
      const delayMs = backoff(Math.min(q.attempts, 10), { baseMs: 60_000, maxMs: 24 * 3600_000, jitter: 'none' });
      timestampAttemptFailed(station.store, doc.id, (err as Error).message, new Date(now.getTime() + delayMs).toISOString());
      failed.push({ documentId: doc.id, code });
    } finally {
      rmSync(out, { force: true });
    }
  }
  return { stamped, failed };
}

export { signaturesOf };
