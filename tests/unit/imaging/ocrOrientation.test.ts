import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../electron/core/imaging/decode';
import { grayCopy } from '../../../electron/core/imaging/gray';
import { lineDirection } from '../../../electron/core/imaging/lineDirection';
import { decideUpDown, parseOsd, readingOf, type OcrOrientation } from '../../../electron/core/imaging/ocrOrientation';
import { REAL_SCANS, scanPath } from '../../fixtures/scans/catalogue';

type Evidence = OcrOrientation['evidence'];
const read = (meanConf: number, words = 150) => ({ words, meanConf });
const evidence = (e: Partial<Evidence>): Evidence => ({ upright: read(40), upsideDown: read(40), osd: null, votes: { up: 0, down: 0 }, ...e });

describe('orientation second opinion: the rule', () => {
  it('turns only when reading is clearly better one way and another witness agrees', () => {
    // The handwritten page upside down: reading 18 vs 36, OSD (unsure but of the same mind) agrees.
    expect(decideUpDown(0, evidence({ upright: read(17.9, 82), upsideDown: read(35.7, 65), osd: { rotate: 180, confidence: 0.51 } })).rotation).toBe(180);
    // Same reading with no other witness: left as it came.
    expect(decideUpDown(0, evidence({ upright: read(17.9, 82), upsideDown: read(35.7, 65) })).rotation).toBeNull();
    // Line votes leaning the same way are a witness too; base 90 answers 90 or 270.
    expect(decideUpDown(90, evidence({ upright: read(20), upsideDown: read(38), votes: { up: 1, down: 4 } })).rotation).toBe(270);
    expect(decideUpDown(90, evidence({ upright: read(38), upsideDown: read(20), votes: { up: 4, down: 1 } })).rotation).toBe(90);
  });

  it('a small margin or few words is no verdict, whatever else agrees', () => {
    expect(decideUpDown(0, evidence({ upright: read(30), upsideDown: read(38), osd: { rotate: 180, confidence: 9 } })).rotation).toBeNull();
    expect(decideUpDown(0, evidence({ upright: read(10, 3), upsideDown: read(60, 5), osd: { rotate: 180, confidence: 9 } })).rotation).toBeNull();
  });

  it('an overwhelming reading over many words stands alone (the numeric table); a sure OSD or clear votes against it veto', () => {
    const table = { upright: read(45.2, 176), upsideDown: read(74.1, 192) };
    expect(decideUpDown(0, evidence(table)).rotation).toBe(180);
    expect(decideUpDown(0, evidence({ ...table, osd: { rotate: 0, confidence: 1.5 } })).rotation).toBeNull();
    expect(decideUpDown(0, evidence({ ...table, osd: { rotate: 90, confidence: 3 } })).rotation).toBeNull();
    expect(decideUpDown(0, evidence({ ...table, votes: { up: 12, down: 3 } })).rotation).toBeNull();
    // An unsure OSD against it is no veto.
    expect(decideUpDown(0, evidence({ ...table, osd: { rotate: 0, confidence: 0.4 } })).rotation).toBe(180);
  });

  it('reads tesseract TSV and OSD output', () => {
    const tsv = [
      'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext',
      '4\t1\t1\t1\t1\t0\t10\t10\t200\t20\t-1\t',
      '5\t1\t1\t1\t1\t1\t10\t10\t50\t20\t90\tLake',
      '5\t1\t1\t1\t1\t2\t70\t10\t20\t20\t60\t16',
      '5\t1\t1\t1\t1\t3\t95\t10\t5\t20\t10\t|',
    ].join('\n');
    expect(readingOf(tsv)).toEqual({ words: 2, meanConf: 75 });
    expect(parseOsd('Page number: 0\nOrientation in degrees: 180\nRotate: 180\nOrientation confidence: 10.81\nScript: Fraktur\n')).toEqual({ rotate: 180, confidence: 10.81 });
    expect(parseOsd('Too few characters. Skipping this page\n')).toBeNull();
  });
});

describe('line direction from ink run lengths (real scans)', () => {
  for (const scan of REAL_SCANS.filter((s) => !s.blank)) {
    it(`${scan.file}: lines run across upright and upside down, along the page sideways`, async () => {
      const bytes = readFileSync(scanPath(scan));
      for (const turn of [0, 90, 180, 270] as const) {
        const out = turn === 0 ? bytes : await sharp(bytes).rotate(turn).png().toBuffer();
        const g = await grayCopy({ ...(await decodeImage(out, { dpiHint: scan.dpi })), dpi: scan.dpi }, 100);
        expect(lineDirection(g).direction, `${scan.file} turned ${turn}°`).toBe(turn % 180 === 0 ? 'horizontal' : 'vertical');
      }
    });
  }

  it('bands are not lines of writing (a colour test chart like the SANE test backend\'s: no second opinion asked)', () => {
    // 8 px bands of dark colour every 12 px with a thin grid, 100 dpi: runs across are short but the page is
    // mostly ink.
    const width = 314;
    const height = 393;
    const data = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = y % 12 < 8 && x % 6 !== 0 ? 40 : 230;
    const d = lineDirection({ width, height, data, dpi: 100 });
    expect(d.ratio).toBeGreaterThan(1.8);
    expect(d.direction).toBeNull();
  });

  it('a blank or uniform page has no direction', async () => {
    const g = await grayCopy({ ...(await decodeImage(readFileSync(scanPath(REAL_SCANS.find((s) => s.blank)!)), { dpiHint: 150 })), dpi: 150 }, 100);
    expect(lineDirection(g).direction).toBeNull();
  });
});
