import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { degrees, PDFDocument, PDFName, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openP12Key } from '../../../electron/core/signing/p12';
import { signPdf } from '../../../electron/core/signing/pades';
import { verifyPdf } from '../../../electron/core/signing/verify';
import { TestPki, type IssuedCert } from '../../signing-infra/pki';
import { pdfsig } from '../../signing-infra/validators';

// PDFs not made by the station: cross-reference streams with object streams (PDF 1.5+), an existing form
// with a text field and an indirect /Annots array. Signing must append a matching xref section and keep
// what was there.

const exec = promisify(execFile);
let pki: TestPki;
let cert: IssuedCert;
let cert2: IssuedCert;
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'sohoa-sign-struct-'));
  pki = new TestPki();
  cert = pki.issue('Structure Signer', 'p256');
  // A second signer: poppler 22's pdfsig reports "Unknown issue with Certificate" for the second of two
  // signatures by the same certificate in one file (its own -add-signature output too), so each test
  // signature uses its own certificate.
  cert2 = pki.issue('Structure Agency', 'rsa');
});
afterAll(async () => {
  await pki?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function formPdf(objectStreams: boolean): Promise<string> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < 3; i++) doc.addPage([595, 842]).drawText(`Page ${i + 1}`, { x: 50, y: 800, font, size: 12 });
  const form = doc.getForm();
  const tf = form.createTextField('applicant.name');
  tf.setText('Nguyen Van A');
  tf.addToPage(doc.getPage(0), { x: 50, y: 700, width: 200, height: 20 });
  // Move page 1's /Annots array into an indirect object.
  const page = doc.getPage(0).node;
  const annots = page.get(PDFName.of('Annots'));
  if (annots) page.set(PDFName.of('Annots'), doc.context.register(annots));
  const path = join(work, `form-${objectStreams ? 'xrefstm' : 'table'}.pdf`);
  writeFileSync(path, await doc.save({ useObjectStreams: objectStreams }));
  return path;
}

describe('signing PDFs of other producers', () => {
  it.each([
    ['a cross-reference stream with object streams', true],
    ['a classic xref table', false],
  ])('signs %s twice, keeps the existing form field, and passes qpdf --check', async (_label, objectStreams) => {
    const input = await formPdf(objectStreams);
    if (objectStreams) expect(readFileSync(input).toString('latin1')).toMatch(/\/Type\s*\/XRef/);
    const once = join(work, `once-${String(objectStreams)}.pdf`);
    const twice = join(work, `twice-${String(objectStreams)}.pdf`);
    const key = openP12Key(cert.p12, cert.p12Password);
    await signPdf({ input, output: once, key, level: 'B-B', mark: { position: 'top-left', lines: ['Người sao: Structure'] } });
    await signPdf({ input: once, output: twice, key: openP12Key(cert2.p12Legacy, cert2.p12Password), level: 'B-B', mark: { position: 'top-right', lines: ['SAO Y', 'UBND'] } });
    const ps = await pdfsig(twice, pki.nssDir);
    expect(ps.map((s) => [s.field, s.valid, s.trusted])).toEqual([
      ['Sig1', true, true],
      ['Sig2', true, true],
    ]);
    await exec('qpdf', ['--check', twice]);
    const reloaded = await PDFDocument.load(readFileSync(twice));
    const names = reloaded.getForm().getFields().map((f) => f.getName());
    expect(names).toEqual(['applicant.name', 'Sig1', 'Sig2']);
    expect(reloaded.getForm().getTextField('applicant.name').getText()).toBe('Nguyen Van A');
    const own = verifyPdf(twice, { trustAnchors: [pki.caDer] });
    expect(own.signatures.map((s) => [s.fieldName, s.valid])).toEqual([
      ['Sig1', true],
      ['Sig2', true],
    ]);
  });

  it('sizes /ByteRange to the file: offsets that outgrow the first placeholder lay the section out again (cross-reference stream kept consistent)', async () => {
    // A PDF 1.5 file of a few hundred bytes and an 8 000-byte reserve: /Contents ends at a 5-digit offset and
    // the tail after it has 4 digits — more than three numbers as long as the file's size hold, so the
    // section is built again with wider room.
    const doc = await PDFDocument.create();
    doc.addPage([595, 842]);
    const input = join(work, 'small-xrefstm.pdf');
    writeFileSync(input, await doc.save({ useObjectStreams: true }));
    const inputDigits = String(readFileSync(input).length).length;
    const out = join(work, 'small-xrefstm-signed.pdf');
    await signPdf({ input, output: out, key: openP12Key(cert2.p12, cert2.p12Password), level: 'B-B', reserve: 8000, mark: { position: 'top-left', lines: ['Người sao: Structure'] } });
    const signed = readFileSync(out);
    const br = /\/ByteRange \[0 (\d+) (\d+) (\d+)\]( *)/.exec(signed.toString('latin1'))!;
    expect(br[1]!.length + br[2]!.length + br[3]!.length).toBeGreaterThan(3 * inputDigits);
    expect(Number(br[2]) + Number(br[3])).toBe(signed.length);
    expect(br[4]!.length).toBeLessThanOrEqual(2); // the placeholder fitted its numbers, no run of spaces
    // The appended cross-reference stream takes the very next object number (none left unused by the first
    // layout) and /Size counts exactly to it.
    const tail = signed.subarray(readFileSync(input).length).toString('latin1');
    const xrefNum = Number(/(\d+) 0 obj\s*<<[^>]*\/Type \/XRef/.exec(tail)![1]);
    expect(Number(/\/Size (\d+)/.exec(tail)![1])).toBe(xrefNum + 1);
    const others = [...tail.matchAll(/(\d+) 0 obj/g)].map((m) => Number(m[1])).filter((num) => num !== xrefNum);
    expect(xrefNum).toBe(Math.max(...others) + 1);
    await exec('qpdf', ['--check', out]);
    expect((await pdfsig(out, pki.nssDir)).map((s) => s.valid)).toEqual([true]);
  });

  it('refuses an encrypted PDF (PDF_ENCRYPTED) without writing', async () => {
    const plain = await formPdf(false);
    const enc = join(work, 'encrypted.pdf');
    await exec('qpdf', ['--encrypt', '', 'owner-pw', '256', '--', plain, enc]);
    const out = join(work, 'encrypted-signed.pdf');
    const key = openP12Key(cert.p12, cert.p12Password);
    await expect(signPdf({ input: enc, output: out, key, level: 'B-B' })).rejects.toMatchObject({ code: 'PDF_ENCRYPTED' });
    expect(existsSync(out)).toBe(false);
  });

  it.each([90, 180, 270])('puts the marks upright in the visual top corners of a page shown rotated by %i°', async (rotation) => {
    const doc = await PDFDocument.create();
    const page = doc.addPage([595, 842]);
    page.setRotation(degrees(rotation));
    const input = join(work, `rot${rotation}.pdf`);
    writeFileSync(input, await doc.save());
    const once = join(work, `rot${rotation}-1.pdf`);
    const twice = join(work, `rot${rotation}-2.pdf`);
    await signPdf({ input, output: once, key: openP12Key(cert.p12, cert.p12Password), level: 'B-B', mark: { position: 'top-left', lines: ['CLERKMARK'] } });
    await signPdf({ input: once, output: twice, key: openP12Key(cert2.p12, cert2.p12Password), level: 'B-B', mark: { position: 'top-right', lines: ['AGENCYMARK'] } });
    // pdftotext reports words in the page's displayed orientation; upright text is found as whole words.
    const { stdout } = await exec('pdftotext', ['-bbox', twice, '-']);
    // (Its <page width> stays the unrotated one; the word boxes are in the displayed orientation.)
    const width = rotation === 180 ? 595 : 842;
    const box = (w: string): { x: number; y: number } => {
      const m = new RegExp(`<word xMin="([\\d.]+)" yMin="([\\d.]+)" xMax="([\\d.]+)" yMax="([\\d.]+)">${w}</word>`).exec(stdout);
      expect(m, `${w} not found in ${stdout}`).not.toBeNull();
      const [x0, y0, x1, y1] = m!.slice(1).map(Number) as [number, number, number, number];
      // Upright and unsquashed: a 10 pt word of 9–10 capitals is ~60–75 pt wide and one line tall on screen
      // (an appearance without the counter-rotating /Matrix is squeezed into the rotated box).
      expect(x1 - x0).toBeGreaterThan(50);
      expect(y1 - y0).toBeLessThan(14);
      return { x: x0, y: y0 };
    };
    const clerkBox = box('CLERKMARK');
    const agencyBox = box('AGENCYMARK');
    expect(clerkBox.x).toBeLessThan(60);
    expect(clerkBox.y).toBeLessThan(60);
    expect(agencyBox.x).toBeGreaterThan(width - 150);
    expect(agencyBox.y).toBeLessThan(60);
    expect((await pdfsig(twice, pki.nssDir)).map((s) => s.valid)).toEqual([true, true]);
  });
});

describe('mark text the font cannot draw', () => {
  it('still signs when the signer name carries a control character or a glyph the font lacks, drawing "?" for it', async () => {
    const doc = await PDFDocument.create();
    doc.addPage([595, 842]);
    const input = join(work, 'odd-name.pdf');
    writeFileSync(input, await doc.save({ useObjectStreams: false }));
    const out = join(work, 'odd-name-signed.pdf');
    // U+0085 is what a Latin-1-misread UTF-8 certificate name yields; 漢 is not in Liberation Serif.
    await signPdf({ input, output: out, key: openP12Key(cert.p12, cert.p12Password), level: 'B-B', mark: { position: 'top-left', lines: ['Người sao: Bình\u0085 漢'] } });
    expect(verifyPdf(out, { trustAnchors: [pki.caDer] }).signatures.map((x) => x.valid)).toEqual([true]);
    const { stdout } = await exec('pdftotext', ['-f', '1', '-l', '1', out, '-']);
    expect(stdout).toContain('Người sao: Bình ?');
  });
});
