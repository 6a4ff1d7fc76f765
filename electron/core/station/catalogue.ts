import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { PROCEDURE_CODE_PATTERN } from '../../common/owner';
import { StationError } from '../../common/errors';
import type { Store } from '../store/db';
import { upsertCatalogue } from '../store/procedures';
import { getSetting, setSetting } from '../store/settings';
import { createLogger } from '../log/logger';

const log = createLogger('catalogue');

export const DEFAULT_CATALOGUE = fileURLToPath(new URL('../../../resources/catalogue/procedures.json', import.meta.url));

const catalogueSchema = z.object({
  version: z.string().min(1),
  procedures: z.array(
    z.object({
      code: z.string().regex(PROCEDURE_CODE_PATTERN),
      name: z.string().min(1),
      level: z.enum(['commune', 'province', 'ministry']),
      field: z.string().optional(),
      source: z.string().optional(),
      confirmed: z.boolean().optional(),
      components: z.array(
        z.object({ typeCode: z.string().min(1), name: z.string().min(1), kind: z.enum(['intake', 'result']), required: z.boolean() }),
      ),
    }),
  ),
});
export type Catalogue = z.infer<typeof catalogueSchema>;

export function readCatalogue(file: string): Catalogue {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new StationError('INVALID_REQUEST', `catalogue ${file} is not readable JSON: ${(err as Error).message}`);
  }
  const parsed = catalogueSchema.safeParse(json);
  if (!parsed.success) throw new StationError('INVALID_REQUEST', `catalogue ${file} is invalid`, { issues: parsed.error.issues.slice(0, 5) });
  return parsed.data;
}

/**
 * Loads the catalogue into the database when its version differs from the one loaded last. Without an
 * explicit file the province's file (setting `catalogue.file`, set by `sohoa catalogue load FILE`) is
 * used, else the shipped sample. If the province's file has gone missing the catalogue already in the
 * database is kept (the station must still open).
 */
export function syncCatalogue(store: Store, file?: string): string {
  let source = file;
  if (source === undefined) {
    const configured = getSetting<string | null>(store, 'catalogue.file') ?? null;
    if (configured !== null && !existsSync(configured)) {
      log.warn('configured catalogue file is missing; keeping the loaded catalogue', { file: configured });
      return getSetting<string>(store, 'catalogue.version') ?? '';
    }
    source = configured ?? DEFAULT_CATALOGUE;
  }
  const cat = readCatalogue(source);
  if (getSetting<string>(store, 'catalogue.version') !== cat.version) {
    store.tx(() => {
      upsertCatalogue(store, cat.version, cat.procedures);
      setSetting(store, 'catalogue.version', cat.version);
    });
  }
  return cat.version;
}

/** A province replaces the catalogue: validate, load, and remember the file for later starts. */
export function loadCatalogueFile(store: Store, file: string, by: string | null = null): { version: string; procedures: number } {
  const cat = readCatalogue(file);
  store.tx(() => {
    upsertCatalogue(store, cat.version, cat.procedures);
    setSetting(store, 'catalogue.version', cat.version, by);
    setSetting(store, 'catalogue.file', file, by);
  });
  return { version: cat.version, procedures: cat.procedures.length };
}
