import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROCEDURE_CODE_PATTERN } from '../../common/owner';
import { StationError } from '../../common/errors';
import type { Station } from '../station/station';
import { loadCatalogueFile, type Catalogue } from '../station/catalogue';
import type { RemoteProcedure } from './adapter';

/**
 * The official catalogue from the target (DVCQG LayDanhSachTTHC/LayThuTuc; iGate procedures): every procedure it
 * returns becomes `confirmed` (the codes come from the national system, not a secondary source). District-level
 * procedures are skipped — the district level no longer exists (2025); commune and province only.
 */
export function levelOf(p: RemoteProcedure): 'commune' | 'province' | null {
  const levels = (p.COQUANTHUCHIEN ?? []).map((c) => (c.CAPTHUCHIEN ?? '').toLowerCase());
  if (levels.some((l) => l.includes('xã') || l.includes('phường'))) return 'commune';
  if (levels.some((l) => l.includes('tỉnh') || l.includes('thành phố trực thuộc'))) return 'province';
  return null;
}

export function toCatalogue(list: RemoteProcedure[], source: string, version: string): { catalogue: Catalogue; skipped: { code: string; reason: string }[] } {
  const skipped: { code: string; reason: string }[] = [];
  const procedures: Catalogue['procedures'] = [];
  for (const p of list) {
    const level = levelOf(p);
    if (!PROCEDURE_CODE_PATTERN.test(p.MATTHC)) skipped.push({ code: p.MATTHC, reason: 'code is not a national TTHC code' });
    else if (!level) skipped.push({ code: p.MATTHC, reason: `level ${(p.COQUANTHUCHIEN ?? []).map((c) => c.CAPTHUCHIEN).join(', ') || 'unknown'} (commune and province only)` });
    else {
      const intake = (p.THANHPHANHOSO ?? []).filter((c) => c.MAGIAYTO && c.TENGIAYTO);
      const results = (p.KETQUATHUCHIEN ?? []).filter((c) => c.MAKETQUA && c.TENKETQUA);
      procedures.push({
        code: p.MATTHC,
        name: p.TENTTHC,
        level,
        field: p.LINHVUCTHUCHIEN?.[0]?.TENLINHVUC ?? '',
        source,
        confirmed: true,
        components: [
          ...intake.map((c) => ({ typeCode: c.MAGIAYTO!, name: c.TENGIAYTO!, kind: 'intake' as const, required: String(c.BATBUOC ?? '1') === '1' })),
          ...results.map((c) => ({ typeCode: c.MAKETQUA!, name: c.TENKETQUA!, kind: 'result' as const, required: true })),
        ],
      });
    }
  }
  return { catalogue: { version, procedures }, skipped };
}

/** Fetches, writes `<data>/catalogue/<version>.json` (kept as the province file for later starts) and loads it. */
export async function fetchCatalogue(
  station: Station,
  adapter: { protocol: string; procedures?: () => Promise<RemoteProcedure[]> },
  server: string,
  by: string | null,
): Promise<{ version: string; procedures: number; skipped: { code: string; reason: string }[]; file: string }> {
  if (!adapter.procedures) throw new StationError('UNSUPPORTED', `the ${adapter.protocol} target publishes no catalogue here: load the province's file (sohoa catalogue load FILE)`);
  const list = await adapter.procedures();
  const version = `${adapter.protocol}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  const { catalogue, skipped } = toCatalogue(list, `${adapter.protocol} ${server}`, version);
  if (catalogue.procedures.length === 0) throw new StationError('SERVER_REPLY_MALFORMED', 'the target returned no commune- or province-level procedure', { skipped });
  const dir = join(station.layout.root, 'catalogue');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${version}.json`);
  writeFileSync(file, `${JSON.stringify(catalogue, null, 2)}\n`);
  const r = loadCatalogueFile(station.store, file, by);
  return { ...r, skipped, file };
}
