import { closeSync, existsSync, openSync, readSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StationError } from '../../common/errors';
import { runProcess } from '../../../native-bridge/process/run';

/**
 * sRGB ICC v2 profiles (PDF/A-1 needs v2), first found wins; SOHOA_GS_ICC overrides. Ghostscript's own
 * (Debian path, verified with Preflight), then the station's bundled one (resources/icc, also used by the
 * PDF/A writer) for machines where gs keeps its profiles elsewhere (Windows).
 */
const ICC_CANDIDATES = [
  '/usr/share/color/icc/ghostscript/srgb.icc',
  '/usr/share/ghostscript/iccprofiles/srgb.icc',
  fileURLToPath(new URL('../../../resources/icc/sRGB-v2.icc', import.meta.url)),
];

/** The Ghostscript console program: SOHOA_GS, else `gswin64c` on Windows, `gs` elsewhere. */
export function ghostscriptCommand(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  return env.SOHOA_GS ?? (platform === 'win32' ? 'gswin64c' : 'gs');
}

export function findIccProfile(env: NodeJS.ProcessEnv = process.env): string {
  const list = env.SOHOA_GS_ICC ? [env.SOHOA_GS_ICC] : ICC_CANDIDATES;
  for (const p of list) {
    if (existsSync(p) && iccUsableV2(p)) return p;
  }
  throw new StationError('TOOL_MISSING', 'no whole sRGB ICC v2 profile for Ghostscript found', { tried: list, tool: 'gs' });
}

/**
 * A whole ICC v2 profile: the declared size matches the file and the 'acsp' signature is there
 * (Ghostscript embeds a truncated profile without a word, and the output is then not PDF/A).
 */
function iccUsableV2(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(40);
    if (readSync(fd, b, 0, 40, 0) < 40) return false;
    return b[8] === 2 && b.readUInt32BE(0) === statSync(path).size && b.toString('latin1', 36, 40) === 'acsp';
  } finally {
    closeSync(fd);
  }
}

const psString = (s: string): string => `(${s.replace(/[\\()]/g, (c) => `\\${c}`)})`;

/**
 * The PDF/A prefix: output intent with the sRGB profile. Never named PDFA_def.ps — gs would run its own
 * copy of that name (toolchain.md §3).
 */
function prefixPs(icc: string): string {
  return `%!
% SoHoa Station: PDF/A-1b output intent (sRGB ICC v2)
/ICCProfile ${psString(icc)} def
[/_objdef {icc_PDFA} /type /stream /OBJ pdfmark
[{icc_PDFA} << /N 3 >> /PUT pdfmark
[{icc_PDFA} ICCProfile (r) file /PUT pdfmark
[/_objdef {OutputIntent_PDFA} /type /dict /OBJ pdfmark
[{OutputIntent_PDFA} <<
  /Type /OutputIntent /S /GTS_PDFA1 /DestOutputProfile {icc_PDFA}
  /OutputConditionIdentifier (sRGB) /Info (sRGB IEC61966-2.1)
>> /PUT pdfmark
[{Catalog} << /OutputIntents [ {OutputIntent_PDFA} ] >> /PUT pdfmark
`;
}

export interface NormaliseOptions {
  workDir: string;
  timeoutMs?: number;
  /** A non-UTC zone: with TZ=UTC gs writes dates Preflight rejects (toolchain.md §3). */
  tz?: string;
}

/**
 * Ghostscript (an external program the admin installs — AGPL, never bundled) rewrites the PDF as
 * PDF/A-1b: -dSAFER, with read permission for the ICC profile's folder only; `PDFACompatibilityPolicy=1`
 * drops what PDF/A-1 forbids instead of silently writing plain PDF. Any "Failed"/"Error" in its output or
 * a non-zero exit is PDF_NORMALISE_FAILED.
 */
export async function normaliseWithGhostscript(input: string, output: string, opts: NormaliseOptions): Promise<void> {
  const icc = findIccProfile();
  const prefix = join(opts.workDir, 'sohoa-pdfa-prefix.ps');
  writeFileSync(prefix, prefixPs(icc));
  const args = [
    '-dSAFER',
    `--permit-file-read=${dirname(icc).replace(/\\/g, '/')}/`,
    '-dPDFA=1',
    '-dBATCH',
    '-dNOPAUSE',
    '-dQUIET',
    '-dNOINTERPOLATE',
    '-sColorConversionStrategy=RGB',
    '-dPDFACompatibilityPolicy=1',
    '-sDEVICE=pdfwrite',
    `-sOutputFile=${output}`,
    prefix,
    input,
  ];
  const tz = opts.tz ?? (process.env.TZ && !/^(UTC|Etc\/UTC|GMT|Z)?$/i.test(process.env.TZ) ? process.env.TZ : 'Asia/Ho_Chi_Minh');
  const r = await runProcess(ghostscriptCommand(), args, { timeoutMs: opts.timeoutMs ?? 300_000, env: { TZ: tz } });
  const bad = r.output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /failed|error/i.test(l));
  if (r.timedOut || r.code !== 0 || bad.length > 0 || !existsSync(output) || statSync(output).size === 0) {
    throw new StationError('PDF_NORMALISE_FAILED', r.timedOut ? 'Ghostscript took too long' : 'Ghostscript could not convert the PDF to PDF/A-1b', {
      exitCode: r.code,
      output: (bad.length > 0 ? bad : r.output.split('\n')).slice(0, 8),
    });
  }
}

/**
 * Structural check of the normalised file (Preflight needs Java, which a counter PC does not have):
 * qpdf reads it without errors, the page count is unchanged, the XMP (unfiltered in PDF/A-1) says
 * PDF/A-1 and a GTS_PDFA1 output intent is present.
 */
export async function checkNormalised(path: string, expectedPages: number): Promise<void> {
  const fail = (why: string, details: Record<string, unknown> = {}): never => {
    throw new StationError('PDF_NORMALISE_FAILED', `normalised PDF rejected: ${why}`, details);
  };
  const check = await runProcess('qpdf', ['--check', path], { timeoutMs: 120_000 });
  if (check.code !== 0) fail('qpdf --check found problems', { output: check.output.split('\n').slice(0, 5) });
  const np = await runProcess('qpdf', ['--show-npages', path], { timeoutMs: 60_000 });
  const n = Number(np.output.trim());
  if (n !== expectedPages) fail(`page count changed from ${expectedPages} to ${n}`, { expectedPages, pageCount: n });
  let sawPart = false;
  let sawIntent = false;
  await runProcess('qpdf', ['--object-streams=disable', '--stream-data=preserve', path, '-'], {
    timeoutMs: 120_000,
    onLine: (line) => {
      if (/pdfaid:part(>|\s*=\s*['"])1/.test(line)) sawPart = true;
      if (line.includes('/GTS_PDFA1')) sawIntent = true;
    },
  });
  if (!sawPart) fail('no PDF/A-1 identification in the XMP metadata');
  if (!sawIntent) fail('no PDF/A output intent');
}
