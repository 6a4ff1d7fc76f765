import { createHash, createPrivateKey } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pkcs11js from 'pkcs11js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StationError } from '../../../electron/common/errors';
import { keyObjectSigner, openP12Key } from '../../../electron/core/signing/p12';
import { signPdf } from '../../../electron/core/signing/pades';
import { listTokenCertificates, openPkcs11Key, realPkcs11, type Pkcs11Api } from '../../../electron/core/signing/pkcs11';
import { makePdfA } from '../../signing-infra/pdfs';
import { TestPki } from '../../signing-infra/pki';
import { PKCS11_SPY, SOFTHSM_MODULE, TestToken } from '../../signing-infra/softhsm';

let pki: TestPki;
let token: TestToken;
let work: string;
let input: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'sohoa-keys-'));
  pki = new TestPki();
  await pki.start();
  token = new TestToken('pin-token');
  token.addKey(pki, 'PIN Signer', '01', 'rsa');
  input = await makePdfA(join(work, 'in.pdf'), 1);
}, 120_000);

afterAll(async () => {
  await pki?.stop();
  token?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

const sha = (f: string): string => createHash('sha256').update(readFileSync(f)).digest('hex');

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as StationError).code ?? String(err);
  }
  return 'no error';
}

describe('PKCS#11 PIN handling', () => {
  it('answers PIN_INCORRECT after exactly one C_Login (counted through pkcs11-spy) and never retries', async () => {
    const spyLog = join(work, 'spy.log');
    process.env.PKCS11SPY = SOFTHSM_MODULE;
    process.env.PKCS11SPY_OUTPUT = spyLog;
    try {
      let err: StationError | undefined;
      try {
        await openPkcs11Key({ module: PKCS11_SPY, tokenLabel: token.label, certId: '01' }, '9999');
      } catch (e) {
        err = e as StationError;
      }
      expect(err?.code).toBe('PIN_INCORRECT');
      // The token's own warning flag reaches the caller (the UI shows "few tries left").
      expect(err?.details).toMatchObject({ tokenLabel: token.label, pinCountLow: true });
      expect(JSON.stringify(err?.details)).not.toContain('9999');
      const log = readFileSync(spyLog, 'utf8');
      expect(log.match(/\bC_Login\b/g)?.length).toBe(1);
      expect(log).toContain('CKR_PIN_INCORRECT');
      expect(log).not.toContain('C_Sign');
    } finally {
      delete process.env.PKCS11SPY;
      delete process.env.PKCS11SPY_OUTPUT;
    }
    // The right PIN still works afterwards (SoftHSM never locks; a real token would count the failure).
    const key = await openPkcs11Key({ module: SOFTHSM_MODULE, tokenLabel: token.label, certId: '01' }, token.pin);
    key.close();
  });

  it('maps a locked token to PIN_LOCKED (test double: SoftHSM cannot lock a PIN)', async () => {
    let logins = 0;
    const lockedTokenDouble = (): Pkcs11Api => {
      const real = realPkcs11();
      return new Proxy(real, {
        get(target, prop, receiver) {
          if (prop === 'C_Login') {
            return () => {
              logins++;
              throw Object.assign(new Error('CKR_PIN_LOCKED'), { code: pkcs11js.CKR_PIN_LOCKED });
            };
          }
          const v = Reflect.get(target, prop, receiver) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
    };
    const code = await codeOf(openPkcs11Key({ module: SOFTHSM_MODULE, tokenLabel: token.label, certId: '01' }, token.pin, { factory: lockedTokenDouble }));
    expect(code).toBe('PIN_LOCKED');
    expect(logins).toBe(1);
  });

  it('refuses before C_Login when the token already reports its PIN locked (test double for the token flag)', async () => {
    let logins = 0;
    const flaggedDouble = (): Pkcs11Api => {
      const real = realPkcs11();
      return new Proxy(real, {
        get(target, prop, receiver) {
          if (prop === 'C_GetTokenInfo') return (slot: Buffer) => ({ ...target.C_GetTokenInfo(slot), flags: target.C_GetTokenInfo(slot).flags | pkcs11js.CKF_USER_PIN_LOCKED });
          if (prop === 'C_Login') return () => void logins++;
          const v = Reflect.get(target, prop, receiver) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
    };
    const code = await codeOf(openPkcs11Key({ module: SOFTHSM_MODULE, tokenLabel: token.label, certId: '01' }, token.pin, { factory: flaggedDouble }));
    expect(code).toBe('PIN_LOCKED');
    expect(logins).toBe(0);
  });

  it('lists token certificates without a PIN and tells unknown tokens and ids apart', async () => {
    const certs = await listTokenCertificates(SOFTHSM_MODULE);
    expect(certs.map((c) => [c.tokenLabel, c.certId, c.label])).toEqual([[token.label, '01', 'PIN Signer']]);
    expect(await codeOf(openPkcs11Key({ module: SOFTHSM_MODULE, tokenLabel: 'no-such-token' }, token.pin))).toBe('TOKEN_NOT_FOUND');
    expect(await codeOf(openPkcs11Key({ module: SOFTHSM_MODULE, tokenLabel: token.label, certId: '77' }, token.pin))).toBe('KEY_NOT_FOUND');
  });
});

describe('certificate checks before anything is written', () => {
  async function refused(certOpts: Parameters<TestPki['issue']>[2], expectCode: string, extra: Partial<Parameters<typeof signPdf>[0]> = {}): Promise<void> {
    const cert = pki.issue(`Check ${expectCode} ${Math.random().toString(36).slice(2, 6)}`, 'rsa', certOpts);
    const before = sha(input);
    const out = join(work, `${expectCode}.pdf`);
    const key = openP12Key(cert.p12, cert.p12Password);
    expect(await codeOf(signPdf({ input, output: out, key, level: 'B-B', ...extra }))).toBe(expectCode);
    expect(existsSync(out)).toBe(false);
    expect(sha(input)).toBe(before);
  }

  it('refuses an expired certificate (CERT_EXPIRED), input byte-identical, no output', async () => {
    await refused({ startDate: '20200101000000Z', endDate: '20210101000000Z' }, 'CERT_EXPIRED');
  });

  it('refuses a certificate that is not yet valid (CERT_NOT_YET_VALID)', async () => {
    await refused({ startDate: '20400101000000Z', endDate: '20410101000000Z' }, 'CERT_NOT_YET_VALID');
  });

  it('refuses a certificate without digitalSignature/nonRepudiation (CERT_KEY_USAGE)', async () => {
    await refused({ keyUsage: 'keyEncipherment' }, 'CERT_KEY_USAGE');
  });

  it('refuses a certificate that does not chain to the configured trust list (CERT_UNTRUSTED)', async () => {
    const other = new TestPki();
    try {
      await refused({}, 'CERT_UNTRUSTED', { trustAnchors: [other.caDer] });
    } finally {
      await other.stop();
    }
  });

  it('refuses a revoked certificate found through the loopback OCSP responder (CERT_REVOKED)', async () => {
    const cert = pki.issue('Revoked Signer', 'rsa', { revocation: true });
    pki.revoke(cert);
    const out = join(work, 'revoked.pdf');
    const key = openP12Key(cert.p12, cert.p12Password);
    expect(await codeOf(signPdf({ input, output: out, key, level: 'B-B', trustAnchors: [pki.caDer], checkRevocation: true }))).toBe('CERT_REVOKED');
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a revoked certificate found in the loopback CRL when there is no OCSP responder (CERT_REVOKED)', async () => {
    const cert = pki.issue('Revoked CRL Signer', 'p256', { revocation: 'crl-only' });
    pki.revoke(cert);
    const hits = pki.crlHits;
    const out = join(work, 'revoked-crl.pdf');
    const key = openP12Key(cert.p12, cert.p12Password);
    expect(await codeOf(signPdf({ input, output: out, key, level: 'B-B', trustAnchors: [pki.caDer], checkRevocation: true }))).toBe('CERT_REVOKED');
    expect(pki.crlHits).toBe(hits + 1);
    expect(existsSync(out)).toBe(false);
  });

  it('checks revocation with the issuer from the .p12 even without a trust list (CERT_REVOKED)', async () => {
    const cert = pki.issue('Revoked No Trust List', 'rsa', { revocation: true });
    pki.revoke(cert);
    const out = join(work, 'revoked-no-anchors.pdf');
    const key = openP12Key(cert.p12, cert.p12Password);
    expect(await codeOf(signPdf({ input, output: out, key, level: 'B-B', checkRevocation: true }))).toBe('CERT_REVOKED');
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a key that does not belong to the certificate (CERT_KEY_MISMATCH)', async () => {
    const a = pki.issue('Mismatch A', 'rsa');
    const b = pki.issue('Mismatch B', 'rsa');
    const key = keyObjectSigner(createPrivateKey(readFileSync(b.keyPem)), a.certDer, []);
    const out = join(work, 'mismatch.pdf');
    expect(await codeOf(signPdf({ input, output: out, key, level: 'B-B' }))).toBe('CERT_KEY_MISMATCH');
    expect(existsSync(out)).toBe(false);
  });

  it('tells a wrong .p12 password (P12_PASSWORD_INCORRECT) from an unreadable file (P12_UNSUPPORTED)', async () => {
    const c = pki.issue('P12 Password', 'p256');
    expect(await codeOf(Promise.resolve().then(() => openP12Key(c.p12, 'wrong')))).toBe('P12_PASSWORD_INCORRECT');
    expect(await codeOf(Promise.resolve().then(() => openP12Key(c.p12Legacy, 'wrong')))).toBe('P12_PASSWORD_INCORRECT');
    expect(await codeOf(Promise.resolve().then(() => openP12Key(input, 'x')))).toBe('P12_UNSUPPORTED');
  });
});
