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

describe('layer rules added with the consolidation (issue 11)', () => {
  const restricted = (msgs: string[]): string[] => msgs.filter((m) => m.startsWith('no-restricted-imports'));

  it('rejects native-bridge importing electron/core (drivers get their logger passed in)', async () => {
    expect(restricted(await lintAs('native-bridge-imports-core.ts', 'native-bridge/sane/fixture.ts')).some((m) => m.includes('native-bridge must not import electron/core'))).toBe(true);
    expect(restricted(await lintAs('native-bridge-imports-core.ts', 'native-bridge/fixture.ts')).length).toBeGreaterThan(0);
  });

  it('rejects store/ and the PDF writer importing station/', async () => {
    for (const p of ['electron/core/store/fixture.ts', 'electron/core/pdf/fixture.ts']) {
      expect(restricted(await lintAs('lower-imports-station.ts', p)).some((m) => m.includes('must not import station/')), p).toBe(true);
    }
    // The station itself may use its own folder.
    expect(restricted(await lintAs('lower-imports-station.ts', 'electron/core/capture/fixture.ts'))).toEqual([]);
  });

  it('rejects SQL (the sql template, better-sqlite3) outside electron/core/store', async () => {
    for (const p of ['electron/core/service/fixture.ts', 'electron/core/station/fixture.ts', 'native-bridge/fixture.ts', 'electron/core/pdf/fixture.ts']) {
      const msgs = restricted(await lintAs('sql-outside-store.ts', p));
      expect(msgs.filter((m) => m.includes('SQL lives in electron/core/store')).length, p).toBe(3);
    }
    // Inside the store, and the data-directory lock (SQLite as a file lock), it is allowed.
    expect(restricted(await lintAs('sql-outside-store.ts', 'electron/core/store/fixture.ts'))).toEqual([]);
    expect(restricted(await lintAs('sql-outside-store.ts', 'electron/core/station/lock.ts'))).toEqual([]);
  });

  it('rejects imaging importing pdf/ (or any folder that builds on it); pdf/ may import imaging', async () => {
    const msgs = restricted(await lintAs('imaging-imports-pdf.ts', 'electron/core/imaging/fixture.ts'));
    expect(msgs.filter((m) => m.includes('imaging/ sits below pdf/')).length).toBe(2);
    expect(restricted(await lintAs('imaging-imports-pdf.ts', 'electron/core/capture/fixture.ts'))).toEqual([]);
    expect(restricted(await lintAs('imaging-imports-pdf.ts', 'electron/core/pdf/fixture.ts'))).toEqual([]);
  });

  it('rejects child_process outside the process runner (native-bridge/process), in the service, the drivers and the shell', async () => {
    const runnerRule = (msgs: string[]): string[] => msgs.filter((m) => m.startsWith('@typescript-eslint/no-restricted-imports') && m.includes('native-bridge/process/run.ts'));
    for (const p of ['electron/core/pdf/fixture.ts', 'electron/core/security/fixture.ts', 'electron/core/station/fixture.ts', 'native-bridge/windows/fixture.ts', 'electron/main/fixture.ts', 'electron/cli/fixture.ts']) {
      expect(runnerRule(await lintAs('child-process-outside-runner.ts', p)).length, p).toBe(2);
    }
    expect(runnerRule(await lintAs('child-process-outside-runner.ts', 'native-bridge/process/fixture.ts'))).toEqual([]);
  });
});
