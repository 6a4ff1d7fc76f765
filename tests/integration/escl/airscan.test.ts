import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { cornerColour, identifyColour, pageColour } from '../../escl-scanner/pages';
import { startEsclScanner, type EsclScanner, type ServedPage } from '../../escl-scanner/server';
import { ROOT } from '../../helpers/cli';
import { tempDir } from '../../helpers/tmp';

/**
 * The virtual eSCL scanner checked by an independent client: Debian's sane-airscan, through scanimage, with a
 * private SANE config (dll.conf = airscan, airscan.conf naming the server, discovery off).
 */

let child: ChildProcess | undefined;
let inProcess: EsclScanner | undefined;
afterEach(async () => {
  if (child?.pid !== undefined && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    process.kill(-child.pid, 'SIGTERM');
    await exited;
  }
  child = undefined;
  await inProcess?.close();
  inProcess = undefined;
});

/** Starts `npm run escl-scanner -- --port 0 --json ARGS` (the documented command) and waits for its URL. */
async function startScannerCommand(args: string[]): Promise<{ port: number; served: ServedPage[] }> {
  child = spawn('npm', ['run', '--silent', 'escl-scanner', '--', '--port', '0', '--json', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const served: ServedPage[] = [];
  let port = 0;
  let buf = '';
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  await new Promise<void>((resolve, reject) => {
    child!.once('exit', (code) => reject(new Error(`escl-scanner exited ${code}: ${stderr}`)));
    child!.stdout?.on('data', (c: Buffer) => {
      buf += c.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = JSON.parse(buf.slice(0, nl)) as { port?: number; served?: ServedPage };
        buf = buf.slice(nl + 1);
        if (line.port) {
          port = line.port;
          resolve();
        }
        if (line.served) served.push(line.served);
      }
    });
  });
  return { port, served };
}

function saneConfig(port: number): string {
  const dir = tempDir('sohoa-airscan-');
  writeFileSync(join(dir, 'dll.conf'), 'airscan\n');
  writeFileSync(join(dir, 'airscan.conf'), `[devices]\n"Virtual" = http://127.0.0.1:${port}/eSCL, eSCL\n\n[options]\ndiscovery = disable\n`);
  return dir;
}

const DEVICE = 'airscan:e0:Virtual';

/** Runs scanimage asynchronously (an in-process server must keep answering meanwhile). */
function scanimage(configDir: string, args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn('scanimage', ['-d', DEVICE, ...args], { cwd, env: { ...process.env, SANE_CONFIG_DIR: configDir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    c.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function batch(configDir: string, out: string, source: string, extra: string[] = []): Promise<{ code: number | null; files: string[]; stderr: string }> {
  const r = await scanimage(configDir, ['--source', source, '--mode', 'Color', '--resolution', '75', '--format=png', '--batch=p%03d.png', '--batch-print', ...extra], out);
  const files = readdirSync(out).filter((f) => /^p\d{3}\.png$/.test(f)).sort();
  return { code: r.code, files: files.map((f) => join(out, f)), stderr: r.stderr };
}

async function identify(files: string[], sheets: number): Promise<string[]> {
  const out: string[] = [];
  for (const f of files) {
    const id = identifyColour(await cornerColour(f), sheets);
    expect(id.distance, `${f} matches no served page colour`).toBeLessThan(20);
    out.push(`${id.sheet}${id.side === 'front' ? 'F' : 'B'}`);
  }
  return out;
}

describe('virtual eSCL scanner through sane-airscan', () => {
  it('shows its options to `scanimage -A` and returns exactly the served pages, in order, for `--source "ADF Duplex" --batch`', async () => {
    const { port, served } = await startScannerCommand(['--sheets', '4']);
    const conf = saneConfig(port);
    const out = tempDir('sohoa-airscan-out-');
    const a = await scanimage(conf, ['-A'], out);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toMatch(/--source Flatbed\|ADF\|ADF Duplex/);
    expect(a.stdout).toMatch(/--mode Color\|Gray/);
    expect(a.stdout).toMatch(/--resolution [\d|]*\b200\b[\d|]*dpi/);

    const r = await batch(conf, out, 'ADF Duplex');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Batch terminated, 8 pages scanned/);
    expect(await identify(r.files, 4)).toEqual(['1F', '1B', '2F', '2B', '3F', '3B', '4F', '4B']);
    // The server's own log says the same: 8 pages, sheet by sheet, front before back.
    expect(served.map((p) => `${p.sheet}${p.side === 'front' ? 'F' : 'B'}`)).toEqual(['1F', '1B', '2F', '2B', '3F', '3B', '4F', '4B']);
    // 75 dpi of the default window (2550 × 3508 / 300 in; airscan rounds the width down).
    const meta = await sharp(r.files[0]!).metadata();
    expect([meta.width, meta.height]).toEqual([637, 877]);
  });

  it('serves a folder of page images in name order, simplex and duplex, until they are used up', async () => {
    const dir = tempDir('sohoa-escl-pages-');
    // Out of lexical order on purpose: page10 comes after page9.
    const names = ['page1.png', 'page2.png', 'page9.png', 'page10.png'];
    for (const [i, n] of names.entries()) {
      const [r, g, b] = pageColour(i + 1, 'front');
      await sharp({ create: { width: 255, height: 351, channels: 3, background: { r, g, b } } }).png().toFile(join(dir, n));
    }
    inProcess = await startEsclScanner({ pagesDir: dir });
    const out = tempDir('sohoa-airscan-out-');
    const r = await batch(saneConfig(inProcess.port), out, 'ADF');
    expect(r.code, r.stderr).toBe(0);
    expect(await identify(r.files, 4)).toEqual(['1F', '2F', '3F', '4F']);
    expect(inProcess.served.map((p) => p.file?.split('/').at(-1))).toEqual(names);
    // Duplex takes two images a sheet: the same four images are two sheets, front and back.
    inProcess.reload();
    const out2 = tempDir('sohoa-airscan-out-');
    const d = await batch(saneConfig(inProcess.port), out2, 'ADF Duplex');
    expect(d.code, d.stderr).toBe(0);
    expect(await identify(d.files, 4)).toEqual(['1F', '2F', '3F', '4F']);
    expect(inProcess.served.slice(4).map((p) => `${p.sheet}${p.side}`)).toEqual(['1front', '1back', '2front', '2back']);
  });

  it('reports its faults as sane-airscan maps them: jam (exit 6) after the sheets before it, cover open (exit 8), empty feeder (no page)', async () => {
    inProcess = await startEsclScanner({ sheets: 5, faults: [{ kind: 'jam', sheet: 3 }] });
    const conf = saneConfig(inProcess.port);
    const out = tempDir('sohoa-airscan-out-');
    const jam = await batch(conf, out, 'ADF');
    expect(jam.code, jam.stderr).toBe(6);
    expect(jam.stderr).toMatch(/jammed/i);
    expect(await identify(jam.files, 5)).toEqual(['1F', '2F']);

    inProcess.addFault({ kind: 'cover-open', sheet: 3 });
    const out2 = tempDir('sohoa-airscan-out-');
    const cover = await batch(conf, out2, 'ADF');
    expect(cover.code, cover.stderr).toBe(8);
    expect(cover.files).toEqual([]);

    // The clerk closed the cover: the rest of the stack comes through, in order.
    const out3 = tempDir('sohoa-airscan-out-');
    const rest = await batch(conf, out3, 'ADF');
    expect(rest.code, rest.stderr).toBe(0);
    expect(await identify(rest.files, 5)).toEqual(['3F', '4F', '5F']);

    inProcess.addFault({ kind: 'feeder-empty' });
    const out4 = tempDir('sohoa-airscan-out-');
    const empty = await batch(conf, out4, 'ADF');
    expect(empty.files).toEqual([]);
    expect(empty.stderr).toMatch(/out of documents/i);
  });

  it('scans the flatbed once', async () => {
    inProcess = await startEsclScanner({});
    const out = tempDir('sohoa-airscan-out-');
    const r = await scanimage(saneConfig(inProcess.port), ['--source', 'Flatbed', '--resolution', '75', '--format=png', '-o', 'flat.png'], out);
    expect(r.code, r.stderr).toBe(0);
    expect(inProcess.served.map((p) => p.side)).toEqual(['platen']);
    const meta = await sharp(join(out, 'flat.png')).metadata();
    expect(meta.width).toBe(637);
  });
});
