import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ocrPage } from '../../../electron/core/pdf/ocr';
import type { RasterImage } from '../../../electron/core/imaging/raster';

const page: RasterImage = { width: 8, height: 8, channels: 1, data: Buffer.alloc(64, 255), dpi: 200, bitonal: false };
const dir = mkdtempSync(join(tmpdir(), 'sohoa-ocr-runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in for tesseract that reports what it was started with (the real one runs in tests/integration/pdf/ocr.test.ts). */
function fakeTesseract(body: string): string {
  const path = join(dir, `tesseract-${Math.random().toString(36).slice(2)}`);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('ocrPage through the one process runner', () => {
  it('runs tesseract with the allow-listed environment and one OCR thread', async () => {
    process.env.SOHOA_OCR_TEST_LEAK = 'secret';
    try {
      const cmd = fakeTesseract('echo "station vars: $(env | grep -c "^SOHOA_")" >&2; echo "threads: $OMP_THREAD_LIMIT" >&2; exit 1');
      await expect(ocrPage(page, { lang: 'vie', command: cmd })).rejects.toMatchObject({
        code: 'OCR_FAILED',
        message: expect.stringMatching(/station vars: 0\s+threads: 1/),
      });
    } finally {
      delete process.env.SOHOA_OCR_TEST_LEAK;
    }
  });

  it('reads the TSV tesseract writes to stdout', async () => {
    const tsv = ['level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext', '4\t1\t1\t1\t1\t0\t1\t1\t6\t4\t-1\t', '5\t1\t1\t1\t1\t1\t1\t1\t6\t4\t96\tXin'].join('\\n');
    const cmd = fakeTesseract(`printf '${tsv}\\n'`);
    const r = await ocrPage(page, { lang: 'vie', command: cmd });
    expect(r.words.map((w) => w.text)).toEqual(['Xin']);
  });

  it('says TOOL_MISSING when tesseract is not installed and OCR_FAILED when it hangs', async () => {
    await expect(ocrPage(page, { lang: 'vie', command: join(dir, 'no-such-tesseract') })).rejects.toMatchObject({ code: 'TOOL_MISSING', details: { tool: 'tesseract', lang: 'vie' } });
    await expect(ocrPage(page, { lang: 'vie', command: fakeTesseract('exec sleep 30'), timeoutMs: 500 })).rejects.toMatchObject({ code: 'OCR_FAILED', message: expect.stringContaining('no answer within 500 ms') });
  });
});
