import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SigningKey } from '../../../electron/core/signing/cms';
import { openP12Key } from '../../../electron/core/signing/p12';
import { signPdf, type PadesLevel } from '../../../electron/core/signing/pades';
import { openPkcs11Key } from '../../../electron/core/signing/pkcs11';
import { preflightFiles } from '../../../electron/core/pdf/preflight';
import { verifyPdf } from '../../../electron/core/signing/verify';
import { makePdfA } from '../../signing-infra/pdfs';
import { TestPki, type IssuedCert } from '../../signing-infra/pki';
import { SOFTHSM_MODULE, TestToken } from '../../signing-infra/softhsm';
import { opensslVerify, pdfboxCheck, pdfsig, type JavaSig } from '../../signing-infra/validators';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

// One CA + TSA + OCSP/CRL server + SoftHSM token for the whole file; every signed file is checked by pdfsig,
// openssl (cms + ts) and PDFBox/BouncyCastle (one JVM for all files).

interface Case {
  name: string;
  source: 'p12' | 'p12-legacy' | 'p12-crl' | 'token';
  key: 'rsa' | 'p256' | 'p384';
  scheme?: 'pkcs1' | 'pss';
  level: PadesLevel;
}

const CASES: Case[] = [
  { name: 'p12 RSA PKCS#1 v1.5 B-B', source: 'p12', key: 'rsa', scheme: 'pkcs1', level: 'B-B' },
  { name: 'legacy 3DES p12 RSA-PSS B-T', source: 'p12-legacy', key: 'rsa', scheme: 'pss', level: 'B-T' },
  { name: 'p12 ECDSA P-256 B-LT', source: 'p12', key: 'p256', level: 'B-LT' },
  { name: 'p12 ECDSA P-384 B-T', source: 'p12', key: 'p384', level: 'B-T' },
  { name: 'p12 RSA-PSS B-LT', source: 'p12', key: 'rsa', scheme: 'pss', level: 'B-LT' },
  { name: 'p12 RSA PKCS#1 v1.5 B-LT with a CRL (no OCSP responder)', source: 'p12-crl', key: 'rsa', scheme: 'pkcs1', level: 'B-LT' },
  { name: 'SoftHSM RSA PKCS#1 v1.5 B-LT', source: 'token', key: 'rsa', scheme: 'pkcs1', level: 'B-LT' },
  { name: 'SoftHSM RSA-PSS B-B', source: 'token', key: 'rsa', scheme: 'pss', level: 'B-B' },
  { name: 'SoftHSM ECDSA P-256 B-T', source: 'token', key: 'p256', level: 'B-T' },
  { name: 'SoftHSM ECDSA P-384 B-LT', source: 'token', key: 'p384', level: 'B-LT' },
];

let pki: TestPki;
let token: TestToken;
let work: string;
const p12s: Partial<Record<Case['key'], IssuedCert>> = {};
const tokenIds: Record<Case['key'], string> = { rsa: '01', p256: '02', p384: '03' };
const signed = new Map<string, { file: string; level: string; dtsPending: boolean }>();
let java: JavaSig[] = [];
let crlOnly: IssuedCert;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'sohoa-matrix-'));
  pki = new TestPki();
  await pki.start();
  token = new TestToken();
  token.addKey(pki, 'HSM RSA Signer', tokenIds.rsa, 'rsa');
  token.addKey(pki, 'HSM P256 Signer', tokenIds.p256, 'p256');
  token.addKey(pki, 'HSM P384 Signer', tokenIds.p384, 'p384');
  p12s.rsa = pki.issue('Nguyen Van RSA', 'rsa', { revocation: true });
  p12s.p256 = pki.issue('Tran Thi P256', 'p256', { revocation: true });
  p12s.p384 = pki.issue('Le Van P384', 'p384', { revocation: true });
  crlOnly = pki.issue('Hoang Van CRL', 'rsa', { revocation: 'crl-only' });
  const input = await makePdfA(join(work, 'in.pdf'), 2);
  for (const [i, c] of CASES.entries()) {
    let key: SigningKey;
    if (c.source === 'token') key = await openPkcs11Key({ module: SOFTHSM_MODULE, tokenLabel: token.label, certId: tokenIds[c.key] }, token.pin);
    else {
      const cert = c.source === 'p12-crl' ? crlOnly : p12s[c.key]!;
      key = openP12Key(c.source === 'p12-legacy' ? cert.p12Legacy : cert.p12, cert.p12Password);
    }
    const out = join(work, `case${i}.pdf`);
    try {
      const r = await signPdf({
        input,
        output: out,
        key,
        rsaScheme: c.scheme,
        level: c.level,
        tsa: { url: pki.tsaUrl },
        trustAnchors: [pki.caDer],
        mark: { position: 'top-left', lines: [`Người số hóa: ${c.name}`, 'Thời gian sao: 2026-11-25T09:30:00+07:00'] },
      });
      signed.set(c.name, { file: out, level: r.level, dtsPending: r.dtsPending });
    } finally {
      key.close();
    }
  }
  java = await pdfboxCheck([...signed.values()].map((s) => s.file), work);
}, 240_000);

afterAll(async () => {
  await pki?.stop();
  token?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('PAdES signatures verify in pdfsig, openssl and PDFBox/BouncyCastle', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const s = signed.get(c.name)!;
    expect(s.level).toBe(c.level);
    expect(s.dtsPending).toBe(false);

    const ps = await pdfsig(s.file, pki.nssDir);
    expect(ps).toHaveLength(1);
    expect(ps[0]!.type).toBe('ETSI.CAdES.detached');
    expect(ps[0]!.valid, ps[0]!.raw).toBe(true);
    expect(ps[0]!.trusted, ps[0]!.raw).toBe(true);
    // B-LT adds the DSS after the signature: the signature no longer covers the whole file, by design.
    expect(ps[0]!.total).toBe(c.level !== 'B-LT');

    const os = await opensslVerify(s.file, pki.caCert);
    expect(os.cms).toEqual([true]);
    expect(os.ts).toEqual([c.level === 'B-B' ? null : true]);

    const js = java.filter((j) => j.file === s.file);
    expect(js).toHaveLength(1);
    expect(js[0]!.ok, js[0]!.detail).toBe(true);
    expect(js[0]!.ts).toBe(c.level === 'B-B' ? 'none' : 'ok');
    expect(js[0]!.dss).toBe(c.level === 'B-LT');
    const wantAlg = c.key !== 'rsa' ? '1.2.840.10045.4.3.2' : c.scheme === 'pss' ? '1.2.840.113549.1.1.10' : '1.2.840.113549.1.1.11';
    expect(js[0]!.detail.startsWith(wantAlg)).toBe(true);

    const own = verifyPdf(s.file, { trustAnchors: [pki.caDer] });
    expect(own.valid).toBe(true);
    expect(own.signatures[0]!.level).toBe(c.level);
  });

  it('keeps every signed file PDF/A-1b (Preflight, one JVM for all), DSS updates included', async () => {
    const files = [...signed.values()].map((s) => s.file);
    const results = await preflightFiles(files);
    expect(results.map((r) => [r.file, r.valid, r.errors])).toEqual(files.map((f) => [f, true, []]));
  });

  it('embeds OCSP responses and CRLs from the loopback responders in the B-LT DSS', () => {
    expect(pki.ocspHits).toBeGreaterThan(0);
    const lt = signed.get('SoftHSM ECDSA P-384 B-LT')!;
    const text = readFileSync(lt.file).toString('latin1');
    expect(text).toMatch(/\/DSS\s+\d+ 0 R|\/DSS\s*<</);
    expect(text).toMatch(/\/OCSPs\s*\[/);
    expect(text).toMatch(/\/VRI\s*<</);
    expect(pki.crlHits).toBeGreaterThan(0);
    const crl = readFileSync(signed.get('p12 RSA PKCS#1 v1.5 B-LT with a CRL (no OCSP responder)')!.file).toString('latin1');
    expect(crl).toMatch(/\/CRLs\s*\[/);
    expect(crl).not.toMatch(/\/OCSPs/);
  });
});
