import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preflightFiles } from '../../../electron/core/pdf/preflight';
import { CMS_MARGIN_TS } from '../../../electron/core/signing/cmsReserve';
import { openP12Key } from '../../../electron/core/signing/p12';
import { signPdf } from '../../../electron/core/signing/pades';
import { makePdfA } from '../../signing-infra/pdfs';
import { TestPki, type IssuedCert } from '../../signing-infra/pki';
import { extractSignatures, opensslVerify, pdfboxCheck, pdfsig } from '../../signing-infra/validators';

const exec = promisify(execFile);

let pki: TestPki;
let clerk: IssuedCert;
let agency: IssuedCert;
let work: string;
let input: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'sohoa-sign-lean-'));
  pki = new TestPki();
  await pki.start();
  clerk = pki.issue('Lean Clerk', 'rsa');
  agency = pki.issue('Lean Agency', 'p256');
  input = await makePdfA(join(work, 'in.pdf'), 1);
}, 120_000);

afterAll(async () => {
  await pki?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The bytes a revision appended (from `before`'s end), as latin1 text. */
function appended(before: string, after: string): string {
  return readFileSync(after).subarray(readFileSync(before).length).toString('latin1');
}

/** Share of dark pixels in the top band of page 1 (x from fx0 to fx1 of the width), rendered by `tool`. */
async function inkInTopBand(file: string, tool: 'poppler' | 'gs', fx0: number, fx1: number): Promise<number> {
  const png = join(work, `render-${tool}-${Date.now()}.png`);
  if (tool === 'poppler') await exec('pdftoppm', ['-r', '72', '-f', '1', '-l', '1', '-singlefile', '-png', file, png.replace(/\.png$/, '')]);
  else await exec('gs', ['-dSAFER', '-dBATCH', '-dNOPAUSE', '-sDEVICE=pnggray', '-r72', '-dFirstPage=1', '-dLastPage=1', `-sOutputFile=${png}`, file], { env: { ...process.env, TZ: 'Asia/Ho_Chi_Minh' } });
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  let dark = 0;
  let all = 0;
  for (let y = 0; y < 60; y++) {
    for (let x = Math.floor(info.width * fx0); x < Math.floor(info.width * fx1); x++) {
      all++;
      if (data[y * info.width + x]! < 128) dark++;
    }
  }
  return dark / all;
}

describe('lean signatures', () => {
  it('reserves /Contents from a dry run: the B-T CMS fills it but for a small margin', async () => {
    const out = join(work, 'bt.pdf');
    const r = await signPdf({ input, output: out, key: openP12Key(clerk.p12, clerk.p12Password), level: 'B-T', tsa: { url: pki.tsaUrl } });
    expect(r.level).toBe('B-T');
    const [sig] = extractSignatures(out);
    const reservedBytes = (sig!.byteRange[2]! - sig!.byteRange[1]! - 2) / 2;
    expect(reservedBytes).toBeGreaterThanOrEqual(sig!.cms.length);
    expect(reservedBytes - sig!.cms.length).toBeLessThanOrEqual(CMS_MARGIN_TS + 32);
    expect((await pdfsig(out, pki.nssDir))[0]!.valid).toBe(true);
    expect(await opensslVerify(out, pki.caCert)).toEqual({ cms: [true], ts: [true] });
  }, 60_000);

  it('draws a later mark with the glyphs an earlier mark embedded and embeds only the missing ones', async () => {
    const first = join(work, 'mark1.pdf');
    const second = join(work, 'mark2.pdf');
    const third = join(work, 'mark3.pdf');
    await signPdf({ input, output: first, key: openP12Key(clerk.p12, clerk.p12Password), level: 'B-T', tsa: { url: pki.tsaUrl }, mark: { position: 'top-left', lines: ['Người sao: Nguyễn Văn Clerk', 'Thời gian sao: 2026-11-25T09:30:00+07:00'] } });
    const firstSection = appended(input, first);
    expect(firstSection.match(/\/FontFile2/g)?.length).toBe(1);
    // A simple symbolic TrueType font: one-byte codes from '!' in code point order, one /Widths array, no
    // Type0/CIDFont/CIDSet objects.
    expect(firstSection).toMatch(/\/Subtype \/TrueType\/BaseFont \/[A-Z]{6}\+LiberationSerif\/FirstChar 33\/LastChar \d+\/Widths \[[\d ]+\]/);
    expect(firstSection).not.toMatch(/Type0|CIDFontType2|CIDSet/);
    const fontObj = /(\d+) 0 obj\s*<<\/Type \/Font\/Subtype \/TrueType/.exec(firstSection)![1];

    // Every glyph of these lines is in the first subset: no font program at all in the new revision.
    await signPdf({ input: first, output: second, key: openP12Key(agency.p12, agency.p12Password), level: 'B-T', tsa: { url: pki.tsaUrl }, mark: { position: 'top-right', lines: ['Người sao: Clerk', '2026-11-25T09:30:00+07:00'] } });
    const secondSection = appended(first, second);
    expect(secondSection).not.toContain('/FontFile2');
    expect(secondSection).toContain(`/S1 ${fontObj} 0 R`);

    // New letters (SAO Y, Ủ, Hòa…): a second subset with only those, beside the shared one.
    await signPdf({ input: second, output: third, key: openP12Key(clerk.p12, clerk.p12Password), level: 'B-T', tsa: { url: pki.tsaUrl }, mark: { position: 'top-right', lines: ['SAO Y', 'Ủy ban nhân dân xã Hòa Bình'] } });
    const thirdSection = appended(second, third);
    expect(thirdSection.match(/\/FontFile2/g)?.length).toBe(1);
    expect(thirdSection).toContain(`/S1 ${fontObj} 0 R`);
    const w = /\/Widths \[([\d ]+)\]/.exec(thirdSection)![1]!;
    // 'S','A','O','Y','Ủ','y','b','ò','H','B','ì','x','ã','d','â','h' … but not the shared 'a','n',' ': one width per new glyph.
    const newGlyphs = w.trim().split(/\s+/).length;
    expect(newGlyphs).toBeGreaterThanOrEqual(8);
    expect(newGlyphs).toBeLessThan(20);

    // Readers: every signature valid, PDF/A-1b, text extractable, marks drawn by poppler and Ghostscript.
    const ps = await pdfsig(third, pki.nssDir);
    expect(ps.map((s) => s.valid)).toEqual([true, true, true]);
    expect((await opensslVerify(third, pki.caCert)).cms).toEqual([true, true, true]);
    expect((await pdfboxCheck([third], work)).map((j) => j.ok)).toEqual([true, true, true]);
    const [pf] = await preflightFiles([third]);
    expect(pf!.errors).toEqual([]);
    expect(pf!.valid).toBe(true);
    const { stdout } = await exec('pdftotext', ['-f', '1', '-l', '1', third, '-']);
    for (const word of ['Nguyễn', 'Clerk', 'SAO', 'Ủy', 'Hòa', 'Bình', '2026-11-25T09:30:00+07:00']) expect(stdout).toContain(word);
    for (const tool of ['poppler', 'gs'] as const) {
      expect(await inkInTopBand(third, tool, 0, 0.45)).toBeGreaterThan(0.01);
      expect(await inkInTopBand(third, tool, 0.55, 1)).toBeGreaterThan(0.01);
      expect(await inkInTopBand(input, tool, 0, 1)).toBeLessThan(0.01);
    }
  }, 180_000);
});
