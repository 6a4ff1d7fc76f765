import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../electron/cli/commands/index';

describe('the lazy command list', () => {
  it('names each command once', () => {
    const names = COMMANDS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
  });

  // One test per command: loading (and transforming) every command module in one test took 20 s on a busy
  // machine — the `devices` command alone pulls in most of the core.
  it.each(COMMANDS.map((c) => [c.name, c] as const))('loads the command named %s (a renamed or mis-wired entry fails here)', async (name, entry) => {
    const command = await entry.load();
    expect(command.name).toBe(name);
    expect(typeof command.run).toBe('function');
  });
});
