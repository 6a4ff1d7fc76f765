import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** The NSIS additions cannot run here (no Windows, no NSIS): their commands are checked as text. */
const nsh = readFileSync(new URL('../../../resources/installer/installer.nsh', import.meta.url), 'utf8');

describe('installer ACL of the data directory (NSIS script read as text; Windows did not run here)', () => {
  it('creates the local group SoHoa Station Users and grants it, not BUILTIN\\Users, modify rights', () => {
    expect(nsh).toContain('net localgroup "SoHoa Station Users" /add');
    const icacls = nsh.split('\n').find((l) => l.includes('icacls'))!;
    expect(icacls).toContain('/inheritance:r');
    expect(icacls).toContain('"SoHoa Station Users:(OI)(CI)M"');
    expect(icacls).not.toMatch(/S-1-5-32-545|(?<!Station )Users:\(|Everyone/);
    // The group exists before icacls names it.
    expect(nsh.indexOf('net localgroup')).toBeLessThan(nsh.indexOf('icacls'));
  });
});
