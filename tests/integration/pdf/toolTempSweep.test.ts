import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { killOrphans } from '../../../native-bridge/processes';
import { sweepStaleTempDirs } from '../../../native-bridge/process/privateTemp';
import { Station } from '../../../electron/core/station/station';
import { ROOT, SOHOA_BIN } from '../../helpers/cli';
import { tempDir } from '../../helpers/tmp';
import { until } from '../../helpers/until';

const OWNED = /^sohoa-tool-preflight-(\d+)-/;

/** Opens a station with the OS temp folder pointed at `tmp` (the sweep at start reads it). */
async function startStationWithTmp(tmp: string): Promise<void> {
  const before = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  let st: Station;
  try {
    st = Station.open({ dataDir: tempDir('sohoa-sweep-data-'), holder: 'test' });
  } finally {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
  }
  await st.close();
}

describe("sweep of the tools' private temp folders after a crash", () => {
  it('a Preflight run killed with SIGKILL leaves its plaintext folder; the next start removes it and nothing else', async () => {
    const tmp = tempDir('sohoa-sweep-tmp-');
    const work = tempDir('sohoa-sweep-work-');
    const pdf = join(work, 'citizen.pdf');
    const doc = await PDFDocument.create();
    doc.addPage([200, 200]);
    writeFileSync(pdf, await doc.save());

    const child = spawn(process.execPath, [SOHOA_BIN, 'validate', pdf], { cwd: ROOT, env: { ...process.env, TMPDIR: tmp }, stdio: 'ignore', detached: true });
    const exited = new Promise((r) => child.once('exit', r));
    // The folder of this run exists and holds the list of files (paths of citizens' documents) while Java works.
    const name = await until('the preflight folder', () => readdirSync(tmp).find((n) => OWNED.test(n) && existsSync(join(tmp, n, 'files.txt'))));
    const crashed = join(tmp, name);
    process.kill(-child.pid!, 'SIGKILL'); // the whole CLI (a crash), not its tools
    await exited;
    await killOrphans('java', crashed); // the orphaned JVM (its own group) must not outlive the test
    expect(existsSync(crashed)).toBe(true);

    // Beside it: a folder of a live process (this one) and folders that are not the station's.
    const live = join(tmp, `sohoa-tool-upload-${process.pid}-abcDEF`);
    const foreign = join(tmp, 'sohoa-test-keepme');
    const freshLegacy = join(tmp, 'sohoa-ocr-Ab12Cd');
    for (const d of [live, foreign, freshLegacy]) mkdirSync(d, { mode: 0o700 });

    await startStationWithTmp(tmp);
    expect(existsSync(crashed)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(foreign)).toBe(true);
    expect(existsSync(freshLegacy)).toBe(true); // an old-style name: only by age
  });

  it('removes an old-style folder only after an hour, and a folder of a live pid only after a day', () => {
    const tmp = tempDir('sohoa-sweep-age-');
    const legacy = join(tmp, 'sohoa-preflight-Zx9Yw8');
    const reused = join(tmp, `sohoa-tool-ocr-${process.pid}-Qq1Ww2`);
    for (const d of [legacy, reused]) mkdirSync(d, { mode: 0o700 });
    const now = Date.now();
    expect(sweepStaleTempDirs({ dir: tmp, now })).toEqual([]);
    const twoHours = new Date(now - 2 * 3600_000);
    utimesSync(legacy, twoHours, twoHours);
    utimesSync(reused, twoHours, twoHours);
    expect(sweepStaleTempDirs({ dir: tmp, now })).toEqual([legacy]);
    const twoDays = new Date(now - 48 * 3600_000);
    utimesSync(reused, twoDays, twoDays);
    expect(sweepStaleTempDirs({ dir: tmp, now })).toEqual([reused]);
  });
});
