import { rmSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { privateTempDir } from '../../../native-bridge/process/privateTemp';
import { createLogger } from '../log/logger';
import { parseTesseractTsv, runTesseract, type TesseractOptions } from './tesseract';
import { grayCopy } from './gray';
import type { LineVotes } from './orientation';
import type { RasterImage } from './raster';

/**
 * The second opinion on up vs down, asked only when a page's lines clearly run one way but their shapes do
 * not tell up from down (digits and capitals in a table, handwriting, blackletter, lines too close to
 * separate). Tesseract reads the page both ways: a reader's confidence in what it reads drops sharply on
 * upside-down text (measured on the real scans of tests/fixtures/scans, eng, psm 3: table 72 vs 45,
 * blackletter 42 vs 22, handwriting 36 vs 20 mean word confidence). Its script detection (OSD, psm 0) gives a
 * third opinion, sure of itself on printed text and silent or unsure on tables and handwriting.
 *
 * The page is turned only when reading is clearly better one way AND another witness agrees (OSD, or the
 * ascender/descender votes of the lines) or the reading is overwhelming, and no witness says otherwise: an
 * upright page whose reading is poor either way stays as it came. English traineddata: the Vietnamese model reads blackletter and
 * handwriting no better upright than upside down (27 vs 28 on the 1555 page), the English one does.
 */
export const OCR_ORIENTATION_LANG = 'eng';
/** Reading one way must beat the other by this many points of mean word confidence… */
export const MIN_READING_MARGIN = 10;
/** …over at least this many words read that way. */
export const MIN_READ_WORDS = 8;
/**
 * A reading this much better one way, over this many words each way, is a witness strong enough alone
 * (a numeric table: 74 vs 45 over 192 and 176 words; OSD finds too few letters on it and its digits have
 * no ascenders to vote). No upright page reads 20 points better upside down over 50 words.
 */
export const OVERWHELMING_MARGIN = 20;
export const OVERWHELMING_WORDS = 50;
/** OSD answers below this confidence are not an opinion (tesseract's own scale; ≥ 2 is a sure answer). */
export const OSD_OPINION = 0.3;
/** An OSD answer at least this sure vetoes a turn it disagrees with. */
export const OSD_VETO = 1;
const log = createLogger('imaging.orientation');

/** Resolution tesseract reads at (its models want ≥ ≈ 150 dpi; more only costs time here). */
const READ_DPI = 150;

export interface Reading {
  words: number;
  meanConf: number;
}

export interface OcrOrientation {
  /** Clockwise turn that makes the page upright: `base` or `base` + 180; null when the evidence is not enough. */
  rotation: 0 | 90 | 180 | 270 | null;
  /** 0..1: the reading margin over 30 points. */
  confidence: number;
  /** What each witness said (the page's analysis log; tests check the rule against it). */
  evidence: { upright: Reading; upsideDown: Reading; osd: { rotate: number; confidence: number } | null; votes: { up: number; down: number } };
}

/** Mean confidence of the words tesseract read (words it could not read at all are left out). */
export function readingOf(tsv: string): Reading {
  const words = parseTesseractTsv(tsv).filter((w) => /[\p{L}\p{N}]/u.test(w.text));
  const meanConf = words.length ? words.reduce((s, w) => s + w.conf, 0) / words.length : 0;
  return { words: words.length, meanConf: Math.round(meanConf * 10) / 10 };
}

/** `Rotate: N` and `Orientation confidence: C` of tesseract's OSD output; null when it found too little. */
export function parseOsd(text: string): { rotate: number; confidence: number } | null {
  const r = /Rotate:\s*(\d+)/.exec(text);
  const c = /Orientation confidence:\s*([\d.]+)/.exec(text);
  if (!r || !c) return null;
  return { rotate: Number(r[1]), confidence: Number(c[1]) };
}

/** Reading one way is clearly better than the other (the witness every turn needs). */
export function readsClearly(upright: Reading, upsideDown: Reading): boolean {
  const winner = upright.meanConf >= upsideDown.meanConf ? upright : upsideDown;
  return Math.abs(upright.meanConf - upsideDown.meanConf) >= MIN_READING_MARGIN && winner.words >= MIN_READ_WORDS;
}

/**
 * The rule, on what the witnesses said about the page turned by `base` (its lines then run across):
 * `upright` is the reading of that copy, `upsideDown` of the copy turned 180° more.
 */
export function decideUpDown(base: 0 | 90, e: OcrOrientation['evidence']): OcrOrientation {
  const margin = e.upright.meanConf - e.upsideDown.meanConf;
  const flip = margin < 0;
  const none: OcrOrientation = { rotation: null, confidence: 0, evidence: e };
  if (!readsClearly(e.upright, e.upsideDown)) return none;
  // OSD answers for the `base` copy: 0 agrees with "upright", 180 with "upside down"; 90/270 says the lines
  // run the other way, against what the run lengths found.
  const osdSays = e.osd && e.osd.confidence >= OSD_OPINION ? e.osd.rotate : null;
  const osdAgrees = osdSays === (flip ? 180 : 0);
  const osdVetoes = e.osd !== null && e.osd.confidence >= OSD_VETO && e.osd.rotate !== (flip ? 180 : 0);
  const lean = flip ? e.votes.down - e.votes.up : e.votes.up - e.votes.down;
  const votesAgree = lean >= 2;
  const against = flip ? e.votes.up : e.votes.down;
  const votesVeto = against >= 4 && -lean >= 0.5 * against;
  const overwhelming = Math.abs(margin) >= OVERWHELMING_MARGIN && Math.min(e.upright.words, e.upsideDown.words) >= OVERWHELMING_WORDS;
  if (osdVetoes || votesVeto || !(osdAgrees || votesAgree || overwhelming)) return none;
  const rotation = ((base + (flip ? 180 : 0)) % 360) as 0 | 90 | 180 | 270;
  return { rotation, confidence: Math.min(1, Math.abs(margin) / 30), evidence: e };
}

/**
 * Reads the page turned by `base` and by `base` + 180 (a 150 dpi gray copy, through a private temp folder
 * removed afterwards) and asks OSD about the first; answers the rule's verdict. Costs three tesseract runs
 * (≈ 1–3 s on a 150 dpi page, one thread), which is why the analysis asks only when its own evidence is
 * not enough. Tesseract missing or failing: null (the page stays as it came).
 */
export async function ocrOrientation(img: RasterImage, base: 0 | 90, votes: LineVotes, opts: TesseractOptions = {}): Promise<OcrOrientation | null> {
  const g = await grayCopy(img, READ_DPI);
  const dir = privateTempDir('orient');
  try {
    const files: string[] = [];
    for (const turn of [base, base + 180]) {
      const file = join(dir, `page-${turn}.png`);
      await sharp(Buffer.from(g.data.buffer, g.data.byteOffset, g.data.length), { raw: { width: g.width, height: g.height, channels: 1 } })
        .rotate(turn)
        .png({ compressionLevel: 1 })
        .toFile(file);
      files.push(file);
    }
    const dpi = String(Math.round(g.dpi));
    const tess = { ...opts, lang: opts.lang ?? OCR_ORIENTATION_LANG };
    const read = async (file: string): Promise<Reading> => readingOf(await runTesseract([file, 'stdout', '-l', tess.lang, '--psm', '3', '--dpi', dpi, 'tsv'], tess));
    const upright = await read(files[0]!);
    const upsideDown = await read(files[1]!);
    const votesOf = { up: votes.up, down: votes.down };
    // No clear reading, or a clear one that keeps the page as it came: no turn either way, and OSD (which
    // only agrees or vetoes) is spared its run — the common case, an upright table or handwritten page.
    if (!readsClearly(upright, upsideDown) || (base === 0 && upright.meanConf >= upsideDown.meanConf)) {
      return { rotation: null, confidence: 0, evidence: { upright, upsideDown, osd: null, votes: votesOf } };
    }
    // OSD gives up ("Too few characters") on sparse pages with a non-zero exit: no opinion, not a failure.
    const osd = await runTesseract([files[0]!, 'stdout', '--psm', '0', '--dpi', dpi], { ...opts, lang: 'osd' }).then(parseOsd, () => null);
    return decideUpDown(base, { upright, upsideDown, osd, votes: votesOf });
  } catch (err) {
    // No second opinion is no turn: the page stays as it came, as it would without tesseract.
    log.warn('orientation second opinion unavailable', { err: String(err) });
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
