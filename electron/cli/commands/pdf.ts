import { readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { PageQualityCode } from '../../common/api/pages';
import { StationError } from '../../common/errors';
import { decodeImage, probeImage } from '../../core/imaging/decode';
import type { OrientationReason } from '../../core/imaging/orientation';
import { assemblePdf, type PageSource } from '../../core/pdf/assemble';
import { preflightFiles } from '../../core/pdf/preflight';
import { compressionProfileSchema, DEFAULT_PROFILE, PROFILE_IDS, PROFILES, type ProfileId } from '../../common/compressionProfiles';
import { EXIT, type Command } from '../command';
import { withClient } from '../connect';
import { printError, table } from '../output';

/** The CLI's short words for why a page was turned (the UI has its own i18n keys for the same codes). */
const QUALITY_TEXT: Record<PageQualityCode, string> = {
  PAGE_TOO_DARK: 'QUÁ TỐI, QUÉT LẠI SÁNG HƠN / TOO DARK, RESCAN LIGHTER',
  PAGE_LOW_CONTRAST: 'QUÁ NHẠT, QUÉT LẠI ĐẬM HƠN / TOO FAINT, RESCAN DARKER',
};
const ROTATION_REASON_TEXT: Record<OrientationReason, string> = {
  text_sideways: 'chữ nằm ngang / text sideways',
  text_upside_down: 'chữ lộn ngược / text upside down',
};

/** Input files larger than this are refused before reading (a page scan is < 100 MB even at 600 dpi). */
const MAX_INPUT_BYTES = 512 * 1024 * 1024;

function readInput(file: string): Buffer {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new StationError('NOT_FOUND', `no such file: ${file}`, { file });
  }
  if (size === 0) throw new StationError('FILE_EMPTY', `${file} is empty (0 bytes)`, { file });
  if (size > MAX_INPUT_BYTES) throw new StationError('IMAGE_TOO_LARGE', `${file} is ${size} bytes`, { file, size });
  return readFileSync(file);
}

export const pdfCommand: Command = {
  name: 'pdf',
  summary: 'make a PDF/A file from page images (PNM, PNG, JPEG, TIFF incl. multi-page), without a dossier',
  usage:
    'sohoa pdf PAGE… --out FILE.pdf [--profile ' +
    PROFILE_IDS.join('|') +
    '] [--level 1b|2b] [--dpi N] [--title TEXT] [--no-deskew] [--no-orient] [--ocr LANG] [--json]\n' +
    '  Pages are analysed (blank score, too dark, orientation, skew, 200 dpi / 100 % check), turned upright only on\n' +
    '  clear text-line evidence (the reason is printed), deskewed,\n' +
    `  compressed with the profile (default ${DEFAULT_PROFILE}: MRC for text pages, JPEG for photos) and streamed\n` +
    '  into one PDF/A file. --ocr vie adds an invisible Vietnamese text layer (tesseract): searchable, copyable.\n' +
    '  --dpi: resolution of images that state\n' +
    '  none (SANE PNM). Blank pages are reported, never dropped.',
  options: {
    out: { type: 'string', short: 'o' },
    profile: { type: 'string' },
    level: { type: 'string' },
    dpi: { type: 'string' },
    title: { type: 'string' },
    'no-deskew': { type: 'boolean' },
    'no-orient': { type: 'boolean' },
    ocr: { type: 'string' },
  },
  positionals: { min: 1, max: 100_000 },
  async run(args, io) {
    const out = args.values.out as string | undefined;
    if (!out) {
      io.err('--out FILE.pdf is required');
      return EXIT.USAGE;
    }
    const profileArg = (args.values.profile as string | undefined) ?? DEFAULT_PROFILE;
    const profile = compressionProfileSchema.safeParse(profileArg);
    if (!profile.success) {
      io.err(`unknown --profile ${profileArg} (known: ${PROFILE_IDS.join(', ')})`);
      return EXIT.USAGE;
    }
    const level = (args.values.level as string | undefined) ?? '1b';
    if (level !== '1b' && level !== '2b') {
      io.err('--level is 1b or 2b');
      return EXIT.USAGE;
    }
    const dpiArg = args.values.dpi as string | undefined;
    const dpi = dpiArg === undefined ? undefined : Number(dpiArg);
    if (dpi !== undefined && !(Number.isInteger(dpi) && dpi >= 50 && dpi <= 2400)) {
      io.err('--dpi is an integer between 50 and 2400');
      return EXIT.USAGE;
    }
    const ocrLang = args.values.ocr as string | undefined;
    if (ocrLang !== undefined && !/^[a-z_]{3,12}(\+[a-z_]{3,12})*$/.test(ocrLang)) {
      io.err('--ocr takes tesseract language names, e.g. vie or vie+eng');
      return EXIT.USAGE;
    }
    const files = args.positionals.map((f) => resolve(f));
    async function* sources(): AsyncGenerator<PageSource> {
      for (const file of files) {
        const buf = readInput(file);
        const probe = await probeImage(buf);
        for (let page = 0; page < probe.pages; page++) {
          yield {
            label: probe.pages > 1 ? `${basename(file)}#${page + 1}` : basename(file),
            ...(dpi === undefined ? {} : { dpi }),
            ...(args.values['no-orient'] === true ? { rotation: 0 as const } : {}),
            load: () => decodeImage(buf, { page, ...(dpi === undefined ? {} : { dpiHint: dpi }) }),
          };
        }
      }
    }
    const title = (args.values.title as string | undefined) ?? basename(out, '.pdf');
    const r = await assemblePdf(sources(), resolve(out), {
      profile: profile.data as ProfileId,
      level,
      meta: { title, creator: 'SoHoa Station (sohoa pdf)' },
      deskew: args.values['no-deskew'] !== true,
      autoOrient: args.values['no-orient'] !== true,
      ...(ocrLang === undefined ? {} : { ocr: { lang: ocrLang } }),
    });
    const pages = r.pages.map((p) => ({
      page: p.label,
      widthPx: p.widthPx,
      heightPx: p.heightPx,
      dpi: p.dpi,
      rotation: p.rotation,
      rotationReason: p.rotationReason,
      skewDeg: p.skewDeg,
      bytes: p.bytes,
      blankScore: p.analysis?.blankScore ?? null,
      blankFlag: p.analysis?.blankFlag ?? null,
      quality: p.analysis?.quality ?? [],
      compliant: p.analysis?.compliant ?? null,
      issues: p.analysis?.issues ?? [],
    }));
    if (args.json) {
      io.out(JSON.stringify({ ok: true, file: r.written.path, pages: r.written.pages, bytes: r.written.bytes, sha256: r.written.sha256, level: r.written.level, profile: profile.data, pageDetails: pages }, null, 2));
      return EXIT.OK;
    }
    io.out(`${r.written.path}: PDF/A-${r.written.level}, ${r.written.pages} trang / pages, ${r.written.bytes} bytes, hồ sơ nén / profile ${profile.data} (${PROFILES[profile.data as ProfileId].label})`);
    io.out(
      table([
        ['trang/page', 'px', 'dpi', 'xoay/rot', 'nghiêng/skew°', 'bytes', 'trắng?/blank?', 'chất lượng/quality', 'đạt chuẩn/compliant'],
        ...pages.map((p) => [
          p.page,
          `${p.widthPx}×${p.heightPx}`,
          String(p.dpi),
          p.rotationReason ? `${p.rotation} (${ROTATION_REASON_TEXT[p.rotationReason]})` : String(p.rotation),
          p.skewDeg.toFixed(2),
          String(p.bytes),
          p.blankFlag === 'flagged' ? `CẦN XEM / REVIEW (${p.blankScore})` : '',
          p.quality.map((q) => QUALITY_TEXT[q]).join('; '),
          p.compliant === false ? `KHÔNG / NO (${p.issues.join(', ')})` : 'x',
        ]),
      ]),
    );
    return EXIT.OK;
  },
};

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check PDF files against PDF/A-1b with PDFBox Preflight (one Java start for all files)',
  usage: 'sohoa validate FILE.pdf… [--json]\n  Exit 0 when every file is valid PDF/A-1b, 3 when one is not (or cannot be read).',
  options: {},
  positionals: { min: 1, max: 100_000 },
  async run(args, io) {
    const results = await preflightFiles(args.positionals);
    const allValid = results.every((r) => r.valid);
    if (args.json) {
      io.out(JSON.stringify({ ok: allValid, results }, null, 2));
      return allValid ? EXIT.OK : EXIT.CHECK_FAILED;
    }
    for (const r of results) {
      if (r.valid) io.out(`HỢP LỆ / VALID PDF/A-1b: ${r.file}`);
      else {
        io.out(`KHÔNG HỢP LỆ / NOT VALID PDF/A-1b: ${r.file}${r.failure ? ` (${r.failure})` : ''}`);
        for (const e of r.errors) io.out(`  ${e.code}: ${e.details}`);
      }
    }
    return allValid ? EXIT.OK : EXIT.CHECK_FAILED;
  },
};

export const assembleCommand: Command = {
  name: 'assemble',
  summary: "assemble a component's scanned pages into its PDF/A document (documents.assemble)",
  usage: `sohoa assemble COMPONENT_ID [--profile ${PROFILE_IDS.join('|')}] [--level 1b|2b] [--json]`,
  options: { profile: { type: 'string' }, level: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    const profile = compressionProfileSchema.safeParse((args.values.profile as string | undefined) ?? DEFAULT_PROFILE);
    const level = (args.values.level as string | undefined) ?? '1b';
    if (!profile.success || (level !== '1b' && level !== '2b')) {
      io.err(`usage: ${this.usage}`);
      return EXIT.USAGE;
    }
    return withClient(args.dataDir, async (client) => {
      const r = await client.call('documents.assemble', { componentId: args.positionals[0]!, profile: profile.data, level });
      if (!r.ok) {
        printError(io, args.json, r.error);
        return EXIT.ERROR;
      }
      const v = r.value;
      if (args.json) io.out(JSON.stringify(v, null, 2));
      else {
        io.out(`Tài liệu / document ${v.documentId}: PDF/A-${v.pdfaLevel}, ${v.pageCount} trang, ${v.size} bytes (sha256 ${v.sha256})`);
        if (v.skippedBlank > 0) io.out(`  Bỏ ${v.skippedBlank} trang trắng đã xác nhận / confirmed blank pages left out`);
        if (v.flaggedBlank > 0) io.out(`  ${v.flaggedBlank} trang có thể trắng cần xem lại / pages flagged as possibly blank (kept)`);
        if (v.nonCompliantPages > 0) io.out(`  ${v.nonCompliantPages} trang không đạt chuẩn / non-compliant pages (dpi, scale, colour)`);
      }
      return EXIT.OK;
    });
  },
};
