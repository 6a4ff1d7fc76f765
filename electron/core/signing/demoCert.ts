import { createHash } from 'node:crypto';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type Forge from 'node-forge';
import { StationError } from '../../common/errors';
import { createLogger } from '../log/logger';
import { getSetting, setSetting } from '../store/settings';
import { demoSignedDocuments } from '../store/signatures';
import { readSyncSettings } from '../sync/settings';
import type { Station } from '../station/station';

const log = createLogger('signing.demo');

// node-forge is required when a demo certificate is made, not when this module loads: sync imports the
// module for its demo-signature check, and a one-shot CLI command should not load forge for that.
const requireForge = (): typeof Forge => createRequire(import.meta.url)('node-forge') as typeof Forge;

/** The demo certificate's name: what every signature made with it shows (NĐ 130/2018 gives it no legal value). */
export const DEMO_CERT_NAME = 'CHỨNG THƯ THỬ — không có giá trị pháp lý';
/** Its .p12 password: public on purpose (shown in the signing dialog); the key protects nothing. */
export const DEMO_P12_PASSWORD = 'demo';
const FILE = 'demo-signing.p12';
const SETTING = 'signing.demoCertSha256';

/**
 * The demo certificate is offered only in demo mode and only while no one-stop server is configured: a
 * station that talks to a real adapter never sees it, and sync refuses documents signed with it.
 */
export function demoCertificateAllowed(station: Station): boolean {
  return station.demo && readSyncSettings(station.store).server === null;
}

export function demoP12Path(station: Station): string {
  return join(station.layout.root, FILE);
}

/** Makes the self-signed demo .p12 once (RSA-2048, 1 year, keyUsage for signatures); returns its path. */
export function ensureDemoCertificate(station: Station): string {
  const path = demoP12Path(station);
  if (existsSync(path) && getSetting<string>(station.store, SETTING)) return path;
  const forge = requireForge();
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = `01${forge.util.bytesToHex(forge.random.getBytesSync(8))}`;
  const now = new Date();
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = new Date(now.getTime() + 365 * 86_400_000);
  const attrs = [
    { name: 'commonName', value: DEMO_CERT_NAME, valueTagClass: forge.asn1.Type.UTF8 as unknown as Forge.asn1.Class },
    { name: 'organizationName', value: 'SoHoa Station (demo)' },
    { name: 'countryName', value: 'VN' },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const p12 = forge.pkcs12.toPkcs12Asn1(keys.privateKey, [cert], DEMO_P12_PASSWORD, { algorithm: '3des', friendlyName: 'demo' });
  const der = Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary');
  const certDer = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
  writeFileSync(`${path}.part`, der, { mode: 0o600 });
  renameSync(`${path}.part`, path);
  setSetting(station.store, SETTING, createHash('sha256').update(certDer).digest('hex'), null);
  log.info('demo signing certificate made', { path });
  return path;
}

/** Refuses the demo key once a real server is configured (an old dialog, a scripted call). */
export function assertDemoKeyAllowed(station: Station, p12Path: string): void {
  if (p12Path === demoP12Path(station) && !demoCertificateAllowed(station)) {
    throw new StationError('DEMO_CERTIFICATE', 'the demo certificate is only for demo mode without a one-stop server');
  }
}

/** Sync's check: no document of the dossier may carry a demo signature. */
export function assertNoDemoSignature(station: Station, dossierId: string): void {
  const sha = getSetting<string>(station.store, SETTING);
  if (!sha || !existsSync(demoP12Path(station))) return;
  const docs = demoSignedDocuments(station.store, dossierId, sha);
  if (docs.length > 0) {
    throw new StationError('DEMO_CERTIFICATE', `dossier ${dossierId} has documents signed with the demo certificate`, { dossierId, documents: docs });
  }
}
