import { execFile } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preflightFiles } from '../../../electron/core/pdf/preflight';
import { IncrementalUpdate } from '../../../electron/core/signing/incremental';
import { openP12Key } from '../../../electron/core/signing/p12';
import { addDocumentTimestamp, signPdf } from '../../../electron/core/signing/pades';
import { PdfFile } from '../../../electron/core/signing/pdfFile';
import { dict, n, PdfString } from '../../../electron/core/signing/pdfObjects';
import { openPkcs11Key } from '../../../electron/core/signing/pkcs11';
import { verifyPdf } from '../../../electron/core/signing/verify';
import { makePdfA } from '../../signing-infra/pdfs';
import { TestPki, type IssuedCert } from '../../signing-infra/pki';
import { SOFTHSM_MODULE, TestToken } from '../../signing-infra/softhsm';
import { opensslVerify, pdfboxCheck, pdfsig } from '../../signing-infra/validators';

const exec = promisify(execFile);

let pki: TestPki;
let token: TestToken;
let work: string;
let clerkCert: IssuedCert;
let input: string;

/** A red round seal with a transparent background (what agencies scan), drawn as a stencil when signing. */
async function sealPng(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="160" height="160"><circle cx="80" cy="80" r="70" fill="none" stroke="#d00" stroke-width="10"/><text x="80" y="90" font-size="30" text-anchor="middle" fill="#d00">UBND</text></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** Words on page 1 with their boxes (pdftotext -bbox), in points from the top-left. */
async function wordsOnPage1(file: string): Promise<{ word: string; xMin: number; yMin: number }[]> {
  const { stdout } = await exec('pdftotext', ['-bbox', '-f', '1', '-l', '1', file, '-']);
  return [...stdout.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)<\/word>/g)].map((m) => ({
    word: m[3]!.replace(/&amp;/g, '&'),
    xMin: Number(m[1]),
    yMin: Number(m[2]),
  }));
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'sohoa-clerk-agency-'));
  pki = new TestPki();
  await pki.start();
  token = new TestToken('agency-token');
  token.addKey(pki, 'UBND xa Hoa Binh', '0a', 'p256');
  clerkCert = pki.issue('Nguyen Van Clerk', 'rsa');
  input = await makePdfA(join(work, 'in.pdf'), 3);
}, 120_000);

afterAll(async () => {
  await pki?.stop();
  token?.cleanup();
  if (work && !process.env.SOHOA_KEEP_TMP) rmSync(work, { recursive: true, force: true });
});

describe('clerk and agency signatures on one PDF/A-1b document', () => {
  it('keeps the clerk signature valid after the agency signs, marks both corners, and stays PDF/A-1b', async () => {
    const clerkOut = join(work, 'clerk.pdf');
    const agencyOut = join(work, 'agency.pdf');
    const clerkKey = openP12Key(clerkCert.p12, clerkCert.p12Password);
    const r1 = await signPdf({
      input,
      output: clerkOut,
      key: clerkKey,
      level: 'B-T',
      tsa: { url: pki.tsaUrl },
      trustAnchors: [pki.caDer],
      mark: { position: 'top-left', lines: ['Người sao: Nguyễn Văn Clerk', 'Thời gian sao: 2026-11-25T09:30:00+07:00'] },
    });
    expect(r1.level).toBe('B-T');
    const clerkBytes = readFileSync(clerkOut);

    const agencyKey = await openPkcs11Key({ module: SOFTHSM_MODULE, tokenLabel: token.label, certId: '0a' }, token.pin);
    try {
      const r2 = await signPdf({
        input: clerkOut,
        output: agencyOut,
        key: agencyKey,
        level: 'B-T',
        tsa: { url: pki.tsaUrl },
        trustAnchors: [pki.caDer],
        mark: { position: 'top-right', lines: ['SAO Y', 'Ủy ban nhân dân xã Hòa Bình', '2026-11-25T10:05:00+07:00'], sealPng: await sealPng() },
      });
      expect(r2.level).toBe('B-T');
    } finally {
      agencyKey.close();
    }
    // A true incremental update: the clerk-signed bytes are a prefix of the agency-signed file.
    const agencyBytes = readFileSync(agencyOut);
    expect(agencyBytes.subarray(0, clerkBytes.length).equals(clerkBytes)).toBe(true);

    const ps = await pdfsig(agencyOut, pki.nssDir);
    expect(ps.map((s) => [s.valid, s.trusted])).toEqual([
      [true, true],
      [true, true],
    ]);
    expect(ps[0]!.total).toBe(false);
    expect(ps[1]!.total).toBe(true);
    const os = await opensslVerify(agencyOut, pki.caCert);
    expect(os).toEqual({ cms: [true, true], ts: [true, true] });
    const js = await pdfboxCheck([agencyOut], work);
    expect(js.map((j) => [j.ok, j.ts])).toEqual([
      [true, 'ok'],
      [true, 'ok'],
    ]);
    const own = verifyPdf(agencyOut, { trustAnchors: [pki.caDer] });
    expect(own.valid).toBe(true);
    expect(own.signatures.map((s) => [s.signer?.name, s.modifiedAfter])).toEqual([
      ['Nguyen Van Clerk', false],
      ['UBND xa Hoa Binh', false],
    ]);

    const [pfClerk, pfAgency] = await preflightFiles([clerkOut, agencyOut]);
    expect(pfClerk!.errors).toEqual([]);
    expect(pfClerk!.valid).toBe(true);
    expect(pfAgency!.errors).toEqual([]);
    expect(pfAgency!.valid).toBe(true);

    // The marks: clerk top-left, "SAO Y" top-right, Vietnamese text extractable (ToUnicode) from the subset font.
    const words = await wordsOnPage1(agencyOut);
    const pageWidth = 8.27 * 72;
    const nguyen = words.find((w) => w.word === 'Nguyễn');
    const sao = words.find((w) => w.word === 'SAO');
    const uy = words.find((w) => w.word === 'Ủy');
    expect(nguyen && nguyen.xMin < pageWidth / 3 && nguyen.yMin < 60).toBe(true);
    expect(sao && sao.xMin > pageWidth / 2 && sao.yMin < 40).toBe(true);
    expect(uy).toBeDefined();
    expect(words.some((w) => w.word === '2026-11-25T10:05:00+07:00')).toBe(true);

    // A later document timestamp keeps both signatures valid and the file PDF/A-1b.
    const stampedOut = join(work, 'agency-dts.pdf');
    await addDocumentTimestamp(agencyOut, stampedOut, { url: pki.tsaUrl });
    const ps3 = await pdfsig(stampedOut, pki.nssDir);
    expect(ps3.slice(0, 2).map((s) => s.valid)).toEqual([true, true]);
    const js3 = await pdfboxCheck([stampedOut], work);
    expect(js3.map((j) => [j.subFilter, j.ok])).toEqual([
      ['ETSI.CAdES.detached', true],
      ['ETSI.CAdES.detached', true],
      ['ETSI.RFC3161', true],
    ]);
    const own3 = verifyPdf(stampedOut, { trustAnchors: [pki.caDer] });
    expect(own3.signatures.map((s) => [s.level, s.valid])).toEqual([
      ['B-T', true],
      ['B-T', true],
      ['DTS', true],
    ]);
    const [pf3] = await preflightFiles([stampedOut]);
    expect(pf3!.errors).toEqual([]);
  }, 120_000);

  it('falls back to B-B when the TSA is down and a later document timestamp keeps the clerk signature valid', async () => {
    const offline = join(work, 'offline.pdf');
    const stamped = join(work, 'stamped.pdf');
    const key = openP12Key(clerkCert.p12Legacy, clerkCert.p12Password);
    pki.tsaDown = true;
    try {
      const r = await signPdf({ input, output: offline, key, level: 'B-T', tsa: { url: pki.tsaUrl }, mark: { position: 'top-left', lines: ['Người sao: Nguyễn Văn Clerk'] } });
      expect(r.level).toBe('B-B');
      expect(r.dtsPending).toBe(true);
    } finally {
      pki.tsaDown = false;
    }
    const hitsBefore = pki.tsaHits;
    const dts = await addDocumentTimestamp(offline, stamped, { url: pki.tsaUrl });
    expect(pki.tsaHits).toBe(hitsBefore + 1);
    expect(dts.fieldName).toBe('DocTS1');

    const ps = await pdfsig(stamped, pki.nssDir);
    expect(ps[0]!.valid).toBe(true);
    expect(ps[0]!.total).toBe(false);
    const js = await pdfboxCheck([stamped], work);
    expect(js.map((j) => [j.subFilter, j.ok, j.ts])).toEqual([
      ['ETSI.CAdES.detached', true, 'none'],
      ['ETSI.RFC3161', true, 'ok'],
    ]);
    const os = await opensslVerify(stamped, pki.caCert);
    expect(os.ts[1]).toBe(true);
    const own = verifyPdf(stamped, { trustAnchors: [pki.caDer] });
    expect(own.signatures.map((s) => [s.level, s.valid])).toEqual([
      ['B-B', true],
      ['DTS', true],
    ]);
    const [pf] = await preflightFiles([stamped]);
    expect(pf!.errors).toEqual([]);
  }, 120_000);

  it('reports a signature as modified-after when a later update changes page content', async () => {
    const signedFile = join(work, 'signed-once.pdf');
    const key = openP12Key(clerkCert.p12, clerkCert.p12Password);
    await signPdf({ input, output: signedFile, key, level: 'B-B', mark: { position: 'top-left', lines: ['Người sao'] } });
    // An attacker's incremental update: same page object, content replaced.
    const f = PdfFile.open(signedFile);
    const upd = new IncrementalUpdate(f);
    const pageRef = f.pageRef(0);
    const page = f.resolveDict(pageRef)!.clone();
    page.set('MediaBox', [0, 0, 300, 300]);
    upd.set(pageRef, page);
    const section = upd.build(f.size, true);
    f.close();
    appendFileSync(signedFile, section);
    const own = verifyPdf(signedFile);
    expect(own.valid).toBe(false);
    expect(own.signatures[0]!.intact).toBe(true);
    expect(own.signatures[0]!.modifiedAfter).toBe(true);
    expect(own.signatures[0]!.changes.join(' ')).toContain('MediaBox');
  });

  it('reports a signature as modified-after when a later update adds an action to the catalog', async () => {
    const signedFile = join(work, 'signed-action.pdf');
    const key = openP12Key(clerkCert.p12, clerkCert.p12Password);
    await signPdf({ input, output: signedFile, key, level: 'B-B', mark: { position: 'top-left', lines: ['Người sao'] } });
    expect(verifyPdf(signedFile).valid).toBe(true);
    const f = PdfFile.open(signedFile);
    const upd = new IncrementalUpdate(f);
    const catalog = f.catalog().clone();
    catalog.set('OpenAction', dict({ S: n('URI'), URI: PdfString.text('http://example.invalid/') }));
    upd.set(f.catalogRef(), catalog);
    const section = upd.build(f.size, true);
    f.close();
    appendFileSync(signedFile, section);
    const own = verifyPdf(signedFile);
    expect(own.signatures[0]!.modifiedAfter).toBe(true);
    expect(own.signatures[0]!.changes).toContain('catalog /OpenAction changed');
  });

  it('reports a signature as modified-after when a later update adds a stamp annotation over the page', async () => {
    const signedFile = join(work, 'signed-stamp.pdf');
    const key = openP12Key(clerkCert.p12, clerkCert.p12Password);
    await signPdf({ input, output: signedFile, key, level: 'B-B', mark: { position: 'top-left', lines: ['Người sao'] } });
    const f = PdfFile.open(signedFile);
    const upd = new IncrementalUpdate(f);
    const pageRef = f.pageRef(0);
    const page = f.resolveDict(pageRef)!.clone();
    const stamp = upd.add(dict({ Type: n('Annot'), Subtype: n('FreeText'), Rect: [100, 100, 500, 300], Contents: PdfString.text('ĐÃ HỦY'), F: 4 }));
    const annots = f.resolve(page.get('Annots'));
    page.set('Annots', [...(Array.isArray(annots) ? annots : []), stamp]);
    upd.set(pageRef, page);
    const section = upd.build(f.size, true);
    f.close();
    appendFileSync(signedFile, section);
    const own = verifyPdf(signedFile);
    expect(own.signatures[0]!.intact).toBe(true);
    expect(own.signatures[0]!.modifiedAfter).toBe(true);
    expect(own.signatures[0]!.changes.join(' ')).toContain('(FreeText)');
  });

  it('does not trust a signature timestamp from a TSA outside the trust list', async () => {
    const out = join(work, 'foreign-tsa.pdf');
    const key = openP12Key(clerkCert.p12, clerkCert.p12Password);
    await signPdf({ input, output: out, key, level: 'B-T', tsa: { url: pki.tsaUrl } });
    const other = new TestPki();
    try {
      // Trusting the signer's root but not the TSA's (a different root): the signature is intact, the time is not proven.
      const own = verifyPdf(out, { trustAnchors: [pki.caDer] });
      expect(own.signatures[0]!.level).toBe('B-T');
      const otherOnly = verifyPdf(out, { trustAnchors: [other.caDer] });
      expect(otherOnly.signatures[0]!.valid).toBe(false);
      expect(otherOnly.signatures[0]!.errors.join(' ')).toContain('TSA certificate does not chain');
    } finally {
      await other.stop();
    }
  });
});
