import { readFileSync, statSync } from 'node:fs';
import { decodeImage } from '../../electron/core/imaging/decode';
import { assemblePdf, type PageSource } from '../../electron/core/pdf/assemble';
import type { ProfileId } from '../../electron/common/compressionProfiles';
import type { FixturePage } from '../../tests/fixtures/pages/generate';

/** A cached fixture page as the assembler sees a captured page: PNM bytes read and decoded on demand. */
export function pageSource(p: FixturePage, label: string): PageSource {
  return { label, dpi: p.dpi, load: () => decodeImage(readFileSync(p.pnmPath), { dpiHint: p.dpi }) };
}

export function* cycle(pages: FixturePage[], count: number): Generator<PageSource> {
  for (let i = 0; i < count; i++) yield pageSource(pages[i % pages.length]!, `page ${i + 1}`);
}

export interface AssembleRun {
  profile: ProfileId;
  pages: number;
  seconds: number;
  pagesPerSecond: number;
  bytes: number;
  bytesPerPage: number;
}

/** End to end: read + decode → analyse (blank, orientation, skew) → deskew → encode → streaming PDF/A-1b writer. */
export async function assembleRun(pages: FixturePage[], count: number, profile: ProfileId, out: string): Promise<AssembleRun> {
  const t0 = performance.now();
  const r = await assemblePdf(cycle(pages, count), out, { profile, meta: { title: `bench ${profile}` } });
  const seconds = (performance.now() - t0) / 1000;
  const bytes = statSync(out).size;
  return { profile, pages: r.written.pages, seconds, pagesPerSecond: r.written.pages / seconds, bytes, bytesPerPage: bytes / r.written.pages };
}
