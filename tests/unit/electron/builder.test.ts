import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { ROOT } from '../../helpers/cli';

interface BuilderConfig {
  appId: string;
  files: unknown;
  asarUnpack: string[];
  directories: { buildResources: string };
  win: { target: { target: string; arch: string[] }[] };
  nsis: { oneClick: boolean; perMachine: boolean; include: string };
  linux: { target: string[] };
  deb: { depends: string[]; afterInstall: string };
}

// electron-builder's own loader (the same code path a packaging run takes).
const config = (await getConfig(ROOT, join(ROOT, 'electron-builder.yml'), null)) as unknown as BuilderConfig;
const quiet = { add: () => undefined, isEnabled: false } as unknown as Parameters<typeof validateConfiguration>[1];

/** electron-builder cannot build here (no downloads): its own schema validation is what we can run. */
describe('electron-builder.yml', () => {
  it("passes electron-builder's own configuration validation", async () => {
    await expect(validateConfiguration(structuredClone(config) as never, quiet)).resolves.toBeUndefined();
    // …and the validation really checks: an unknown key is refused.
    await expect(validateConfiguration({ ...structuredClone(config), nsis: { ...config.nsis, perMachin: true } } as never, quiet)).rejects.toThrow(/Invalid configuration object/);
  });

  it('Windows: NSIS, per machine, not one-click (silent /S works for IT), include file present', () => {
    expect(config.win.target.map((t) => t.target)).toEqual(['nsis']);
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: true });
    const nsh = readFileSync(join(ROOT, config.nsis.include), 'utf8');
    expect(nsh).toMatch(/!macro customInstall/);
    expect(nsh).toMatch(/station-config\.json/);
  });

  it('Linux: deb and AppImage, with the runtime tools as dependencies', () => {
    expect(config.linux.target).toEqual(['deb', 'AppImage']);
    expect(config.deb.depends).toContain('sane-utils');
    expect(existsSync(join(ROOT, config.deb.afterInstall))).toBe(true);
  });

  it('ships the built app, migrations and resources, with native modules outside the asar', () => {
    const files = JSON.stringify(config.files);
    for (const f of ['dist/**/*', 'migrations/**/*', 'resources/**/*']) expect(files).toContain(f);
    for (const m of ['better-sqlite3', 'better-sqlite3-multiple-ciphers', 'sharp', 'pkcs11js']) expect(config.asarUnpack.some((p) => p.includes(m)), m).toBe(true);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('dist/electron/main/main.js');
  });
});
