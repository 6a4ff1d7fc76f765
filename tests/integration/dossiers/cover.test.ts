import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { preflightFiles } from '../../../electron/core/pdf/preflight';
import { runCli } from '../../helpers/cli';
import { cliSignIn } from '../../helpers/session';
import { tempDir } from '../../helpers/tmp';

/** What an independent reader (Debian's zbarimg) reads from a page image. */
function zbar(png: string): string[] {
  const out = execFileSync('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', png], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.trim() !== '');
}

/** The sheet as a reader meets it: printed and scanned back at 200 dpi, by poppler and by Ghostscript. */
function renders(pdf: string, dir: string): string[] {
  execFileSync('pdftoppm', ['-r', '200', '-gray', '-png', pdf, join(dir, 'poppler')]);
  execFileSync('gs', ['-q', '-dSAFER', '-dBATCH', '-dNOPAUSE', '-sDEVICE=pnggray', '-r200', `-sOutputFile=${join(dir, 'gs-%d.png')}`, pdf], { env: { ...process.env, TZ: 'Asia/Ho_Chi_Minh' } });
  return readdirSync(dir).filter((f) => f.endsWith('.png')).map((f) => join(dir, f));
}

describe('receipt cover and separator sheets', () => {
  it('`sohoa cover DRAFT` writes a PDF/A-1b sheet whose QR zbarimg reads as the draft id, in poppler and Ghostscript renders', async () => {
    const dataDir = tempDir('sohoa-cover-');
    const env = { SOHOA_DATA_DIR: dataDir };
    cliSignIn(dataDir);
    const created = runCli(['dossier', 'create', '--procedure', '1.001193', '--owner', '079203004567', '--owner-name', 'Trần Văn An', '--json'], env);
    expect(created.code, created.stderr).toBe(0);
    const d = JSON.parse(created.stdout) as { id: string; components: { id: string; typeCode: string }[] };
    const work = tempDir();
    const cover = join(work, 'cover.pdf');
    const r = runCli(['cover', d.id, '--out', cover, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const sep = join(work, 'sep.pdf');
    const comp = d.components[0]!;
    expect(runCli(['cover', d.id, '--component', comp.id, '--out', sep], env).code).toBe(0);

    const [pfCover, pfSep] = await preflightFiles([cover, sep]);
    expect(pfCover).toMatchObject({ valid: true, errors: [] });
    expect(pfSep).toMatchObject({ valid: true, errors: [] });

    const coverPngs = renders(cover, tempDir());
    expect(coverPngs).toHaveLength(2);
    for (const png of coverPngs) expect(zbar(png), png).toEqual([`SOHOA1:D:${d.id}`]);
    for (const png of renders(sep, tempDir())) expect(zbar(png), png).toEqual([`SOHOA1:C:${d.id}:${comp.id}`]);

    // The sheet says in words what it is, readable by OCR (Vietnamese, with tone marks).
    const text = execFileSync('tesseract', [coverPngs[0]!, '-', '-l', 'vie', '--psm', '4'], { encoding: 'utf8' }).normalize('NFC');
    expect(text).toContain('PHIẾU KIỂM SOÁT HỒ SƠ');
    expect(text).toContain('Trần Văn An');
    expect(text).not.toContain('079203004567'); // the sheet masks the CCCD
  });

  it('refuses an unknown component with a coded error and writes nothing', () => {
    const dataDir = tempDir('sohoa-cover-bad-');
    const env = { SOHOA_DATA_DIR: dataDir };
    cliSignIn(dataDir);
    const d = JSON.parse(runCli(['dossier', 'create', '--procedure', '1.001193', '--owner', '079203004567', '--json'], env).stdout) as { id: string };
    const out = join(tempDir(), 'x.pdf');
    const r = runCli(['cover', d.id, '--component', '01J00000000000000000000000', '--out', out, '--json'], env);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
