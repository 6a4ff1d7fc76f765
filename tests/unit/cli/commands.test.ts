import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../electron/cli/commands/index';

describe('the lazy command list', () => {
  it('loads, for every name, the command of that name (a renamed or mis-wired entry fails here)', async () => {
    const names = COMMANDS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const entry of COMMANDS) {
      const command = await entry.load();
      expect(command.name).toBe(entry.name);
      expect(typeof command.run).toBe('function');
    }
  });
});
