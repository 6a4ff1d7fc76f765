/**
 * CAdES-style CMS SignedData for PAdES (SubFilter ETSI.CAdES.detached): detached content, SHA-256, signed
 * attributes content-type, message-digest and signing-certificate-v2 (no signing-time: PAdES baseline puts the
 * time in the signature dictionary's /M). The private key operation goes through a SigningKey, so tokens,
 * .p12 files and remote signers all fit.
 */
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { StationError } from '../../common/errors';

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  timeStampToken: '1.2.840.113549.1.9.16.2.14',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha1: '1.3.14.3.2.26',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  rsaPss: '1.2.840.113549.1.1.10',
  mgf1: '1.2.840.113549.1.1.8',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  p256: '1.2.840.10045.3.1.7',
  p384: '1.3.132.0.34',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
} as const;

export type SignatureScheme = 'pkcs1' | 'pss' | 'ecdsa';

/** A private key that signs the DER of the signed attributes (SHA-256 inside the scheme). */
export interface SigningKey {
  /** The signer's certificate (DER). */
  readonly certificate: Buffer;
  /** Other certificates offered by the key source (issuers), DER. */
  readonly chain: Buffer[];
  readonly keyType: 'rsa' | 'ec';
  /** Returns the signature value as CMS wants it (ECDSA: DER SEQUENCE { r, s }). */
  sign(data: Buffer, scheme: SignatureScheme): Promise<Buffer>;
  close(): void;
}

export const sha256 = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest();

export function toArrayBuffer(b: Uint8Array): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

export function parseCertificate(der: Uint8Array): pkijs.Certificate {
  try {
    return pkijs.Certificate.fromBER(toArrayBuffer(der));
  } catch (err) {
    throw new StationError('INVALID_REQUEST', `not an X.509 certificate: ${(err as Error).message}`);
  }
}

export function certDer(c: pkijs.Certificate): Buffer {
  return Buffer.from(c.toSchema().toBER(false));
}

function attribute(type: string, value: asn1js.AsnType): pkijs.Attribute {
  return new pkijs.Attribute({ type, values: [value] });
}

function essCertIdV2(cert: pkijs.Certificate): asn1js.Sequence {
  const hash = sha256(certDer(cert));
  const issuerSerial = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({
        value: [new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 4 }, value: [cert.issuer.toSchema()] })],
      }),
      cert.serialNumber,
    ],
  });
  // hashAlgorithm omitted: SHA-256 is the DEFAULT.
  return new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: toArrayBuffer(hash) }), issuerSerial] });
}

function signatureAlgorithm(scheme: SignatureScheme): pkijs.AlgorithmIdentifier {
  if (scheme === 'pkcs1') return new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256WithRSA, algorithmParams: new asn1js.Null() });
  if (scheme === 'ecdsa') return new pkijs.AlgorithmIdentifier({ algorithmId: OID.ecdsaWithSha256 });
  const sha = new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256, algorithmParams: new asn1js.Null() });
  const params = new pkijs.RSASSAPSSParams({
    hashAlgorithm: sha,
    maskGenAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.mgf1, algorithmParams: sha.toSchema() }),
    saltLength: 32,
  });
  return new pkijs.AlgorithmIdentifier({ algorithmId: OID.rsaPss, algorithmParams: params.toSchema() });
}

/** DER encoding of a SET OF attributes, sorted as DER requires (verifiers re-encode before checking). */
export function encodeSignedAttrs(attrs: pkijs.Attribute[]): { sorted: pkijs.Attribute[]; der: Buffer } {
  const enc = attrs.map((a) => ({ a, der: Buffer.from(a.toSchema().toBER(false)) }));
  enc.sort((x, y) => Buffer.compare(x.der, y.der));
  const set = new asn1js.Set({ value: enc.map((e) => e.a.toSchema()) });
  return { sorted: enc.map((e) => e.a), der: Buffer.from(set.toBER(false)) };
}

export interface BuiltCms {
  der: Buffer;
  /** The raw signature value (what a timestamp covers). */
  signatureValue: Buffer;
}

/**
 * Builds and signs the CMS over `contentDigest` (SHA-256 of the ByteRange bytes). `timestamp` (optional)
 * is called with the signature value and returns a TimeStampToken (DER ContentInfo) to add unsigned.
 */
export async function buildCms(opts: {
  key: SigningKey;
  scheme: SignatureScheme;
  contentDigest: Buffer;
  extraCerts?: Buffer[];
  timestamp?: (signatureValue: Buffer) => Promise<Buffer | null>;
}): Promise<BuiltCms & { timestamped: boolean }> {
  const signer = parseCertificate(opts.key.certificate);
  const attrs = [
    attribute(OID.contentType, new asn1js.ObjectIdentifier({ value: OID.data })),
    attribute(OID.messageDigest, new asn1js.OctetString({ valueHex: toArrayBuffer(opts.contentDigest) })),
    attribute(OID.signingCertificateV2, new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2(signer)] })] })),
  ];
  const { sorted, der } = encodeSignedAttrs(attrs);
  const signatureValue = await opts.key.sign(der, opts.scheme);

  let unsignedAttrs: pkijs.SignedAndUnsignedAttributes | undefined;
  let timestamped = false;
  if (opts.timestamp) {
    const token = await opts.timestamp(signatureValue);
    if (token) {
      const asn = asn1js.fromBER(toArrayBuffer(token));
      if (asn.offset === -1) throw new StationError('SIGNATURE_INVALID', 'timestamp token is not DER');
      unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 1, attributes: [new pkijs.Attribute({ type: OID.timeStampToken, values: [asn.result] })] });
      timestamped = true;
    }
  }

  // The signer and its chain only (a token's other signer certificates do not belong in the CMS).
  const certs = [opts.key.certificate, ...(opts.extraCerts ?? [])];
  const seen = new Set<string>();
  const certificates: pkijs.Certificate[] = [];
  for (const c of certs) {
    const h = sha256(c).toString('hex');
    if (seen.has(h)) continue;
    seen.add(h);
    certificates.push(parseCertificate(c));
  }
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: signer.issuer, serialNumber: signer.serialNumber }),
    digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256, algorithmParams: new asn1js.Null() }),
    signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: sorted }),
    signatureAlgorithm: signatureAlgorithm(opts.scheme),
    signature: new asn1js.OctetString({ valueHex: toArrayBuffer(signatureValue) }),
    ...(unsignedAttrs ? { unsignedAttrs } : {}),
  });
  const signed = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256, algorithmParams: new asn1js.Null() })],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    certificates,
    signerInfos: [signerInfo],
  });
  const ci = new pkijs.ContentInfo({ contentType: OID.signedData, content: signed.toSchema(true) });
  return { der: Buffer.from(ci.toSchema().toBER(false)), signatureValue, timestamped };
}

/** ECDSA raw r||s (PKCS#11 output) → DER SEQUENCE { INTEGER r, INTEGER s }. */
export function ecdsaRawToDer(raw: Uint8Array): Buffer {
  const half = raw.length / 2;
  const int = (b: Uint8Array): Buffer => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    let v = Buffer.from(b.subarray(i));
    if (v[0]! & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
    return Buffer.concat([Buffer.from([0x02]), derLen(v.length), v]);
  };
  const body = Buffer.concat([int(raw.subarray(0, half)), int(raw.subarray(half))]);
  return Buffer.concat([Buffer.from([0x30]), derLen(body.length), body]);
}

function derLen(n: number): Buffer {
  if (n < 128) return Buffer.from([n]);
  if (n < 256) return Buffer.from([0x81, n]);
  return Buffer.from([0x82, n >> 8, n & 0xff]);
}

/** The DER object's own length (drops /Contents zero padding). */
export function trimDer(b: Buffer): Buffer {
  if (b.length < 2) return b;
  const l = b[1]!;
  if (l < 0x80) return b.subarray(0, 2 + l);
  const nb = l & 0x7f;
  let len = 0;
  for (let i = 0; i < nb; i++) len = len * 256 + b[2 + i]!;
  return b.subarray(0, 2 + nb + len);
}

