/**
 * PAdES signing as true incremental updates. The existing file is streamed (hashed and copied), never parsed
 * whole: only its trailer, xref, catalog, AcroForm and first page are read. Levels:
 *  - B-B: CMS with signed attributes (cms.ts);
 *  - B-T: plus an RFC 3161 signature timestamp; when the TSA cannot be reached the signature is written as B-B
 *    and `dtsPending` tells the caller to add a document timestamp later (addDocumentTimestamp);
 *  - B-LT: plus a DSS dictionary (certificates, OCSP responses, CRLs) in a further incremental update.
 */
import { createHash, createPublicKey, verify as cryptoVerify, constants, X509Certificate } from 'node:crypto';
import { closeSync, copyFileSync, fsyncSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { StationError } from '../../common/errors';
import { createLogger } from '../log/logger';
import { buildMark, emptyAppearance, type MarkSpec } from './appearance';
import { buildChain, certSha256, checkRevocation, checkSigningCertificate, commonName, type RevocationData } from './certs';
import { buildCms, trimDer, type SignatureScheme, type SigningKey } from './cms';
import { CMS_MARGIN_TS, forgetTimestampSize, reserveForCms, timestampTokenSize } from './cmsReserve';
import { IncrementalUpdate } from './incremental';
import { PdfFile } from './pdfFile';
import { dict, n, PdfDict, PdfRaw, PdfRef, PdfStream, PdfString, type PdfValue } from './pdfObjects';
import { requestTimestamp, type TsaOptions } from './tsa';
import { certificatesInTimestamp, signedAttrsDer } from './verify';
import { pdfDate } from '../../common/pdfDate';

const log = createLogger('signing.pades');

export type PadesLevel = 'B-B' | 'B-T' | 'B-LT';

export interface SignPdfOptions {
  input: string;
  output: string;
  key: SigningKey;
  /** RSA: 'pkcs1' (default) or 'pss'. EC keys always use ECDSA. */
  rsaScheme?: 'pkcs1' | 'pss';
  level: PadesLevel;
  mark?: MarkSpec | null;
  tsa?: TsaOptions | null;
  /** Trust anchors (DER). Empty: the chain is not checked (reported as 'unchecked'). */
  trustAnchors?: Buffer[];
  /** Extra intermediates for chain building. */
  intermediates?: Buffer[];
  /** Check revocation before signing (when the responders answer). */
  checkRevocation?: boolean;
  reason?: string;
  location?: string;
  now?: Date;
  /** Bytes reserved for the CMS (default: a dry-run CMS plus a margin, cmsReserve.ts; hex doubles it). */
  reserve?: number;
}

export interface SignPdfResult {
  level: PadesLevel;
  /** B-T was asked for but the TSA could not be reached: a document timestamp must be added later. */
  dtsPending: boolean;
  fieldName: string;
  signerName: string;
  certSha256: string;
  signingTime: string;
  /** The TSA's time (genTime) of the signature timestamp, when there is one. */
  timestampTime: string | null;
  chain: 'trusted' | 'unchecked';
  revocation: 'good' | 'unknown' | 'unchecked';
}


function schemeFor(key: SigningKey, rsa: 'pkcs1' | 'pss' | undefined): SignatureScheme {
  return key.keyType === 'ec' ? 'ecdsa' : (rsa ?? 'pkcs1');
}

/** SHA-256 of the file then `parts`, through one reused 1 MB buffer (memory stays flat for any size). */
function hashFileAndParts(path: string, parts: Buffer[]): Buffer {
  const h = createHash('sha256');
  const buf = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(path, 'r');
  try {
    for (let pos = 0; ; ) {
      const r = readSync(fd, buf, 0, buf.length, pos);
      if (r === 0) break;
      h.update(buf.subarray(0, r));
      pos += r;
    }
  } finally {
    closeSync(fd);
  }
  for (const p of parts) h.update(p);
  return h.digest();
}

function lastByte(file: PdfFile): number {
  return file.read(file.size - 1, 1)[0] ?? 0x0a;
}

/** Writes input + section to output atomically (copy, append, fsync, rename). */
function writeOutput(input: string, section: Buffer, output: string): void {
  const tmp = `${output}.${process.pid}.tmp`;
  try {
    copyFileSync(input, tmp);
    const fd = openSync(tmp, 'a');
    try {
      let off = 0;
      while (off < section.length) off += writeSync(fd, section, off, section.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, output);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

function existingFieldNames(file: PdfFile, fields: PdfValue[]): Set<string> {
  const names = new Set<string>();
  for (const f of fields) {
    const d = file.resolveDict(f);
    const t = d?.get('T');
    if (t instanceof PdfString) names.add(t.toText());
  }
  return names;
}

interface SigSlot {
  upd: IncrementalUpdate;
  file: PdfFile;
  fieldName: string;
  /** The signature dictionary in `upd` (its /ByteRange placeholder is sized in layout()). */
  sigDict: PdfDict;
}

/** Adds field + widget (+ appearance) + signature dictionary objects; returns the update ready to build. */
async function prepareSignatureField(file: PdfFile, sigDict: PdfDict, mark: MarkSpec | null | undefined, prefix: string): Promise<SigSlot> {
  if (file.trailer.has('Encrypt')) throw new StationError('PDF_ENCRYPTED', `${file.path} is encrypted: decrypt it before signing`, { path: file.path });
  const upd = new IncrementalUpdate(file);
  const catalogRef = file.catalogRef();
  const catalog = file.catalog().clone();
  const afVal = catalog.get('AcroForm');
  const afRef = afVal instanceof PdfRef ? afVal : undefined;
  const acroForm = (file.resolveDict(afVal) ?? new PdfDict()).clone();
  const fields = [...((file.resolve(acroForm.get('Fields')) as PdfValue[] | undefined) ?? [])];
  const names = existingFieldNames(file, fields);
  let i = 1;
  while (names.has(`${prefix}${i}`)) i++;
  const fieldName = `${prefix}${i}`;

  const pageRef = file.pageRef(0);
  const page = file.resolveDict(pageRef)!.clone();
  const box = (file.inherited(page, 'CropBox') ?? file.inherited(page, 'MediaBox')) as number[] | undefined;
  if (!box || box.length !== 4) throw new StationError('PDF_CORRUPT', 'page 1 has no MediaBox');

  const sigRef = upd.add(sigDict);
  let rect: number[] = [0, 0, 0, 0];
  let apRef: PdfRef;
  if (mark) {
    const rotate = file.inherited(page, 'Rotate');
    const ap = await buildMark(upd, mark, box.map(Number), typeof rotate === 'number' ? rotate : 0, { file, fields });
    rect = ap.rect;
    apRef = ap.ref;
  } else apRef = emptyAppearance(upd);
  const widget = upd.add(
    dict({
      Type: n('Annot'),
      Subtype: n('Widget'),
      FT: n('Sig'),
      T: PdfString.text(fieldName),
      V: sigRef,
      F: 132, // Print + Locked
      Rect: rect,
      P: pageRef,
      AP: dict({ N: apRef }),
    }),
  );
  const annotsVal = page.get('Annots');
  const annots = [...((file.resolve(annotsVal) as PdfValue[] | undefined) ?? []), widget];
  if (annotsVal instanceof PdfRef) upd.set(annotsVal, annots);
  else page.set('Annots', annots);
  if (!(annotsVal instanceof PdfRef)) upd.set(pageRef, page);

  fields.push(widget);
  const fieldsVal = acroForm.get('Fields');
  if (fieldsVal instanceof PdfRef) upd.set(fieldsVal, fields);
  else acroForm.set('Fields', fields);
  acroForm.set('SigFlags', 3);
  if (afRef) upd.set(afRef, acroForm);
  else {
    catalog.set('AcroForm', acroForm);
    upd.set(catalogRef, catalog);
  }
  return { upd, file, fieldName, sigDict };
}

/** A /ByteRange placeholder for numbers of up to `digits` digits. */
function byteRangePlaceholder(digits: number): string {
  const d = '0'.repeat(digits);
  return `[0 ${d} ${d} ${d}]`;
}
const BR_PLACEHOLDER = byteRangePlaceholder(10);

/**
 * Builds the section, fills /ByteRange, returns the section, the range digest and where /Contents' hex goes.
 * The placeholder is as wide as the file's offsets need (one more digit only when the section crosses a power
 * of ten), not a fixed ten digits per number: the unused width would stay in the file as spaces.
 */
async function layout(slot: SigSlot, reserve: number): Promise<{ section: Buffer; digest: Buffer; hexStart: number; hexLen: number }> {
  const placeholderHex = `<${'0'.repeat(reserve * 2)}>`;
  const base = slot.file.size;
  for (let digits = String(base).length; ; digits++) {
    const placeholder = byteRangePlaceholder(digits);
    slot.sigDict.set('ByteRange', new PdfRaw(placeholder));
    const section = slot.upd.build(slot.file.size, lastByte(slot.file) === 0x0a || lastByte(slot.file) === 0x0d);
    const text = section.toString('latin1');
    const cIdx = text.indexOf(placeholderHex);
    const bIdx = text.indexOf(placeholder);
    if (cIdx < 0 || bIdx < 0) throw new StationError('INTERNAL', 'signature placeholders not found');
    const contentsStart = base + cIdx;
    const contentsEnd = contentsStart + placeholderHex.length;
    const total = base + section.length;
    const br = `[0 ${contentsStart} ${contentsEnd} ${total - contentsEnd}]`;
    if (br.length > placeholder.length) continue;
    section.write(br.padEnd(placeholder.length, ' '), bIdx, 'latin1');
    const digest = hashFileAndParts(slot.file.path, [section.subarray(0, cIdx), section.subarray(cIdx + placeholderHex.length)]);
    return { section, digest, hexStart: cIdx + 1, hexLen: reserve * 2 };
  }
}

function verifyOwnSignature(key: SigningKey, scheme: SignatureScheme, data: Buffer, sig: Buffer): boolean {
  const pub = createPublicKey(new X509Certificate(key.certificate).publicKey.export({ type: 'spki', format: 'pem' }));
  if (scheme === 'pss') return cryptoVerify('sha256', data, { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, sig);
  if (scheme === 'ecdsa') return cryptoVerify('sha256', data, { key: pub, dsaEncoding: 'der' }, sig);
  return cryptoVerify('sha256', data, { key: pub, padding: constants.RSA_PKCS1_PADDING }, sig);
}

/** Checks the certificate before anything is written. */
export async function precheck(
  certificate: Buffer,
  pool: Buffer[],
  opts: { trustAnchors?: Buffer[] | undefined; checkRevocation?: boolean | undefined; now?: Date | undefined },
): Promise<{ chain: Buffer[] | null; known: Buffer[]; revocation: RevocationData | null }> {
  const now = opts.now ?? new Date();
  checkSigningCertificate(certificate, now);
  let chain: Buffer[] | null = null;
  if (opts.trustAnchors && opts.trustAnchors.length > 0) {
    chain = buildChain(certificate, pool, opts.trustAnchors, now) ?? null;
    if (!chain) throw new StationError('CERT_UNTRUSTED', `certificate of ${commonName(certificate)} does not chain to a trusted root`, { subject: commonName(certificate) });
  }
  // Without a trust list the chain is unchecked, but the certificates the key source brought (p12 bags, CA
  // certificates on the token) still give the issuer for a revocation check and the DSS.
  const known = chain ?? buildChain(certificate, pool, pool.filter(isSelfIssued), now) ?? directIssuer(certificate, pool);
  let revocation: RevocationData | null = null;
  if (opts.checkRevocation && known.length > 1) revocation = await checkRevocation(known);
  return { chain, known, revocation };
}

function isSelfIssued(der: Buffer): boolean {
  try {
    const x = new X509Certificate(der);
    return x.checkIssued(x);
  } catch {
    return false;
  }
}

function directIssuer(cert: Buffer, pool: Buffer[]): Buffer[] {
  const x = new X509Certificate(cert);
  const issuer = pool.find((c) => {
    try {
      const ix = new X509Certificate(c);
      return x.checkIssued(ix) && x.verify(ix.publicKey);
    } catch {
      return false;
    }
  });
  return issuer ? [cert, issuer] : [cert];
}

export async function signPdf(opts: SignPdfOptions): Promise<SignPdfResult> {
  const now = opts.now ?? new Date();
  const key = opts.key;
  const pool = [...key.chain, ...(opts.intermediates ?? [])];
  const pre = await precheck(key.certificate, pool, { trustAnchors: opts.trustAnchors, checkRevocation: opts.checkRevocation ?? opts.level === 'B-LT', now });
  const scheme = schemeFor(key, opts.rsaScheme);
  const wantTs = opts.level !== 'B-B';
  const signerName = commonName(key.certificate);
  let reserve =
    opts.reserve ??
    (await reserveForCms({ key, scheme, extraCerts: pre.known.slice(1), tsa: wantTs ? (opts.tsa ?? null) : null }));

  let result: SignPdfResult | null = null;
  let signatureContentsHex = '';
  // A real CMS larger than the dry run said (a TSA that changed its certificate between the two requests)
  // is signed once more with room for it.
  for (let attempt = 0; !result; attempt++) {
    const file = PdfFile.open(opts.input);
    try {
      const sigDict = dict({
        Type: n('Sig'),
        Filter: n('Adobe.PPKLite'),
        SubFilter: n('ETSI.CAdES.detached'),
        ByteRange: new PdfRaw(BR_PLACEHOLDER),
        Contents: new PdfRaw(`<${'0'.repeat(reserve * 2)}>`),
        M: PdfString.text(pdfDate(now)),
        Name: PdfString.text(signerName),
        Reason: opts.reason ? PdfString.text(opts.reason) : undefined,
        Location: opts.location ? PdfString.text(opts.location) : undefined,
      });
      const slot = await prepareSignatureField(file, sigDict, opts.mark, 'Sig');
      const { section, digest, hexStart, hexLen } = await layout(slot, reserve);

      let dtsPending = false;
      let timestampTime: string | null = null;
      const cms = await buildCms({
        key,
        scheme,
        contentDigest: digest,
        extraCerts: pre.known.slice(1),
        timestamp:
          wantTs && opts.tsa
            ? async (sig) => {
                try {
                  const ts = await requestTimestamp(opts.tsa!, createHash('sha256').update(sig).digest());
                  timestampTime = ts.time.toISOString();
                  return ts.token;
                } catch (err) {
                  if (err instanceof StationError && err.code === 'TSA_UNREACHABLE') {
                    log.warn('TSA unreachable: signing at B-B, document timestamp queued', { url: opts.tsa!.url });
                    dtsPending = true;
                    return null;
                  }
                  throw err;
                }
              }
            : undefined,
      });
      if (wantTs && !opts.tsa) dtsPending = true;
      // The key really belongs to the certificate (a token may hold a stale certificate): check before writing.
      const tbs = signedAttrsDer(cms.der);
      if (!verifyOwnSignature(key, scheme, tbs, cms.signatureValue)) {
        throw new StationError('CERT_KEY_MISMATCH', `the private key does not match the certificate of ${signerName}`, { subject: signerName });
      }
      const hex = cms.der.toString('hex');
      if (hex.length > hexLen) {
        if (opts.reserve !== undefined || attempt > 0) throw new StationError('INTERNAL', `CMS (${cms.der.length} bytes) larger than the reserved ${reserve} bytes`);
        log.warn('CMS larger than its dry run: signing again with room for it', { cms: cms.der.length, reserved: reserve });
        forgetTimestampSize(opts.tsa?.url);
        reserve = cms.der.length + CMS_MARGIN_TS;
        continue;
      }
      section.write(hex, hexStart, 'latin1');
      signatureContentsHex = hex.padEnd(hexLen, '0');
      writeOutput(opts.input, section, opts.output);
      const level: PadesLevel = cms.timestamped ? 'B-T' : 'B-B';
      result = {
        level,
        dtsPending,
        fieldName: slot.fieldName,
        signerName,
        certSha256: certSha256(key.certificate),
        signingTime: now.toISOString(),
        timestampTime,
        chain: pre.chain ? 'trusted' : 'unchecked',
        revocation: pre.revocation ? pre.revocation.status : 'unchecked',
      };
    } finally {
      file.close();
    }
  }

  if (!result) throw new StationError('INTERNAL', 'signature not written');
  if (opts.level === 'B-LT' && result.level === 'B-T' && pre.known.length > 1) {
    const rev = pre.revocation ?? (await checkRevocation(pre.known));
    const tsaCerts = certificatesInTimestamp(Buffer.from(signatureContentsHex, 'hex'));
    await addDss(opts.output, opts.output, {
      certs: [...pre.known, ...rev.certs, ...tsaCerts],
      ocsps: rev.ocsps,
      crls: rev.crls,
      signatureContents: [Buffer.from(signatureContentsHex, 'hex')],
    });
    if (rev.ocsps.length + rev.crls.length > 0) result.level = 'B-LT';
  }
  return result;
}

/** Appends (or extends) the catalog's /DSS in a new incremental update. */
export async function addDss(input: string, output: string, data: { certs: Buffer[]; ocsps: Buffer[]; crls: Buffer[]; signatureContents: Buffer[] }): Promise<void> {
  const file = PdfFile.open(input);
  try {
    const upd = new IncrementalUpdate(file);
    const catalog = file.catalog().clone();
    const old = file.resolveDict(catalog.get('DSS'));
    const dss = old ? old.clone() : dict({ Type: n('DSS') });
    const seen = new Set<string>();
    const addAll = (key: string, items: Buffer[]): PdfRef[] => {
      const existing = [...((file.resolve(dss.get(key)) as PdfValue[] | undefined) ?? [])];
      const refs: PdfRef[] = [];
      for (const b of items) {
        const h = createHash('sha256').update(b).digest('hex');
        if (seen.has(h)) continue;
        seen.add(h);
        const r = upd.add(new PdfStream(new PdfDict(), b));
        refs.push(r);
        existing.push(r);
      }
      if (existing.length) dss.set(key, existing);
      return refs;
    };
    const certRefs = addAll('Certs', data.certs);
    const ocspRefs = addAll('OCSPs', data.ocsps);
    const crlRefs = addAll('CRLs', data.crls);
    const vri = (file.resolveDict(dss.get('VRI')) ?? new PdfDict()).clone();
    for (const c of data.signatureContents) {
      const trimmed = trimDer(c);
      const k = createHash('sha1').update(trimmed).digest('hex').toUpperCase();
      vri.set(k, dict({ Cert: certRefs, OCSP: ocspRefs.length ? ocspRefs : undefined, CRL: crlRefs.length ? crlRefs : undefined }));
    }
    dss.set('VRI', vri);
    catalog.set('DSS', dss);
    upd.set(file.catalogRef(), catalog);
    const section = upd.build(file.size, lastByte(file) === 0x0a || lastByte(file) === 0x0d);
    writeOutput(input, section, output);
  } finally {
    file.close();
  }
}

/**
 * A document timestamp (/SubFilter ETSI.RFC3161): the catch-up for a B-T signature made offline, and what
 * keeps a document's signatures provable later. Invisible field, empty appearance (PDF/A-1 friendly).
 */
export async function addDocumentTimestamp(input: string, output: string, tsa: TsaOptions, reserve?: number): Promise<{ fieldName: string; time: string }> {
  // The token is all of /Contents: a dry-run token's size plus the margin (none known: the TSA is down, and the
  // real request below reports it).
  let room = reserve ?? ((await timestampTokenSize(tsa)) ?? 8192) + CMS_MARGIN_TS;
  for (let attempt = 0; ; attempt++) {
    const file = PdfFile.open(input);
    try {
      const sigDict = dict({
        Type: n('DocTimeStamp'),
        Filter: n('Adobe.PPKLite'),
        SubFilter: n('ETSI.RFC3161'),
        ByteRange: new PdfRaw(BR_PLACEHOLDER),
        Contents: new PdfRaw(`<${'0'.repeat(room * 2)}>`),
      });
      const slot = await prepareSignatureField(file, sigDict, null, 'DocTS');
      const { section, digest, hexStart, hexLen } = await layout(slot, room);
      const ts = await requestTimestamp(tsa, digest);
      const hex = ts.token.toString('hex');
      if (hex.length > hexLen) {
        if (reserve !== undefined || attempt > 0) throw new StationError('INTERNAL', 'timestamp token larger than reserved');
        forgetTimestampSize(tsa.url);
        room = ts.token.length + CMS_MARGIN_TS;
        continue;
      }
      section.write(hex, hexStart, 'latin1');
      writeOutput(input, section, output);
      return { fieldName: slot.fieldName, time: ts.time.toISOString() };
    } finally {
      file.close();
    }
  }
}

