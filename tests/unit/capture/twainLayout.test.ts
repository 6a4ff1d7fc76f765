import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/tmp';
import { ensureBuilt, HELPERS_DIR, ROOT } from '../../fixtures/twain/rig';

/**
 * The 32-bit TWAIN helper cannot run here (no 32-bit Wine): its struct layouts are checked by the compiler.
 * twainDefs.h holds _Static_asserts of the Windows packing-2 sizes and offsets; compiling it with each
 * mingw-w64 compiler proves them for that target, and the natural-packing probe shows the asserts do bite.
 */
const COMPILERS = { x86: 'i686-w64-mingw32-gcc', x64: 'x86_64-w64-mingw32-gcc' } as const;

function compileProbe(cc: string, defines: string[]): { status: number | null; stderr: string } {
  const dir = tempDir('sohoa-twain-layout-');
  const src = join(dir, 'probe.c');
  writeFileSync(src, '#include "twainDefs.h"\nint probe(void) { return (int)sizeof(TW_IDENTITY); }\n');
  const r = spawnSync(cc, ['-std=c11', '-fsyntax-only', `-I${join(ROOT, 'native-bridge/windows/twain')}`, ...defines, src], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

describe('TWAIN structure layout (Windows packing 2), checked by both mingw-w64 compilers', () => {
  for (const [arch, cc] of Object.entries(COMPILERS)) {
    it(`${arch}: TW_IDENTITY is 156 bytes and TW_IMAGEINFO 42 (static asserts hold)`, () => {
      const r = compileProbe(cc, []);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }, 120_000);

    it(`${arch}: natural packing breaks the asserts (they are not vacuous)`, () => {
      const r = compileProbe(cc, ['-DSOHOA_TWAIN_PACK_PROBE']);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('TW_IDENTITY must be 156 bytes');
      expect(r.stderr).toContain('TW_IMAGEINFO must be 42 bytes');
    }, 120_000);
  }

  it('the build produces a 32-bit (i386) and a 64-bit (x86-64) helper executable', () => {
    ensureBuilt();
    const machine = (file: string): number => {
      const b = readFileSync(join(HELPERS_DIR, file));
      const pe = b.readUInt32LE(0x3c);
      expect(b.toString('latin1', pe, pe + 4)).toBe('PE\0\0');
      return b.readUInt16LE(pe + 4);
    };
    expect(machine('sohoa-twain-x86.exe')).toBe(0x14c);
    expect(machine('sohoa-twain-x64.exe')).toBe(0x8664);
  }, 300_000); // may build the helpers first (mingw, 2 shared cores)
});
