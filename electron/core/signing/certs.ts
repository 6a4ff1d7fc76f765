/**
 * Certificate checks run BEFORE a signature is written (TT 15/2025 asks signing software to check validity and
 * revocation first): validity period, key usage, chain to the configured trust anchors, and revocation
 * (OCSP from the certificate's AIA, else its CRL distribution point) when the network answers.
 */
import { createHash, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { StationError } from '../../common/errors';
import { createLogger } from '../log/logger';
import { OID, parseCertificate, toArrayBuffer } from './cms';
import { fetchRetryingBrokenConnection } from './peerFetch';

const log = createLogger('signing.certs');

export function pemToDers(text: string): Buffer[] {
  const out: Buffer[] = [];
  for (const m of text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)) out.push(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'));
  return out;
}

export function certSha256(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex');
}

export function commonName(der: Buffer): string {
  const x = new X509Certificate(der);
  const m = /(?:^|\n)CN=([^\n]+)/.exec(x.subject);
  return m ? m[1]!.trim() : x.subject.replace(/\n/g, ', ');
}

/** keyUsage bits: undefined when the extension is absent. */
function keyUsage(der: Buffer): { digitalSignature: boolean; nonRepudiation: boolean } | undefined {
  const c = parseCertificate(der);
  const ext = c.extensions?.find((e) => e.extnID === '2.5.29.15');
  if (!ext) return undefined;
  const bits = asn1js.fromBER(ext.extnValue.valueBlock.valueHexView);
  const bs = bits.result as asn1js.BitString;
  const first = bs.valueBlock.valueHexView[0] ?? 0;
  return { digitalSignature: (first & 0x80) !== 0, nonRepudiation: (first & 0x40) !== 0 };
}

/** Validity and key usage: coded errors, nothing else touched. */
export function checkSigningCertificate(der: Buffer, at: Date = new Date()): void {
  const x = new X509Certificate(der);
  const name = commonName(der);
  if (at.getTime() > new Date(x.validTo).getTime()) {
    throw new StationError('CERT_EXPIRED', `certificate of ${name} expired on ${new Date(x.validTo).toISOString()}`, { subject: name, validTo: new Date(x.validTo).toISOString() });
  }
  if (at.getTime() < new Date(x.validFrom).getTime()) {
    throw new StationError('CERT_NOT_YET_VALID', `certificate of ${name} is valid from ${new Date(x.validFrom).toISOString()}`, {
      subject: name,
      validFrom: new Date(x.validFrom).toISOString(),
    });
  }
  const ku = keyUsage(der);
  if (ku && !ku.digitalSignature && !ku.nonRepudiation) {
    throw new StationError('CERT_KEY_USAGE', `certificate of ${name} is not for signatures (keyUsage lacks digitalSignature/nonRepudiation)`, { subject: name });
  }
}

/**
 * Builds a chain leaf → anchor from `pool` (intermediates) to one of `anchors`. Returns the chain (leaf first,
 * anchor last) or undefined.
 */
export function buildChain(leaf: Buffer, pool: Buffer[], anchors: Buffer[], at: Date = new Date()): Buffer[] | undefined {
  const anchorHashes = new Set(anchors.map(certSha256));
  const candidates = [...anchors, ...pool].map((d) => ({ der: d, x: new X509Certificate(d) }));
  const chain: Buffer[] = [leaf];
  let cur = new X509Certificate(leaf);
  if (anchorHashes.has(certSha256(leaf))) return chain;
  for (let depth = 0; depth < 10; depth++) {
    const issuer = candidates.find((c) => {
      try {
        return cur.checkIssued(c.x) && cur.verify(c.x.publicKey);
      } catch {
        return false;
      }
    });
    if (!issuer) return undefined;
    if (at.getTime() > new Date(issuer.x.validTo).getTime() || at.getTime() < new Date(issuer.x.validFrom).getTime()) return undefined;
    chain.push(issuer.der);
    if (anchorHashes.has(certSha256(issuer.der))) return chain;
    if (issuer.x.subject === cur.subject && issuer.x.issuer === cur.issuer) return undefined;
    cur = issuer.x;
  }
  return undefined;
}

// ---------------------------------------------------------------- revocation

function extensionUrls(der: Buffer, extnID: string, accessMethod?: string): string[] {
  const c = parseCertificate(der);
  const ext = c.extensions?.find((e) => e.extnID === extnID);
  if (!ext) return [];
  const urls: string[] = [];
  if (extnID === '1.3.6.1.5.5.7.1.1') {
    const aia = ext.parsedValue as pkijs.InfoAccess | undefined;
    for (const ad of aia?.accessDescriptions ?? []) {
      if (ad.accessMethod === accessMethod && ad.accessLocation.type === 6) urls.push(String(ad.accessLocation.value));
    }
  } else {
    const dps = ext.parsedValue as pkijs.CRLDistributionPoints | undefined;
    for (const dp of dps?.distributionPoints ?? []) {
      const names = dp.distributionPoint;
      if (Array.isArray(names)) for (const g of names) if (g.type === 6) urls.push(String(g.value));
    }
  }
  return urls.filter((u) => /^https?:\/\//.test(u));
}

export const ocspUrls = (der: Buffer): string[] => extensionUrls(der, '1.3.6.1.5.5.7.1.1', '1.3.6.1.5.5.7.48.1');
export const crlUrls = (der: Buffer): string[] => extensionUrls(der, '2.5.29.31');

export interface RevocationData {
  /** DER OCSPResponse for each checked certificate that had a responder. */
  ocsps: Buffer[];
  /** DER CRLs. */
  crls: Buffer[];
  /** Certificates met along the way (OCSP responder certs). */
  certs: Buffer[];
  /** 'good' when every checked certificate was confirmed unrevoked, 'unknown' when some could not be checked. */
  status: 'good' | 'unknown';
}

async function httpGetOrPost(url: string, body: Buffer | undefined, contentType: string | undefined, timeoutMs: number): Promise<Buffer> {
  const res = await fetchRetryingBrokenConnection(
    url,
    { method: body ? 'POST' : 'GET', ...(body ? { body, headers: { 'Content-Type': contentType ?? 'application/octet-stream' } } : {}) },
    timeoutMs,
  );
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

function certIdFor(cert: pkijs.Certificate, issuer: pkijs.Certificate): pkijs.CertID {
  const sha1 = (b: Uint8Array): ArrayBuffer => toArrayBuffer(createHash('sha1').update(b).digest());
  return new pkijs.CertID({
    hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha1, algorithmParams: new asn1js.Null() }),
    issuerNameHash: new asn1js.OctetString({ valueHex: sha1(new Uint8Array(issuer.subject.toSchema().toBER(false))) }),
    issuerKeyHash: new asn1js.OctetString({ valueHex: sha1(issuer.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView) }),
    serialNumber: cert.serialNumber,
  });
}

/** Checks one certificate: OCSP first, then CRL. Throws CERT_REVOKED; returns what it fetched. */
async function checkOne(certDer: Buffer, issuerDer: Buffer, timeoutMs: number, out: RevocationData): Promise<boolean> {
  const cert = parseCertificate(certDer);
  const issuer = parseCertificate(issuerDer);
  const name = commonName(certDer);
  for (const url of ocspUrls(certDer)) {
    try {
      const req = new pkijs.OCSPRequest();
      req.tbsRequest.requestList = [new pkijs.Request({ reqCert: certIdFor(cert, issuer) })];
      const reply = await httpGetOrPost(url, Buffer.from(req.toSchema(true).toBER(false)), 'application/ocsp-request', timeoutMs);
      const resp = pkijs.OCSPResponse.fromBER(toArrayBuffer(reply));
      if (resp.responseStatus.valueBlock.valueDec !== 0 || !resp.responseBytes) throw new Error(`OCSP status ${resp.responseStatus.valueBlock.valueDec}`);
      const basic = pkijs.BasicOCSPResponse.fromBER(resp.responseBytes.response.valueBlock.valueHexView);
      const single = basic.tbsResponseData.responses.find((r) => Buffer.from(r.certID.serialNumber.valueBlock.valueHexView).equals(Buffer.from(cert.serialNumber.valueBlock.valueHexView)));
      if (!single) throw new Error('OCSP reply does not cover the certificate');
      const status = single.certStatus as { idBlock: { tagNumber: number } };
      if (status.idBlock.tagNumber === 1) throw new StationError('CERT_REVOKED', `certificate of ${name} is revoked (OCSP ${url})`, { subject: name, url });
      if (status.idBlock.tagNumber !== 0) throw new Error('OCSP status unknown');
      out.ocsps.push(reply);
      for (const c of basic.certs ?? []) out.certs.push(Buffer.from(c.toSchema().toBER(false)));
      return true;
    } catch (err) {
      if (err instanceof StationError) throw err;
      log.warn('OCSP check failed', { url, message: (err as Error).message });
    }
  }
  for (const url of crlUrls(certDer)) {
    try {
      let raw = await httpGetOrPost(url, undefined, undefined, timeoutMs);
      const text = raw.subarray(0, 30).toString('latin1');
      if (text.startsWith('-----BEGIN')) raw = Buffer.from(raw.toString('latin1').replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
      const crl = pkijs.CertificateRevocationList.fromBER(toArrayBuffer(raw));
      const x = new X509Certificate(issuerDer);
      // Signature of the CRL by the issuer.
      const tbs = Buffer.from(crl.tbsView);
      const sig = Buffer.from(crl.signatureValue.valueBlock.valueHexView);
      const algo = crl.signature.algorithmId === '1.2.840.10045.4.3.3' ? 'sha384' : 'sha256';
      if (!cryptoVerify(algo, tbs, x.publicKey, sig)) throw new Error('CRL signature does not verify');
      const serial = Buffer.from(cert.serialNumber.valueBlock.valueHexView);
      if ((crl.revokedCertificates ?? []).some((r) => Buffer.from(r.userCertificate.valueBlock.valueHexView).equals(serial))) {
        throw new StationError('CERT_REVOKED', `certificate of ${name} is revoked (CRL ${url})`, { subject: name, url });
      }
      out.crls.push(raw);
      return true;
    } catch (err) {
      if (err instanceof StationError) throw err;
      log.warn('CRL check failed', { url, message: (err as Error).message });
    }
  }
  return false;
}

/**
 * Revocation of each non-anchor certificate in `chain` (leaf first). Unreachable responders leave the status
 * 'unknown' (offline counters still sign); a revoked certificate is CERT_REVOKED.
 */
export async function checkRevocation(chain: Buffer[], timeoutMs = 10_000): Promise<RevocationData> {
  const out: RevocationData = { ocsps: [], crls: [], certs: [], status: 'good' };
  for (let i = 0; i + 1 < chain.length; i++) {
    const ok = await checkOne(chain[i]!, chain[i + 1]!, timeoutMs, out);
    if (!ok) out.status = 'unknown';
  }
  if (chain.length < 2) out.status = 'unknown';
  return out;
}
