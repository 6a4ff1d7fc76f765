import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { StationError } from '../../common/errors';
import { privateTempDir } from '../../../native-bridge/process/privateTemp';
import { runProcess } from '../../../native-bridge/process/run';

/**
 * PDFBox Preflight (PDF/A-1b only) from Debian's libpdfbox2-java. All seven jars are needed (without
 * javax.activation / jaxb-api it dies with NoClassDefFoundError). Override the folder with SOHOA_JAVA_DIR.
 */
export const PREFLIGHT_JARS = ['preflight.jar', 'pdfbox2.jar', 'fontbox2.jar', 'xmpbox.jar', 'commons-logging.jar', 'jaxb-api.jar', 'javax.activation.jar'];

export interface PreflightError {
  code: string;
  details: string;
}

export interface PreflightResult {
  file: string;
  valid: boolean;
  errors: PreflightError[];
  /** Set when the file could not be validated at all (missing, unreadable, validator crash). */
  failure?: string;
}

function javaDir(): string {
  return process.env.SOHOA_JAVA_DIR ?? '/usr/share/java';
}

/** The classpath, or TOOL_MISSING naming what is absent. */
export function preflightClasspath(): string {
  const dir = javaDir();
  const missing = PREFLIGHT_JARS.filter((j) => !existsSync(join(dir, j)));
  if (missing.length > 0) {
    throw new StationError('TOOL_MISSING', `PDFBox Preflight jars missing in ${dir}: ${missing.join(', ')} (Debian: libpdfbox2-java libactivation-java libjaxb-api-java libcommons-logging-java)`, {
      tool: 'preflight',
      missing,
    });
  }
  return PREFLIGHT_JARS.map((j) => join(dir, j)).join(':');
}

const decodeXml = (s: string): string =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&amp;/g, '&');

/** Parses one `<preflight>` element of Preflight's XML report. */
function parsePreflight(xml: string): { name: string; valid: boolean; errors: PreflightError[]; exception?: string } {
  const name = decodeXml(/<preflight name="([^"]*)"/.exec(xml)?.[1] ?? '');
  const valid = /<isValid[^>]*>\s*true\s*<\/isValid>/.test(xml);
  const errors: PreflightError[] = [];
  for (const m of xml.matchAll(/<error[^>]*>\s*<code>([^<]*)<\/code>\s*<details>([\s\S]*?)<\/details>/g)) {
    errors.push({ code: decodeXml(m[1]!.trim()), details: decodeXml(m[2]!.trim()) });
  }
  const exception = /<exceptionThrown>([\s\S]*?)<\/exceptionThrown>/.exec(xml)?.[1];
  return exception === undefined ? { name, valid, errors } : { name, valid, errors, exception: decodeXml(exception.trim()) };
}

/**
 * Validates many files against PDF/A-1b in ONE JVM start: Preflight's own `xml group LISTFILE` mode reads a
 * list of paths and writes `LISTFILE.preflight.xml` with one `<preflight>` per existing file, in list
 * order (missing files are skipped by Preflight, so they are reported here without asking it). Needs only
 * a JRE — no javac on the clerk's PC. ~0.4 s start-up plus ~15–200 ms per file.
 */
export async function preflightFiles(files: string[], opts: { timeoutMs?: number } = {}): Promise<PreflightResult[]> {
  if (files.length === 0) return [];
  const cp = preflightClasspath();
  const abs = files.map((f) => resolve(f));
  const results: (PreflightResult | undefined)[] = abs.map((f) => {
    if (!existsSync(f) || !statSync(f).isFile()) return { file: f, valid: false, errors: [], failure: 'file not found' };
    if (statSync(f).size === 0) return { file: f, valid: false, errors: [], failure: 'file is empty' };
    if (/[\r\n]/.test(f)) return { file: f, valid: false, errors: [], failure: 'file name contains a line break' };
    return undefined;
  });
  const toCheck = abs.filter((_, i) => results[i] === undefined);
  if (toCheck.length > 0) {
    const dir = privateTempDir('preflight');
    try {
      const list = join(dir, 'files.txt');
      writeFileSync(list, `${toCheck.join('\n')}\n`);
      const timeoutMs = opts.timeoutMs ?? 60_000 + 5_000 * toCheck.length;
      const r = await runProcess(process.env.SOHOA_JAVA ?? 'java', ['-cp', cp, 'org.apache.pdfbox.preflight.Validator_A1b', 'xml', 'group', list], {
        timeoutMs,
        env: { TZ: process.env.TZ || 'Asia/Ho_Chi_Minh' },
        missing: 'java is not installed (Debian: default-jre-headless)',
      });
      const report = `${list}.preflight.xml`;
      if (!existsSync(report)) {
        throw new StationError('INTERNAL', `Preflight wrote no report (exit ${r.code}): ${r.stderr.slice(0, 500)}`, { exitCode: r.code });
      }
      const xml = readFileSync(report, 'utf8');
      const parts = [...xml.matchAll(/<preflight name="[\s\S]*?<\/preflight>/g)].map((m) => parsePreflight(m[0]));
      if (parts.length !== toCheck.length) {
        throw new StationError('INTERNAL', `Preflight reported ${parts.length} of ${toCheck.length} files`, { exitCode: r.code });
      }
      let k = 0;
      for (let i = 0; i < results.length; i++) {
        if (results[i] !== undefined) continue;
        const p = parts[k++]!;
        if (p.name !== basename(abs[i]!)) throw new StationError('INTERNAL', `Preflight report out of order: ${p.name} for ${abs[i]}`);
        results[i] = p.exception === undefined ? { file: abs[i]!, valid: p.valid, errors: p.errors } : { file: abs[i]!, valid: false, errors: p.errors, failure: p.exception };
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return results as PreflightResult[];
}

/** One file; throws PDFA_INVALID with the error list when it is not valid PDF/A-1b. */
export async function assertPdfA1b(file: string): Promise<void> {
  const [r] = await preflightFiles([file]);
  if (!r || !r.valid) {
    throw new StationError('PDFA_INVALID', `${file} is not valid PDF/A-1b: ${r?.failure ?? r?.errors.map((e) => `${e.code} ${e.details}`).join('; ')}`, {
      file,
      errors: r?.errors ?? [],
    });
  }
}
