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

/**
 * The oldest Ghostscript a citizen's PDF may be fed to. The -dSAFER sandbox escapes (CVE-2023-36664, fixed
 * in 10.01.2; CVE-2024-29510 and CVE-2024-33871, fixed in 10.03.1) are the reason. Distributions backport
 * those fixes without changing the upstream number (Debian 12's gs reports 10.00.0 with them applied), so on
 * Linux 10.0 is the floor and 9.x is refused; on Windows, where the admin installs Artifex's own build,
 * the fixed upstream release itself is required.
 */
export function minimumGhostscript(platform: NodeJS.Platform = process.platform): [number, number, number] {
  return platform === 'win32' ? [10, 3, 1] : [10, 0, 0];
}

/** `gs --version` → [major, minor, patch]; null for anything that is not a version. */
export function parseGhostscriptVersion(text: string): [number, number, number] | null {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?\s*$/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}

export function ghostscriptAcceptable(version: [number, number, number], platform: NodeJS.Platform = process.platform): boolean {
  const min = minimumGhostscript(platform);
  for (let i = 0; i < 3; i++) if (version[i]! !== min[i]!) return version[i]! > min[i]!;
  return true;
}

const checkedVersions = new Map<string, Promise<string>>();

/** Refuses (TOOL_TOO_OLD) a Ghostscript older than the floor; asked once per program per process. */
export function assertGhostscriptVersion(cmd: string = ghostscriptCommand()): Promise<string> {
  let p = checkedVersions.get(cmd);
  if (!p) {
    p = runProcess(cmd, ['--version'], { timeoutMs: 30_000, missing: 'Ghostscript is not installed' }).then((r) => {
      const v = parseGhostscriptVersion(r.stdout);
      const min = minimumGhostscript().join('.');
      if (!v || !ghostscriptAcceptable(v)) {
        throw new StationError('TOOL_TOO_OLD', `Ghostscript ${r.stdout.trim() || '(no version)'} is older than ${min} (its -dSAFER sandbox can be escaped)`, { tool: 'gs', version: r.stdout.trim().slice(0, 40), minimum: min });
      }
      return v.join('.');
    });
    p.catch(() => checkedVersions.delete(cmd)); // a fixed installation is picked up at the next import
    checkedVersions.set(cmd, p);
  }
  return p;
}

/** Address-space ceiling for Ghostscript and qpdf on an imported file (a PDF bomb fails inside the tool). */
export const CONVERTER_MEMORY_LIMIT = 2 * 1024 ** 3;

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
  await assertGhostscriptVersion();
  const r = await runProcess(ghostscriptCommand(), args, { timeoutMs: opts.timeoutMs ?? 300_000, env: { TZ: tz }, memoryLimitBytes: CONVERTER_MEMORY_LIMIT });
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
  const check = await runProcess('qpdf', ['--check', path], { timeoutMs: 120_000, memoryLimitBytes: CONVERTER_MEMORY_LIMIT });
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
