import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StationClient } from '../../../electron/common/api';
import type { ImportedDocument } from '../../../electron/common/importing';
import type { Dossier } from '../../../electron/common/schemas';
import { StationError } from '../../../electron/common/errors';
import { IMPORT_LIMITS } from '../../../electron/common/importing';
import { importFile } from '../../../electron/core/importing/importFile';
import { preflightFiles } from '../../../electron/core/pdf/preflight';
import { createStationServices } from '../../../electron/core/service/stationServices';
import { Station } from '../../../electron/core/station/station';
import { sql } from '../../../electron/core/store/sql';
import { textPdf, writeImportFiles, type ImportFiles } from '../../fixtures/import/files';
import { cliSignIn, signedInClient } from '../../helpers/session';
import { runCli } from '../../helpers/cli';
import { plainBlobCopy } from '../../helpers/stationDb';
import { tempDir } from '../../helpers/tmp';

let root: string;
let station: Station;
let client: StationClient;
let files: ImportFiles;
let dossier: Dossier;

const componentId = (code: string): string => dossier.components.find((c) => c.typeCode === code)!.id;

function counts(): { documents: number; blobs: number; audit: number; blobFiles: number; tmp: string[] } {
  const n = (q: string): number => station.store.get<{ n: number }>(sql`SELECT count(*) AS n FROM ${{ text: q, values: [] }}`)!.n;
  let blobFiles = 0;
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else blobFiles++;
    }
  };
  walk(station.layout.blobs);
  return { documents: n('document'), blobs: n('blob'), audit: n('audit_event'), blobFiles, tmp: readdirSync(station.layout.tmp) };
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'sohoa-import-'));
  mkdirSync(join(root, 'files'));
  files = await writeImportFiles(join(root, 'files'));
  station = Station.open({ dataDir: join(root, 'data'), holder: 'test' });
  client = await signedInClient(station, createStationServices(station).dispatcher, 'clerk');
  const r = await client.call('dossiers.create', { procedureCode: '1.001193', ownerId: '001086012345', ownerName: 'Nguyễn Thị Hồng Nhung' });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  dossier = r.value;
});

afterAll(async () => {
  await station?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('documents.import', () => {
  it('imports PDFs and images as PDF/A-1b documents that pass PDFBox Preflight, keeping the original bytes', async () => {
    const expected: Record<string, { kind: string; pages: number }> = {
      pdf: { kind: 'pdf', pages: 2 },
      pdfBrokenXref: { kind: 'pdf', pages: 2 },
      pdfOwnerRestricted: { kind: 'pdf', pages: 2 },
      jpeg: { kind: 'jpeg', pages: 1 },
      pngAlpha: { kind: 'png', pages: 1 },
      tiffG4: { kind: 'tiff', pages: 1 },
      tiffMultiPage: { kind: 'tiff', pages: 2 },
      pdfNamedJpeg: { kind: 'jpeg', pages: 1 },
    };
    const done: ImportedDocument[] = [];
    for (const [name, path] of Object.entries(files.good)) {
      const r = await client.call('documents.import', { componentId: componentId('KS-TK'), path });
      expect(r.ok, `${name}: ${JSON.stringify(r.ok ? '' : r.error)}`).toBe(true);
      if (!r.ok) continue;
      expect({ name, kind: r.value.kind, pages: r.value.pageCount }).toEqual({ name, kind: expected[name]!.kind, pages: expected[name]!.pages });
      expect(station.blobs.get(r.value.originalSha256, { verify: true }).equals(readFileSync(path))).toBe(true);
      expect(station.blobs.get(r.value.sha256).subarray(0, 5).toString()).toBe('%PDF-');
      done.push(r.value);
    }
    expect(done.find((d) => d.kind === 'pdf' && d.warnings.some((w) => /cross-reference/.test(w)))).toBeDefined();
    expect(done.find((d) => d.warnings.some((w) => /owner-password/.test(w)))).toBeDefined();
    const rows = station.store.all<{ source: string; pdfa_level: string; original_sha256: string; file_name: string }>(
      sql`SELECT source, pdfa_level, original_sha256, file_name FROM document WHERE component_id = ${componentId('KS-TK')}`,
    );
    expect(rows).toHaveLength(done.length);
    expect(rows.every((r) => r.source === 'import' && r.pdfa_level === '1b' && r.original_sha256 !== null)).toBe(true);
    expect(rows.map((r) => r.file_name)).toContain('đơn đề nghị.pdf');
    const comp = await client.call('dossiers.get', { id: dossier.id });
    expect(comp.ok && comp.value.components.find((c) => c.typeCode === 'KS-TK')!.digitised).toBe(true);

    // One JVM for every output, plus a plain (non-PDF/A) original the validator must reject.
    const plainDir = tempDir('sohoa-import-out-'); // blobs are encrypted at rest
    const outputs = done.map((d) => plainBlobCopy(station.layout.root, d.sha256, plainDir));
    const results = await preflightFiles([...outputs, files.good.pdf]);
    for (const r of results.slice(0, -1)) expect({ file: r.file, valid: r.valid, errors: r.errors }).toEqual({ file: r.file, valid: true, errors: [] });
    expect(results.at(-1)!.valid).toBe(false);
  });

  it('refuses each hostile or broken file with its own code and leaves the dossier untouched', async () => {
    const before = counts();
    const got: Record<string, string> = {};
    const want: Record<string, string> = {};
    for (const [name, { path, code }] of Object.entries(files.bad)) {
      const r = await client.call('documents.import', { componentId: componentId('KS-GCS'), path });
      got[name] = r.ok ? 'imported' : r.error.code;
      want[name] = code;
    }
    expect(got).toEqual(want);
    const after = counts();
    expect(after).toEqual({ ...before, tmp: [] });
  });

  it('refuses files above the size limits before reading them as PDF or image', async () => {
    const before = counts();
    const codeOf = async (p: Promise<unknown>): Promise<string> => p.then(() => 'imported', (e: unknown) => (e instanceof StationError ? e.code : String(e)));
    const small = { ...IMPORT_LIMITS, maxImageFileBytes: 10_000, maxFileBytes: 1_000 };
    expect(await codeOf(importFile(station, { componentId: componentId('KS-GCS'), path: files.good.jpeg }, small))).toBe('FILE_TOO_LARGE');
    expect(await codeOf(importFile(station, { componentId: componentId('KS-GCS'), path: files.good.pdf }, small))).toBe('FILE_TOO_LARGE');
    expect(counts()).toEqual({ ...before, tmp: [] });
  });

  it('sanitises traversal, markup and right-to-left names, and refuses a name with nothing usable', async () => {
    const r = await client.call('documents.import', { componentId: componentId('KS-UQ'), path: files.good.jpeg, fileName: '../../..\\etc/<b>giấy\u202Eủy quyền</b>.jpg' });
    expect(r.ok && { name: r.value.fileName, changed: r.value.fileNameChanged }).toEqual({ name: 'giấyủy quyền.jpg', changed: true });
    const bad = await client.call('documents.import', { componentId: componentId('KS-UQ'), path: files.good.jpeg, fileName: '../..' });
    expect(!bad.ok && bad.error.code).toBe('FILE_NAME_INVALID');
  });

  it('refuses what is not a regular readable file, the station\'s own files, and unknown components', async () => {
    const cases: [string, string][] = [
      [files.dir, 'INVALID_REQUEST'],
      ['/dev/zero', 'INVALID_REQUEST'],
      [join(files.dir, 'no-such-file.pdf'), 'NOT_FOUND'],
    ];
    for (const [path, code] of cases) {
      const r = await client.call('documents.import', { componentId: componentId('KS-TK'), path });
      expect(!r.ok && r.error.code, path).toBe(code);
    }
    const own = await client.call('documents.import', { componentId: componentId('KS-TK'), path: join(station.layout.root, 'station.db') });
    expect(!own.ok && own.error.code).toBe('FORBIDDEN');
    const r = await client.call('documents.import', { componentId: '01ARZ3NDEKTSV4RRFFQ69G5FAV', path: files.good.pdf });
    expect(!r.ok && r.error.code).toBe('NOT_FOUND');
  });

  it('normalises a 2 000-page PDF (the limit) without the service process growing with it', async () => {
    const path = join(files.dir, '2000-pages.pdf');
    writeFileSync(path, await textPdf(2000, 'Ho so dai'));
    const before = process.memoryUsage().rss;
    const r = await client.call('documents.import', { componentId: componentId('KS-UQ'), path });
    const grown = (process.memoryUsage().rss - before) / 1024 ** 2;
    expect(r.ok && r.value.pageCount).toBe(2000);
    expect(grown).toBeLessThan(150); // qpdf's JSON dump is read line by line; Ghostscript is another process
  });

  it('stores one document when a retried call carries the same idempotency key', async () => {
    const before = counts().documents;
    const p = { componentId: componentId('KS-UQ'), path: files.good.pngAlpha, idempotencyKey: 'import-retry-0001' };
    const a = await client.call('documents.import', p);
    const b = await client.call('documents.import', p);
    expect(a.ok && b.ok && a.value.documentId === b.value.documentId).toBe(true);
    expect(counts().documents).toBe(before + 1);
  });

  it('refuses to change a dossier that is already queued for sending', async () => {
    const r = await client.call('dossiers.create', { procedureCode: '1.001193', ownerId: '001086099999' });
    if (!r.ok) throw new Error('dossier');
    station.store.run(sql`UPDATE dossier SET state = 'queued' WHERE id = ${r.value.id}`);
    const imp = await client.call('documents.import', { componentId: r.value.components[0]!.id, path: files.good.pdf });
    expect(!imp.ok && imp.error.code).toBe('CONFLICT');
  });
});

describe('sohoa import (CLI)', () => {
  it('imports by component code with --json, and exits 1 with the code on a JavaScript PDF', async () => {
    const dataDir = join(root, 'cli-data');
    const env = { SOHOA_DATA_DIR: dataDir };
    cliSignIn(dataDir);
    const created = runCli(['dossier', 'create', '--procedure', '1.001193', '--owner', '001086012345', '--json'], env);
    expect(created.code, created.stderr).toBe(0);
    const d = JSON.parse(created.stdout) as Dossier;
    const ok = runCli(['import', files.good.pdf, '--dossier', d.id, '--component', 'KS-TK', '--json'], env);
    expect(ok.code, ok.stderr).toBe(0);
    const v = JSON.parse(ok.stdout) as ImportedDocument;
    expect({ kind: v.kind, pages: v.pageCount, level: v.pdfaLevel, component: v.componentId }).toEqual({
      kind: 'pdf',
      pages: 2,
      level: '1b',
      component: d.components.find((c) => c.typeCode === 'KS-TK')!.id,
    });
    const js = runCli(['import', files.bad.pdfJavascript!.path, '--dossier', d.id, '--component', 'KS-TK', '--json'], env);
    expect(js.code).toBe(1);
    expect((JSON.parse(js.stdout) as { error: { code: string } }).error.code).toBe('PDF_JAVASCRIPT');
    const human = runCli(['import', files.bad.pdfEncrypted!.path, '--dossier', d.id, '--component', 'KS-TK'], env);
    expect(human.code).toBe(1);
    expect(human.stderr).toMatch(/PDF_ENCRYPTED/);
    const noComp = runCli(['import', files.good.pdf, '--dossier', d.id, '--component', 'NOPE'], env);
    expect(noComp.code).toBe(1);
    const usage = runCli(['import', files.good.pdf, '--dossier', d.id], env);
    expect(usage.code).toBe(2);
  });
});
