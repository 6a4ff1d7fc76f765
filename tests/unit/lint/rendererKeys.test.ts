import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/cli';

describe('renderer shortcuts rule', () => {
  const lint = async (asPath: string) => {
    const eslint = new ESLint({ cwd: ROOT });
    const code = readFileSync(join(ROOT, 'tests/fixtures/lint/renderer-window-keydown.tsx'), 'utf8');
    const [res] = await eslint.lintText(code, { filePath: join(ROOT, asPath) });
    return (res?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
  };

  it('rejects a hand-made window keydown listener in a screen (shortcuts go through useKeydown)', async () => {
    expect(await lint('renderer/src/screens/Fixture.tsx')).toEqual(['use useKeydown (renderer/src/lib/useKeydown.ts) for keyboard shortcuts.']);
  });

  it('allows it in the hook itself', async () => {
    expect(await lint('renderer/src/lib/useKeydown.ts')).toEqual([]);
  });
});
