import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/cli';
import { makePdfA } from '../../signing-infra/pdfs';

const exec = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'sohoa-sign-large-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('signing a long document', () => {
  it('signs a 1 000-page PDF/A as an incremental update without loading it (peak RSS of the signing process < 300 MB)', async () => {
    const input = await makePdfA(join(work, 'long.pdf'), 1000, { dpi: 72 });
    const output = join(work, 'long-signed.pdf');
    const { stdout } = await exec(process.execPath, [join(ROOT, 'bin/run-ts.mjs'), join(ROOT, 'tests/signing-infra/sign-rss-child.ts'), input, output], { timeout: 120_000 });
    const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as { peakHwmKb: number; baselineHwmKb: number };
    expect(r.peakHwmKb).toBeLessThan(300 * 1024);
    // The input is 20 MB; signing grows the process by far less than the file (the file is streamed, never held).
    const inSize = readFileSync(input).length;
    expect((r.peakHwmKb - r.baselineHwmKb) * 1024).toBeLessThan(inSize / 2);
    const out = readFileSync(output);
    expect(out.subarray(0, inSize).equals(readFileSync(input))).toBe(true);
    const { stdout: sig } = await exec('pdfsig', [output], { timeout: 60_000 });
    expect(sig).toContain('Signature is Valid.');
    expect(sig).toContain('Total document signed');
  }, 180_000);
});
