/**
 * The three independent validators of the signing tests (never the station's own verifier):
 *  - pdfsig (poppler/NSS): its text is parsed — it exits 0 even on a digest mismatch;
 *  - openssl cms -verify on each extracted CMS (+ openssl ts -verify on a signature timestamp token);
 *  - PDFBox + BouncyCastle (java/PdfSigCheck.java compiled with javac once per test file, many PDFs per JVM).
 * All run asynchronously: the loopback TSA/OCSP server lives in the test process and must keep answering.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as pkijs from 'pkijs';

const exec = promisify(execFile);

const JAVA_SRC = fileURLToPath(new URL('./java/PdfSigCheck.java', import.meta.url));
const JAVA_CP = ['pdfbox2.jar', 'fontbox2.jar', 'commons-logging.jar', 'bcprov.jar', 'bcpkix.jar', 'bcutil.jar'].map((j) => `/usr/share/java/${j}`).join(':');

export interface PdfsigSig {
  field: string;
  type: string;
  valid: boolean;
  trusted: boolean;
  total: boolean;
  raw: string;
}

export async function pdfsig(file: string, nssDir: string): Promise<PdfsigSig[]> {
  const { stdout } = await exec('pdfsig', ['-nssdir', `sql:${nssDir}`, file], { timeout: 60_000 }).catch((e: { stdout?: string; code?: number }) => {
    if (e.code === 2) return { stdout: '' };
    throw e;
  });
  return stdout
    .split(/^Signature #\d+:$/m)
    .slice(1)
    .map((block) => ({
      field: /Signature Field Name: (.*)/.exec(block)?.[1]?.trim() ?? '',
      type: /Signature Type: (.*)/.exec(block)?.[1]?.trim() ?? '',
      valid: /Signature Validation: Signature is Valid\./.test(block),
      trusted: /Certificate Validation: Certificate is Trusted\./.test(block),
      total: /Total document signed/.test(block),
      raw: block,
    }));
}

export interface ExtractedSig {
  byteRange: number[];
  cms: Buffer;
  content: Buffer;
  subFilter: string;
}

/** Every signature's CMS and signed bytes, straight from the file's text (toolchain.md §4's extractor). */
export function extractSignatures(file: string): ExtractedSig[] {
  const pdf = readFileSync(file);
  const text = pdf.toString('latin1');
  return [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)].map((m) => {
    const [a, b, c, d] = m.slice(1).map(Number) as [number, number, number, number];
    const hex = text.slice(a + b + 1, c - 1);
    const der = Buffer.from(hex, 'hex');
    // Trim zero padding to the DER length.
    const l = der[1]!;
    const len = l < 0x80 ? 2 + l : 2 + (l & 0x7f) + der.subarray(2, 2 + (l & 0x7f)).reduce((acc, x) => acc * 256 + x, 0);
    const around = text.slice(Math.max(0, m.index - 600), m.index + 600);
    const sub = /\/SubFilter\s*\/([A-Za-z0-9.]+)/.exec(around)?.[1] ?? '';
    return { byteRange: [a, b, c, d], cms: der.subarray(0, len), content: Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]), subFilter: sub };
  });
}

/** openssl cms -verify for each CAdES signature; openssl ts -verify for its timestamp and for document timestamps. */
export async function opensslVerify(file: string, caCert: string): Promise<{ cms: boolean[]; ts: (boolean | null)[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'sohoa-ossl-'));
  try {
    const cms: boolean[] = [];
    const ts: (boolean | null)[] = [];
    for (const [i, s] of extractSignatures(file).entries()) {
      const sigFile = join(dir, `sig${i}.der`);
      const contentFile = join(dir, `content${i}.bin`);
      writeFileSync(sigFile, s.cms);
      writeFileSync(contentFile, s.content);
      if (s.subFilter === 'ETSI.RFC3161') {
        const digest = createHash('sha256').update(s.content).digest('hex');
        ts.push(await ok('openssl', ['ts', '-verify', '-digest', digest, '-in', sigFile, '-token_in', '-CAfile', caCert]));
        cms.push(await ok('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', sigFile, '-CAfile', caCert, '-purpose', 'any', '-out', '/dev/null']));
        continue;
      }
      cms.push(await ok('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', sigFile, '-content', contentFile, '-CAfile', caCert, '-purpose', 'any', '-out', '/dev/null']));
      const ci = pkijs.ContentInfo.fromBER(new Uint8Array(s.cms));
      const sd = new pkijs.SignedData({ schema: ci.content });
      const si = sd.signerInfos[0]!;
      const attr = si.unsignedAttrs?.attributes.find((a) => a.type === '1.2.840.113549.1.9.16.2.14');
      if (!attr) {
        ts.push(null);
        continue;
      }
      const tokFile = join(dir, `tok${i}.der`);
      writeFileSync(tokFile, Buffer.from(attr.values[0]!.toBER(false)));
      const digest = createHash('sha256').update(Buffer.from(si.signature.valueBlock.valueHexView)).digest('hex');
      ts.push(await ok('openssl', ['ts', '-verify', '-digest', digest, '-in', tokFile, '-token_in', '-CAfile', caCert]));
    }
    return { cms, ts };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function ok(cmd: string, args: string[]): Promise<boolean> {
  try {
    await exec(cmd, args, { timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

export interface JavaSig {
  file: string;
  index: number;
  subFilter: string;
  ok: boolean;
  ts: 'none' | 'ok' | 'fail';
  dss: boolean;
  detail: string;
}

/** Compiles PdfSigCheck once into `workDir` and checks all files in one JVM. */
export async function pdfboxCheck(files: string[], workDir: string): Promise<JavaSig[]> {
  const classes = join(workDir, 'java-classes');
  mkdirSync(classes, { recursive: true });
  await exec('javac', ['-nowarn', '-d', classes, '-cp', JAVA_CP, JAVA_SRC], { timeout: 120_000 });
  const { stdout } = await exec('java', ['-cp', `${classes}:${JAVA_CP}`, 'PdfSigCheck', ...files], { timeout: 300_000, maxBuffer: 16 << 20 });
  const out: JavaSig[] = [];
  for (const line of stdout.split('\n')) {
    if (line.startsWith('ERR ')) throw new Error(`PdfSigCheck: ${line}`);
    const m = /^SIG (\S+) (\d+) (\S+) (OK|FAIL) ts=(\w+) dss=(\w+) (.*)$/.exec(line);
    if (m) out.push({ file: m[1]!, index: Number(m[2]), subFilter: m[3]!, ok: m[4] === 'OK', ts: m[5] as JavaSig['ts'], dss: m[6] === 'yes', detail: m[7]! });
  }
  return out;
}
