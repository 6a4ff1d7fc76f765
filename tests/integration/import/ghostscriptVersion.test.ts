import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertGhostscriptVersion, ghostscriptAcceptable, parseGhostscriptVersion } from '../../../electron/core/importing/ghostscript';
import { tempDir } from '../../helpers/tmp';

const saved = process.env.SOHOA_GS;
afterEach(() => {
  if (saved === undefined) delete process.env.SOHOA_GS;
  else process.env.SOHOA_GS = saved;
});

/** A stand-in `gs` that only answers --version (what an old installation would print). */
function fakeGs(version: string): string {
  const file = join(tempDir(), 'gs');
  writeFileSync(file, `#!/bin/sh\necho ${version}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe("Ghostscript's minimum version (the -dSAFER escapes fixed in 10.x)", () => {
  it('parses versions and applies the floor per platform: 10.0 on Linux (distributions backport), 10.03.1 on Windows', () => {
    expect(parseGhostscriptVersion('10.00.0\n')).toEqual([10, 0, 0]);
    expect(parseGhostscriptVersion('9.56')).toEqual([9, 56, 0]);
    expect(parseGhostscriptVersion('GPL Ghostscript')).toBeNull();
    expect(ghostscriptAcceptable([10, 0, 0], 'linux')).toBe(true);
    expect(ghostscriptAcceptable([9, 56, 1], 'linux')).toBe(false);
    expect(ghostscriptAcceptable([10, 2, 1], 'win32')).toBe(false);
    expect(ghostscriptAcceptable([10, 3, 1], 'win32')).toBe(true);
    expect(ghostscriptAcceptable([10, 4, 0], 'win32')).toBe(true);
  });

  it('refuses an installed Ghostscript 9.x with TOOL_TOO_OLD before any file reaches it, and accepts the machine’s own', async () => {
    process.env.SOHOA_GS = fakeGs('9.56.1');
    await expect(assertGhostscriptVersion()).rejects.toMatchObject({ code: 'TOOL_TOO_OLD', details: { version: '9.56.1' } });
    process.env.SOHOA_GS = fakeGs('garbage');
    await expect(assertGhostscriptVersion()).rejects.toMatchObject({ code: 'TOOL_TOO_OLD' });
    delete process.env.SOHOA_GS;
    await expect(assertGhostscriptVersion()).resolves.toMatch(/^10\./); // Debian 12's gs (10.0 with backported fixes)
  });
});
