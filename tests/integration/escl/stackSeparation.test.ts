import { execFileSync } from 'node:child_process';
import { copyFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { startEsclScanner, type EsclScanner } from '../../escl-scanner/server';
import { cornerColour, generatedPage, identifyColour } from '../../escl-scanner/pages';
import { runCliAsync } from '../../helpers/cli';
import { cliSignIn } from '../../helpers/session';
import { tempDir } from '../../helpers/tmp';
import { Station } from '../../../electron/core/station/station';
import { sql } from '../../../electron/core/store/sql';

/**
 * Must-show of issue 20: one stack for two dossiers — each behind its receipt cover sheet, one component
 * separator in the first — made from `sohoa cover` PDFs rendered to 200 dpi images, fed duplex through the
 * virtual eSCL scanner into a real station with `sohoa scan`. Every page ends in its dossier/component in
 * stack order, the cover/separator sheets and their blank backs stay as flagged records, and `sohoa assemble`
 * leaves them out of the PDFs (what poppler renders of each PDF is checked page by page).
 */
let scanner: EsclScanner | undefined;
afterEach(async () => {
  await scanner?.close();
  scanner = undefined;
});

const A4_200 = { width: 1653, height: 2339, dpi: 200, gray: false, format: 'image/png' as const };

interface Dossier {
  id: string;
  components: { id: string; kind: string }[];
}

/** A `sohoa cover` sheet as the scanner meets it: the PDF rendered at 200 dpi by poppler. */
async function coverImage(env: NodeJS.ProcessEnv, dossierId: string, componentId: string | null, dir: string, name: string): Promise<string> {
  const pdf = join(dir, `${name}.pdf`);
  const r = await runCliAsync(['cover', dossierId, '--out', pdf, ...(componentId ? ['--component', componentId] : [])], env);
  expect(r.code, r.stderr).toBe(0);
  execFileSync('pdftoppm', ['-r', '200', '-gray', '-png', '-singlefile', pdf, join(dir, name)]);
  return join(dir, `${name}.png`);
}

/** White paper with a little scanner noise: the back of a sheet printed on one side. */
async function blankBack(file: string): Promise<void> {
  const noise = await sharp({ create: { width: A4_200.width, height: A4_200.height, channels: 3, background: '#f7f7f7', noise: { type: 'gaussian', mean: 247, sigma: 3 } } }).png().toBuffer();
  writeFileSync(file, noise);
}

/** The virtual scanner's page folder: two images per sheet (front, back), in name order. */
async function stackFolder(sheets: ({ cover: string } | { content: number })[]): Promise<string> {
  const pages = tempDir('sohoa-stack-pages-');
  for (const [i, s] of sheets.entries()) {
    const n = String(i + 1).padStart(2, '0');
    if ('cover' in s) {
      copyFileSync(s.cover, join(pages, `${n}a.png`));
      await blankBack(join(pages, `${n}b.png`));
    } else {
      writeFileSync(join(pages, `${n}a.png`), await generatedPage(s.content, 'front', A4_200));
      writeFileSync(join(pages, `${n}b.png`), await generatedPage(s.content, 'back', A4_200));
    }
  }
  expect(readdirSync(pages)).toHaveLength(sheets.length * 2);
  return pages;
}

interface StoredPage {
  id: string;
  seq: number;
  componentId: string;
  sheet: string | null;
  problem: string | null;
}

function storedPages(dataDir: string): Promise<StoredPage[]> {
  const station = Station.open({ dataDir, holder: 'test' });
  return (async () => {
    try {
      return station.store.all<StoredPage>(
        sql`SELECT id, seq, component_id AS componentId, sheet, sheet_problem AS problem FROM page ORDER BY component_id, position, seq`,
      );
    } finally {
      await station.close();
    }
  })();
}

/** The served sheet/side of each page of a PDF, as poppler renders it (corner colour of the generated pages). */
async function pdfPages(pdf: string, dir: string, sheets: number): Promise<string[]> {
  execFileSync('pdftoppm', ['-r', '20', '-png', pdf, join(dir, 'p')]);
  const files = readdirSync(dir).filter((f) => f.startsWith('p') && f.endsWith('.png')).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const out: string[] = [];
  for (const f of files) {
    const id = identifyColour(await cornerColour(join(dir, f)), sheets);
    // A cover or separator sheet (white, black QR) is far from every generated colour.
    expect(id.distance, `${pdf} page ${f}`).toBeLessThan(30);
    out.push(`${id.sheet}${id.side === 'front' ? 'F' : 'B'}`);
  }
  return out;
}

describe('stack separation at ingest (cover and separator sheets through the virtual eSCL scanner)', () => {
  it('routes a 12-sheet duplex stack of two dossiers to their components in order and keeps the sheets out of the PDFs', async () => {
    const dataDir = tempDir('sohoa-stack-');
    const env = { SOHOA_DATA_DIR: dataDir, SOHOA_ESCL_DISCOVERY: '0', SOHOA_SANE_BACKENDS: '' };
    cliSignIn(dataDir, env);
    const create = async (procedure: string, owner: string, name: string): Promise<Dossier> => {
      const r = await runCliAsync(['dossier', 'create', '--procedure', procedure, '--owner', owner, '--owner-name', name, '--json'], env);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as Dossier;
    };
    const d1 = await create('1.001193', '001099012345', 'Lê Thị Hoa');
    const d2 = await create('1.000894', '079203004567', 'Trần Văn An');
    const d1Intake = d1.components.filter((c) => c.kind === 'intake');
    const d2Intake = d2.components.filter((c) => c.kind === 'intake');
    expect(d1Intake.length).toBeGreaterThanOrEqual(3);

    const work = tempDir('sohoa-stack-work-');
    const cover1 = await coverImage(env, d1.id, null, work, 'cover1');
    const sep13 = await coverImage(env, d1.id, d1Intake[2]!.id, work, 'sep13');
    const cover2 = await coverImage(env, d2.id, null, work, 'cover2');
    // Sheet numbers of the content pages are the numbers drawn on them (their colours identify them).
    const stack: ({ cover: string } | { content: number })[] = [
      { cover: cover1 },
      { content: 2 },
      { content: 3 },
      { cover: sep13 },
      { content: 5 },
      { content: 6 },
      { cover: cover2 },
      { content: 8 },
      { content: 9 },
      { content: 10 },
      { content: 11 },
      { content: 12 },
    ];
    scanner = await startEsclScanner({ pagesDir: await stackFolder(stack), duplex: true });
    const added = await runCliAsync(['devices', 'add-escl', scanner.url.replace(/\/$/, ''), '--json'], env);
    expect(added.code, added.stderr).toBe(0);
    const deviceId = (JSON.parse(added.stdout) as { id: string }).id;
    const profile = join(work, 'duplex.json');
    writeFileSync(profile, JSON.stringify({ name: 'colour-200-feeder-duplex', pixelType: 'color', resolution: 200, source: 'feeder', duplex: true, pageSize: 'A4' }));

    // The clerk starts the scan on the second dossier's first component: the cover sheets decide, not the start.
    const r = await runCliAsync(['scan', '--device', deviceId, '--profile', profile, '--dossier', d2.id, '--component', d2Intake[0]!.id, '--json'], env, 900_000);
    expect(r.code, r.stderr).toBe(0);
    expect(scanner.served).toHaveLength(24);

    const pages = await storedPages(dataDir);
    expect(pages).toHaveLength(24);
    const where = (componentId: string): string[] =>
      pages.filter((p) => p.componentId === componentId).map((p) => `${p.seq}${p.sheet ? `:${p.sheet}` : ''}`);
    // seq 2k−1 / 2k = front / back of sheet k.
    expect(where(d1Intake[0]!.id)).toEqual(['1:dossier_cover', '2:separator_other_side', '3', '4', '5', '6']);
    expect(where(d1Intake[1]!.id)).toEqual([]);
    expect(where(d1Intake[2]!.id)).toEqual(['7:component_separator', '8:separator_other_side', '9', '10', '11', '12']);
    expect(where(d2Intake[0]!.id)).toEqual(['13:dossier_cover', '14:separator_other_side', '15', '16', '17', '18', '19', '20', '21', '22', '23', '24']);
    expect(pages.filter((p) => p.problem !== null)).toEqual([]);

    // The PDFs hold the content pages only, in stack order.
    const assemble = async (componentId: string): Promise<string> => {
      const a = await runCliAsync(['assemble', componentId, '--json'], env, 600_000);
      expect(a.code, a.stderr).toBe(0);
      const v = JSON.parse(a.stdout) as { documentId: string; pageCount: number };
      const out = join(tempDir('sohoa-stack-pdf-'), 'doc.pdf');
      const station = Station.open({ dataDir, holder: 'test' });
      try {
        const row = station.store.get<{ sha256: string }>(sql`SELECT sha256 FROM document WHERE id = ${v.documentId}`)!;
        writeFileSync(out, station.blobs.get(row.sha256, { verify: true }));
      } finally {
        await station.close();
      }
      return out;
    };
    const pdf11 = await assemble(d1Intake[0]!.id);
    expect(await pdfPages(pdf11, tempDir(), 12)).toEqual(['2F', '2B', '3F', '3B']);
    const pdf13 = await assemble(d1Intake[2]!.id);
    expect(await pdfPages(pdf13, tempDir(), 12)).toEqual(['5F', '5B', '6F', '6B']);
    const pdf21 = await assemble(d2Intake[0]!.id);
    expect(await pdfPages(pdf21, tempDir(), 12)).toEqual(['8F', '8B', '9F', '9B', '10F', '10B', '11F', '11B', '12F', '12B']);
  });
});
