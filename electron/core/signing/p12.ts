/**
 * .p12/.pfx key files. node-forge decodes the container and decrypts both legacy (RC2-40, 3DES, SHA-1 MAC)
 * and modern (PBES2 AES-256, SHA-256 MAC) files; forge cannot build EC key objects, so every private key
 * leaves forge as PKCS#8 DER and is imported by Node's crypto (RSA and EC alike). The password is used
 * once and never kept.
 */
import { createPrivateKey, createPublicKey, sign as nodeSign, constants, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import forge from 'node-forge';
import { StationError } from '../../common/errors';
import type { SignatureScheme, SigningKey } from './cms';

interface ForgeBag {
  type: string;
  key?: forge.pki.PrivateKey | null;
  cert?: forge.pki.Certificate | null;
  asn1?: forge.asn1.Asn1;
}

function asn1ToBuffer(a: forge.asn1.Asn1): Buffer {
  return Buffer.from(forge.asn1.toDer(a).getBytes(), 'binary');
}

export interface P12Contents {
  privateKey: KeyObject;
  certificate: Buffer;
  chain: Buffer[];
}

export function readP12(path: string, password: string): P12Contents {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (err) {
    throw new StationError('NOT_FOUND', `cannot read ${path}: ${(err as Error).message}`, { path });
  }
  let bags: ForgeBag[];
  try {
    const asn = forge.asn1.fromDer(raw.toString('binary'));
    const p12 = forge.pkcs12.pkcs12FromAsn1(asn, false, password);
    bags = p12.safeContents.flatMap((s) => s.safeBags as ForgeBag[]);
  } catch (err) {
    const msg = (err as Error).message ?? '';
    if (/MAC could not be verified|Invalid password|wrong password|decrypt/i.test(msg)) {
      throw new StationError('P12_PASSWORD_INCORRECT', `the password does not open ${path}`, { path });
    }
    throw new StationError('P12_UNSUPPORTED', `cannot read ${path} as PKCS#12: ${msg}`, { path });
  }
  const keyOid = forge.pki.oids.pkcs8ShroudedKeyBag!;
  const plainKeyOid = forge.pki.oids.keyBag!;
  const certOid = forge.pki.oids.certBag!;
  let privateKey: KeyObject | undefined;
  const certs: Buffer[] = [];
  for (const b of bags) {
    if (b.type === keyOid || b.type === plainKeyOid) {
      let der: Buffer;
      if (b.key) der = asn1ToBuffer(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(b.key as forge.pki.rsa.PrivateKey)));
      else if (b.asn1) der = asn1ToBuffer(b.asn1);
      else continue;
      try {
        privateKey ??= createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
      } catch (err) {
        throw new StationError('P12_UNSUPPORTED', `${path}: unsupported private key: ${(err as Error).message}`, { path });
      }
    } else if (b.type === certOid) {
      if (b.cert) certs.push(asn1ToBuffer(forge.pki.certificateToAsn1(b.cert)));
      else if (b.asn1) certs.push(asn1ToBuffer(b.asn1));
    }
  }
  if (!privateKey) throw new StationError('KEY_NOT_FOUND', `${path} holds no private key`, { path });
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const leafIdx = certs.findIndex((c) => {
    try {
      return new X509Certificate(c).publicKey.export({ type: 'spki', format: 'der' }).equals(spki);
    } catch {
      return false;
    }
  });
  if (leafIdx < 0) {
    throw new StationError('CERT_KEY_MISMATCH', `${path}: no certificate matches the private key`, { path });
  }
  return { privateKey, certificate: certs[leafIdx]!, chain: certs.filter((_, i) => i !== leafIdx) };
}

/** A SigningKey over a Node KeyObject (p12 files; also handy for tests). */
export function keyObjectSigner(privateKey: KeyObject, certificate: Buffer, chain: Buffer[]): SigningKey {
  const keyType = privateKey.asymmetricKeyType === 'ec' ? 'ec' : 'rsa';
  return {
    certificate,
    chain,
    keyType,
    sign(data: Buffer, scheme: SignatureScheme): Promise<Buffer> {
      if (scheme === 'ecdsa') return Promise.resolve(nodeSign('sha256', data, { key: privateKey, dsaEncoding: 'der' }));
      if (scheme === 'pss') {
        return Promise.resolve(nodeSign('sha256', data, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }));
      }
      return Promise.resolve(nodeSign('sha256', data, { key: privateKey, padding: constants.RSA_PKCS1_PADDING }));
    },
    close() {
      /* nothing held */
    },
  };
}

export function openP12Key(path: string, password: string): SigningKey {
  const c = readP12(path, password);
  return keyObjectSigner(c.privateKey, c.certificate, c.chain);
}
