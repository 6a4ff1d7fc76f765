/**
 * Verification of every signature and document timestamp in a PDF: integrity (ByteRange digest and the CMS
 * signature), signer, time, PAdES level, chain to the trust anchors, and whether the document changed after the
 * signature in ways a signature does not allow (anything beyond new signature fields, appearances, fonts and
 * DSS data).
 */
import { createHash, createPublicKey, verify as cryptoVerify, constants, X509Certificate, type KeyObject } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { StationError } from '../../common/errors';
import { buildChain, certSha256, commonName } from './certs';
import { OID, toArrayBuffer, trimDer } from './cms';
import { PdfFile } from './pdfFile';
import { PdfDict, PdfStream, PdfString, serialize, type PdfValue } from './pdfObjects';
import { tstInfoOf } from './tsa';

export interface SignatureReport {
  index: number;
  fieldName: string;
  kind: 'signature' | 'document-timestamp';
  subFilter: string;
  signer: { name: string; subject: string; certSha256: string } | null;
  /** From the signature dictionary's /M (claimed by the signer). */
  claimedTime: string | null;
  /** From the RFC 3161 token (proven). */
  timestampTime: string | null;
  level: 'B-B' | 'B-T' | 'B-LT' | 'DTS' | 'unknown';
  /** Digest of the signed ranges and the signature value both check out. */
  intact: boolean;
  chain: 'trusted' | 'untrusted' | 'unchecked';
  byteRange: number[];
  coversWholeDocument: boolean;
  /** Changes after this signature beyond what later signatures/DSS may add. */
  modifiedAfter: boolean;
  changes: string[];
  errors: string[];
  valid: boolean;
}

export interface VerifyReport {
  file: string;
  size: number;
  signatures: SignatureReport[];
  /** Every signature valid (and at least one present). */
  valid: boolean;
}

/** Signed attributes as signed: DER SET OF (tag 0x31). */
export function signedAttrsDer(cmsDer: Buffer): Buffer {
  const si = signerInfoOf(parseSignedData(cmsDer));
  if (!si.signedAttrs) throw new StationError('SIGNATURE_INVALID', 'CMS has no signed attributes');
  return Buffer.from(si.signedAttrs.encodedValue);
}

function parseSignedData(der: Buffer): pkijs.SignedData {
  try {
    const ci = pkijs.ContentInfo.fromBER(toArrayBuffer(trimDer(der)));
    if (ci.contentType !== OID.signedData) throw new Error(`content type ${ci.contentType}`);
    return new pkijs.SignedData({ schema: ci.content });
  } catch (err) {
    throw new StationError('SIGNATURE_INVALID', `not a CMS SignedData: ${(err as Error).message}`);
  }
}

function signerInfoOf(sd: pkijs.SignedData): pkijs.SignerInfo {
  const si = sd.signerInfos[0];
  if (!si) throw new StationError('SIGNATURE_INVALID', 'CMS has no signer');
  return si;
}

function certsOf(sd: pkijs.SignedData): Buffer[] {
  return (sd.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate).map((c) => Buffer.from(c.toSchema().toBER(false)));
}

/** Certificates inside the signature timestamp of a CMS (TSA chain), for the DSS. */
export function certificatesInTimestamp(cmsDer: Buffer): Buffer[] {
  const si = signerInfoOf(parseSignedData(cmsDer));
  const attr = si.unsignedAttrs?.attributes.find((a) => a.type === OID.timeStampToken);
  if (!attr) return [];
  return certsOf(parseSignedData(Buffer.from(attr.values[0]!.toBER(false))));
}

function attrValue(si: pkijs.SignerInfo, type: string): asn1js.AsnType | undefined {
  return si.signedAttrs?.attributes.find((a) => a.type === type)?.values[0] as asn1js.AsnType | undefined;
}

function findSignerCert(sd: pkijs.SignedData, si: pkijs.SignerInfo): Buffer | undefined {
  const sid = si.sid as pkijs.IssuerAndSerialNumber;
  for (const c of sd.certificates ?? []) {
    if (!(c instanceof pkijs.Certificate)) continue;
    if (sid instanceof pkijs.IssuerAndSerialNumber && c.serialNumber.isEqual(sid.serialNumber) && c.issuer.isEqual(sid.issuer)) {
      return Buffer.from(c.toSchema().toBER(false));
    }
  }
  return undefined;
}

function verifySignatureValue(si: pkijs.SignerInfo, pub: KeyObject, data: Buffer): boolean {
  const sig = Buffer.from(si.signature.valueBlock.valueHexView);
  const alg = si.signatureAlgorithm.algorithmId;
  const digestAlg = si.digestAlgorithm.algorithmId === '2.16.840.1.101.3.4.2.2' ? 'sha384' : si.digestAlgorithm.algorithmId === '2.16.840.1.101.3.4.2.3' ? 'sha512' : 'sha256';
  if (alg === OID.rsaPss) {
    let salt = 20;
    try {
      const p = new pkijs.RSASSAPSSParams({ schema: si.signatureAlgorithm.algorithmParams });
      salt = p.saltLength;
    } catch {
      /* defaults */
    }
    return cryptoVerify(digestAlg, data, { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: salt }, sig);
  }
  if (alg.startsWith('1.2.840.10045.')) return cryptoVerify(digestAlg, data, { key: pub, dsaEncoding: 'der' }, sig);
  return cryptoVerify(digestAlg, data, { key: pub, padding: constants.RSA_PKCS1_PADDING }, sig);
}

interface CmsCheck {
  ok: boolean;
  errors: string[];
  signerCert?: Buffer;
  certs: Buffer[];
}

/** Checks a SignedData over an expected content digest (detached) or its own eContent. */
function checkSignedData(sd: pkijs.SignedData, contentDigest: Buffer | null): CmsCheck {
  const errors: string[] = [];
  const si = signerInfoOf(sd);
  const certs = certsOf(sd);
  const signerCert = findSignerCert(sd, si);
  if (!signerCert) return { ok: false, errors: ['signer certificate not in the CMS'], certs };
  let digest = contentDigest;
  if (!digest) {
    const e = sd.encapContentInfo.eContent;
    if (!e) return { ok: false, errors: ['no content'], certs, signerCert };
    digest = createHash('sha256').update(Buffer.from(e.getValue())).digest();
  }
  const md = attrValue(si, OID.messageDigest) as asn1js.OctetString | undefined;
  if (!md) errors.push('message-digest attribute missing');
  else if (!Buffer.from(md.valueBlock.valueHexView).equals(digest)) errors.push('digest mismatch: the signed bytes changed');
  const pub = createPublicKey(new X509Certificate(signerCert).publicKey.export({ type: 'spki', format: 'pem' }));
  const tbs = Buffer.from(si.signedAttrs!.encodedValue);
  let sigOk: boolean;
  try {
    sigOk = verifySignatureValue(si, pub, tbs);
  } catch {
    sigOk = false;
  }
  if (!sigOk) errors.push('signature value does not verify with the signer certificate');
  const scv2 = attrValue(si, OID.signingCertificateV2) as asn1js.Sequence | undefined;
  if (scv2) {
    try {
      const first = ((scv2.valueBlock.value[0] as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence).valueBlock.value;
      const hashNode = (first[0] instanceof asn1js.OctetString ? first[0] : first[1]) as asn1js.OctetString;
      if (!Buffer.from(hashNode.valueBlock.valueHexView).equals(createHash('sha256').update(signerCert).digest())) errors.push('signing-certificate-v2 does not match the signer certificate');
    } catch {
      errors.push('signing-certificate-v2 unreadable');
    }
  }
  return { ok: errors.length === 0, errors, signerCert, certs };
}

function hashRanges(path: string, br: number[]): Buffer {
  const h = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    for (let i = 0; i + 1 < br.length; i += 2) {
      let pos = br[i]!;
      let left = br[i + 1]!;
      while (left > 0) {
        const r = readSync(fd, buf, 0, Math.min(buf.length, left), pos);
        if (r === 0) throw new StationError('PDF_CORRUPT', 'ByteRange beyond end of file');
        h.update(buf.subarray(0, r));
        pos += r;
        left -= r;
      }
    }
  } finally {
    closeSync(fd);
  }
  return h.digest();
}

function collectSigFields(file: PdfFile): { name: string; v: PdfDict }[] {
  const out: { name: string; v: PdfDict }[] = [];
  const af = file.resolveDict(file.catalog().get('AcroForm'));
  const walk = (fields: PdfValue[] | undefined, prefix: string, depth: number): void => {
    for (const f of fields ?? []) {
      const d = file.resolveDict(f);
      if (!d || depth > 8) continue;
      const t = d.get('T');
      const name = t instanceof PdfString ? (prefix ? `${prefix}.${t.toText()}` : t.toText()) : prefix;
      const v = file.resolveDict(d.get('V'));
      if (d.name('FT') === 'Sig' && v) out.push({ name, v });
      walk(file.resolve(d.get('Kids')) as PdfValue[] | undefined, name, depth + 1);
    }
  };
  walk(file.resolve(af?.get('Fields')) as PdfValue[] | undefined, '', 0);
  return out;
}

const ALLOWED_NEW_TYPES = new Set(['Sig', 'DocTimeStamp', 'Annot', 'XObject', 'Font', 'FontDescriptor', 'DSS', 'XRef', 'ObjStm']);

/** What changed after `end` (the end of the signed revision), judged against the signed revision. */
function changesAfter(path: string, file: PdfFile, end: number): { changes: string[]; disallowed: boolean } {
  if (end >= file.size) return { changes: [], disallowed: false };
  const old = PdfFile.open(path, end);
  const changes: string[] = [];
  let disallowed = false;
  try {
    const writtenAfter = (num: number): boolean => {
      const e = file.xref.get(num);
      if (e?.kind === 'offset') return e.offset >= end;
      if (e?.kind === 'objstm') {
        const st = file.xref.get(e.stream);
        return st?.kind === 'offset' && st.offset >= end;
      }
      return false;
    };
    for (const num of file.xref.keys()) {
      if (!writtenAfter(num)) continue;
      const nv = file.getObject(num);
      const ov = old.xref.has(num) ? old.getObject(num) : undefined;
      const nd = nv instanceof PdfStream ? nv.dict : nv instanceof PdfDict ? nv : undefined;
      const type = nd?.name('Type') ?? (nd?.name('FT') === 'Sig' ? 'Annot' : undefined);
      if (ov === undefined || ov === null) {
        if (nd && type && !ALLOWED_NEW_TYPES.has(type)) {
          changes.push(`object ${num} added (${type})`);
          disallowed = true;
        } else if (nd && type === 'Annot' && !(nd.name('Subtype') === 'Widget' && nd.name('FT') === 'Sig')) {
          // Only signature widgets may be added: a new comment/stamp could cover the signed content.
          changes.push(`annotation ${num} added (${nd.name('Subtype') ?? '?'})`);
          disallowed = true;
        }
        continue;
      }
      const od = ov instanceof PdfStream ? ov.dict : ov instanceof PdfDict ? ov : undefined;
      if (od && nd && type === 'Catalog') {
        for (const k of new Set([...od.map.keys(), ...nd.map.keys()])) {
          if (k === 'AcroForm' || k === 'DSS') continue;
          if (serialize(od.get(k) ?? null) !== serialize(nd.get(k) ?? null)) {
            changes.push(`catalog /${k} changed`);
            disallowed = true;
          }
        }
        continue;
      }
      if (od && nd && type === 'Page') {
        for (const k of new Set([...od.map.keys(), ...nd.map.keys()])) {
          if (k === 'Annots') continue;
          if (serialize(od.get(k) ?? null) !== serialize(nd.get(k) ?? null)) {
            changes.push(`page object ${num} /${k} changed`);
            disallowed = true;
          }
        }
        continue;
      }
      if (Array.isArray(ov) && Array.isArray(nv)) {
        // Annots / Fields arrays may only grow.
        const o = ov.map((x) => serialize(x as PdfValue));
        const nn = new Set(nv.map((x) => serialize(x as PdfValue)));
        if (!o.every((x) => nn.has(x))) {
          changes.push(`array object ${num} lost entries`);
          disallowed = true;
        }
        continue;
      }
      if (od && nd && (od.has('Fields') || type === 'DSS' || type === 'Annot')) {
        if (type === 'Annot' && od.has('V') && serialize(od.get('V')!) !== serialize(nd.get('V') ?? null)) {
          changes.push(`signature field ${num} value replaced`);
          disallowed = true;
        }
        continue;
      }
      changes.push(`object ${num} modified${type ? ` (${type})` : ''}`);
      disallowed = true;
    }
  } finally {
    old.close();
  }
  return { changes, disallowed };
}

function dssCoversSignature(file: PdfFile, contents: Buffer): boolean {
  const dss = file.resolveDict(file.catalog().get('DSS'));
  if (!dss) return false;
  const key = createHash('sha1').update(trimDer(contents)).digest('hex').toUpperCase();
  const vri = file.resolveDict(dss.get('VRI'));
  const entry = vri ? file.resolveDict(vri.get(key)) : undefined;
  const hasRev = (d: PdfDict | undefined): boolean => !!d && ((file.resolve(d.get('OCSP')) as unknown[] | undefined)?.length ?? 0) + ((file.resolve(d.get('CRL')) as unknown[] | undefined)?.length ?? 0) > 0;
  if (entry) return hasRev(entry);
  return ((file.resolve(dss.get('OCSPs')) as unknown[] | undefined)?.length ?? 0) + ((file.resolve(dss.get('CRLs')) as unknown[] | undefined)?.length ?? 0) > 0;
}

function dssCerts(file: PdfFile): Buffer[] {
  const dss = file.resolveDict(file.catalog().get('DSS'));
  const arr = (file.resolve(dss?.get('Certs')) as PdfValue[] | undefined) ?? [];
  const out: Buffer[] = [];
  for (const r of arr) {
    const s = file.resolve(r);
    if (s instanceof PdfStream) {
      try {
        out.push(file.decode(s));
      } catch {
        /* skip */
      }
    }
  }
  return out;
}

function pdfDateToIso(s: string): string | null {
  const m = /^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([+\-Z])?(\d{2})?'?(\d{2})?/.exec(s);
  if (!m) return null;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', se = '00', sign, oh = '00', om = '00'] = m;
  const off = !sign || sign === 'Z' ? 'Z' : `${sign}${oh}:${om}`;
  const t = new Date(`${y}-${mo}-${d}T${h}:${mi}:${se}${off}`);
  return Number.isNaN(t.getTime()) ? null : t.toISOString();
}

/** Verifies every signature of the file at `path`. `trustAnchors` empty → chain 'unchecked'. */
export function verifyPdf(path: string, opts: { trustAnchors?: Buffer[] } = {}): VerifyReport {
  const file = PdfFile.open(path);
  try {
    const fields = collectSigFields(file);
    const extraCerts = dssCerts(file);
    const anchors = opts.trustAnchors ?? [];
    const reports = fields.map(({ name, v }, index): SignatureReport => {
      const errors: string[] = [];
      const subFilter = v.name('SubFilter') ?? '';
      const br = ((v.get('ByteRange') as number[] | undefined) ?? []).map(Number);
      const contents = v.get('Contents');
      const cbytes = contents instanceof PdfString ? contents.bytes : Buffer.alloc(0);
      const mRaw = v.get('M');
      const claimed = mRaw instanceof PdfString ? pdfDateToIso(mRaw.toText()) : null;
      const isDts = subFilter === 'ETSI.RFC3161';
      const report: SignatureReport = {
        index: index + 1,
        fieldName: name,
        kind: isDts ? 'document-timestamp' : 'signature',
        subFilter,
        signer: null,
        claimedTime: claimed,
        timestampTime: null,
        level: 'unknown',
        intact: false,
        chain: 'unchecked',
        byteRange: br,
        coversWholeDocument: false,
        modifiedAfter: false,
        changes: [],
        errors,
        valid: false,
      };
      if (br.length !== 4 || br[0] !== 0) {
        errors.push('ByteRange malformed');
        return report;
      }
      const end = br[2]! + br[3]!;
      report.coversWholeDocument = end === file.size;
      let digest: Buffer;
      try {
        digest = hashRanges(path, br);
      } catch (err) {
        errors.push((err as Error).message);
        return report;
      }
      try {
        const sd = parseSignedData(cbytes);
        let signerCert: Buffer | undefined;
        let pool: Buffer[] = [];
        if (isDts) {
          const check = checkSignedData(sd, null);
          errors.push(...check.errors);
          const info = tstInfoOf(pkijs.ContentInfo.fromBER(toArrayBuffer(trimDer(cbytes))));
          if (!Buffer.from(info.messageImprint.hashedMessage.valueBlock.valueHexView).equals(digest)) errors.push('digest mismatch: the timestamped bytes changed');
          report.timestampTime = info.genTime.toISOString();
          report.level = 'DTS';
          signerCert = check.signerCert;
          pool = check.certs;
        } else {
          const check = checkSignedData(sd, digest);
          errors.push(...check.errors);
          signerCert = check.signerCert;
          pool = check.certs;
          const si = signerInfoOf(sd);
          const tsAttr = si.unsignedAttrs?.attributes.find((a) => a.type === OID.timeStampToken);
          report.level = 'B-B';
          if (tsAttr) {
            const tokDer = Buffer.from(tsAttr.values[0]!.toBER(false));
            const tsd = parseSignedData(tokDer);
            const tcheck = checkSignedData(tsd, null);
            const info = tstInfoOf(pkijs.ContentInfo.fromBER(toArrayBuffer(tokDer)));
            const sigHash = createHash('sha256').update(Buffer.from(si.signature.valueBlock.valueHexView)).digest();
            if (!tcheck.ok) errors.push(...tcheck.errors.map((e) => `timestamp: ${e}`));
            else if (!Buffer.from(info.messageImprint.hashedMessage.valueBlock.valueHexView).equals(sigHash)) errors.push('timestamp does not cover this signature');
            else if (anchors.length && tcheck.signerCert && !buildChain(tcheck.signerCert, [...tcheck.certs, ...extraCerts], anchors, info.genTime)) {
              errors.push('timestamp: the TSA certificate does not chain to a trusted root');
            } else {
              report.timestampTime = info.genTime.toISOString();
              report.level = 'B-T';
            }
            pool = [...pool, ...tcheck.certs];
          }
          if (report.level === 'B-T' && dssCoversSignature(file, cbytes)) report.level = 'B-LT';
        }
        if (signerCert) {
          const x = new X509Certificate(signerCert);
          report.signer = { name: commonName(signerCert), subject: x.subject.replace(/\n/g, ', '), certSha256: certSha256(signerCert) };
          if (anchors.length) {
            const at = report.timestampTime ? new Date(report.timestampTime) : claimed ? new Date(claimed) : new Date();
            report.chain = buildChain(signerCert, [...pool, ...extraCerts], anchors, at) ? 'trusted' : 'untrusted';
            if (report.chain === 'untrusted') errors.push('certificate does not chain to a trusted root');
          }
        }
        report.intact = !errors.some((e) => !e.startsWith('certificate does not chain'));
      } catch (err) {
        errors.push((err as Error).message);
      }
      if (!report.coversWholeDocument) {
        try {
          const c = changesAfter(path, file, end);
          report.changes = c.changes;
          report.modifiedAfter = c.disallowed;
          if (c.disallowed) errors.push('the document was changed after this signature');
        } catch (err) {
          report.modifiedAfter = true;
          errors.push(`later revisions unreadable: ${(err as Error).message}`);
        }
      }
      report.valid = report.intact && !report.modifiedAfter && report.chain !== 'untrusted';
      return report;
    });
    return { file: path, size: file.size, signatures: reports, valid: reports.length > 0 && reports.every((r) => r.valid) };
  } finally {
    file.close();
  }
}


