import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/cli';

/** Lints fixture text as if it lived at `asPath`, with the project's real config. */
async function lintAs(fixture: string, asPath: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT });
  const code = readFileSync(join(ROOT, 'tests/fixtures/lint', fixture), 'utf8');
  const [res] = await eslint.lintText(code, { filePath: join(ROOT, asPath) });
  return (res?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('layer rules (house style)', () => {
  it("rejects `import { app } from 'electron'` inside electron/core", async () => {
    const msgs = await lintAs('core-imports-electron.ts', 'electron/core/station/fixture.ts');
    expect(msgs.some((m) => m.startsWith('no-restricted-imports') && m.includes('electron'))).toBe(true);
  });

  it('rejects electron in electron/common and native-bridge too', async () => {
    for (const p of ['electron/common/fixture.ts', 'native-bridge/fixture.ts']) {
      const msgs = await lintAs('core-imports-electron.ts', p);
      expect(msgs.some((m) => m.startsWith('no-restricted-imports')), p).toBe(true);
    }
  });

  it('allows electron in the Electron shell (electron/main)', async () => {
    const msgs = await lintAs('core-imports-electron.ts', 'electron/main/fixture.ts');
    expect(msgs.filter((m) => m.startsWith('no-restricted-imports'))).toEqual([]);
  });

  it('rejects the renderer importing the service (electron/core)', async () => {
    const msgs = await lintAs('renderer-imports-core.ts', 'renderer/src/fixture.ts');
    expect(msgs.some((m) => m.startsWith('no-restricted-imports'))).toBe(true);
  });

  it('rejects Node built-ins in electron/common', async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const [res] = await eslint.lintText("import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n", {
      filePath: join(ROOT, 'electron/common/fixture.ts'),
    });
    expect(res?.messages.some((m) => m.ruleId === 'no-restricted-imports')).toBe(true);
  });
});
