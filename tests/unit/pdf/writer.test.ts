import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodePage } from '../../../electron/core/pdf/encode';
import { pdfDate, xmpDate } from '../../../electron/common/pdfDate';
import { pdfString } from '../../../electron/core/pdf/metadata';
import { PROFILES, PROFILE_IDS, getProfile } from '../../../electron/common/compressionProfiles';
import { PdfAWriter } from '../../../electron/core/pdf/writer';
import { renderPage } from '../../fixtures/analysis/pages';
import { tempDir } from '../../helpers/tmp';

const created = new Date('2026-03-04T05:06:07.890Z');

/** Checks every xref entry points at "N 0 obj" (a classic table, as signers need it). */
function checkXref(pdf: Buffer): number {
  const text = pdf.toString('latin1');
  const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)![1]);
  expect(text.slice(startxref, startxref + 4)).toBe('xref');
  const m = /^xref\n0 (\d+)\n/.exec(text.slice(startxref))!;
  const size = Number(m[1]);
  const rows = text.slice(startxref + m[0].length).split('\n').slice(0, size);
  expect(rows[0]).toBe('0000000000 65535 f ');
  for (let i = 1; i < size; i++) {
    const off = Number(rows[i]!.slice(0, 10));
    expect(text.slice(off, off + `${i} 0 obj`.length)).toBe(`${i} 0 obj`);
  }
  return size;
}

describe('streaming PDF/A writer', () => {
  it('writes a classic xref, trailer /ID, no object streams, and the media box at 100 % scale', async () => {
    const dir = tempDir();
    const img = await renderPage({ lines: 4, dpi: 100 });
    const enc = await encodePage(img, 'color');
    const w = await PdfAWriter.open(join(dir, 'a.pdf'), { title: 'Giấy khai sinh', author: 'Nguyễn Văn A', createdAt: created });
    await w.addPage(enc);
    await w.addPage(enc);
    const r = await w.close();
    expect(existsSync(join(dir, 'a.pdf.part'))).toBe(false);
    const pdf = readFileSync(r.path);
    expect(r.bytes).toBe(pdf.length);
    const text = pdf.toString('latin1');
    expect(text.startsWith('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n')).toBe(true);
    expect(checkXref(pdf)).toBe(7 + 2 * 3);
    expect(text).not.toMatch(/\/ObjStm|\/XRefStm|\/Interpolate|\/SMask|\/JPXDecode|\/Encrypt/);
    expect(text).toMatch(new RegExp(`/ID \\[<${r.id}> <${r.id}>\\]`));
    // A4 at 100 dpi: 827 × 1169 px → 595.44 × 841.68 pt
    expect(text).toContain(`/MediaBox [0 0 ${((img.width * 72) / 100).toFixed(2).replace(/0+$/, '').replace(/\.$/, '')} ${((img.height * 72) / 100).toFixed(2).replace(/0+$/, '').replace(/\.$/, '')}]`);
    expect(text.match(/\/Type \/Page /g)).toHaveLength(2);
  });

  it('mirrors the Info dictionary in an uncompressed XMP packet, dates with +07:00', async () => {
    const dir = tempDir();
    const enc = await encodePage(await renderPage({ lines: 1, dpi: 50 }), 'gray');
    const w = await PdfAWriter.open(join(dir, 'm.pdf'), { title: 'Tờ khai (bản sao)', author: 'Trạm một cửa', subject: 'Hồ sơ 1', keywords: 'KS01', createdAt: created });
    await w.addPage(enc);
    const { path } = await w.close();
    const text = readFileSync(path).toString('latin1');
    const xmp = readFileSync(path).toString('utf8');
    expect(pdfDate(created)).toBe("D:20260304120607+07'00'");
    expect(xmpDate(created)).toBe('2026-03-04T12:06:07+07:00');
    expect(text).toContain(`/CreationDate (D:20260304120607+07'00') /ModDate (D:20260304120607+07'00')`);
    expect(xmp).toContain('<xmp:CreateDate>2026-03-04T12:06:07+07:00</xmp:CreateDate>');
    expect(xmp).toContain('<rdf:li xml:lang="x-default">Tờ khai (bản sao)</rdf:li>');
    expect(text).toContain(`/Title ${pdfString('Tờ khai (bản sao)')}`);
    expect(pdfString('Tờ')).toBe('<FEFF00541EDD>');
    expect(pdfString('a(b)')).toBe('(a\\(b\\))');
    expect(xmp).toContain('<pdfaid:part>1</pdfaid:part>');
    expect(xmp).toContain('<pdfaid:conformance>B</pdfaid:conformance>');
    expect(text).toMatch(/\/Type \/Metadata \/Subtype \/XML \/Length \d+ >>/); // no /Filter: uncompressed
    expect(text).toContain('/S /GTS_PDFA1');
  });

  it('writes PDF/A-2b identification when asked', async () => {
    const dir = tempDir();
    const w = await PdfAWriter.open(join(dir, 'b.pdf'), { title: 't' }, { level: '2b' });
    await w.addPage(await encodePage(await renderPage({ dpi: 50 }), 'color'));
    const { path, level } = await w.close();
    const s = readFileSync(path).toString('utf8');
    expect(level).toBe('2b');
    expect(s.startsWith('%PDF-1.7')).toBe(true);
    expect(s).toContain('<pdfaid:part>2</pdfaid:part>');
  });

  it('leaves no file behind when aborted or closed without pages', async () => {
    const dir = tempDir();
    const w = await PdfAWriter.open(join(dir, 'x.pdf'), { title: 't' });
    await expect(w.close()).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    expect(existsSync(join(dir, 'x.pdf'))).toBe(false);
    expect(existsSync(join(dir, 'x.pdf.part'))).toBe(false);
  });
});

describe('compression profiles', () => {
  it('every profile states a target size per A4 page and only the bitonal one allows thresholding', () => {
    for (const id of PROFILE_IDS) {
      expect(PROFILES[id].targetBytesPerA4).toBeGreaterThan(10_000);
      expect(PROFILES[id].allowsBitonal).toBe(id === 'bitonal');
    }
    expect(() => getProfile('jbig2-lossy')).toThrow(expect.objectContaining({ code: 'INVALID_PROFILE' }));
  });

  it('encodes a colour text page with a red seal within each profile target, MRC keeping the seal in the colour background', async () => {
    const img = await renderPage({ lines: 30, seal: true, dpi: 200 });
    const sizes: Record<string, number> = {};
    for (const id of PROFILE_IDS) {
      const enc = await encodePage(img, id);
      sizes[id] = enc.bytes;
      expect(enc.bytes, id).toBeLessThanOrEqual(PROFILES[id].targetBytesPerA4);
      expect([enc.widthPx, enc.heightPx, enc.dpi]).toEqual([img.width, img.height, 200]);
    }
    const mrc = await encodePage(img, 'mrc');
    expect(mrc.mask?.image.filter).toBe('JBIG2Decode');
    expect(mrc.mask?.image.width).toBe(img.width); // text at full resolution
    expect(mrc.background.colorSpace).toBe('DeviceRGB');
    expect(mrc.background.width).toBeLessThan(img.width / 2);
    expect(sizes.mrc).toBeLessThan(sizes.color!);
  });

  it('refuses to threshold a colour page in a profile that does not allow bitonal', async () => {
    const img = await renderPage({ dpi: 50 });
    await expect(encodePage(img, { ...PROFILES.color, method: 'g4' })).rejects.toMatchObject({ code: 'INVALID_PROFILE' });
  });
});
