/**
 * The installer's pre-set configuration (`station-config.json`, copied by the NSIS installer to
 * `%ProgramData%\SoHoa Station\config\`, i.e. `<data dir>/config/`, or named by SOHOA_PRESET), applied once
 * at the first start that finds it: agency, one-stop server and adapter, the first admin, retention, the
 * token libraries and the idle lock. Its SHA-256 is remembered, so an edited file is applied again.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { StationError } from '../../common/errors';
import { localPathSchema } from '../../common/localPath';
import { AGENCY_CODE_PATTERN } from '../../common/owner';
import { tokenModuleAllowed } from '../../common/tokenModules';
import { createAccount, setIdleLockMinutes, setupNeeded } from '../accounts/service';
import { parseHash } from '../accounts/password';
import { insertAccount } from '../store/accounts';
import { appendAudit } from '../store/audit';
import { getSetting, setSetting } from '../store/settings';
import { setSigningConfig, signingConfig } from '../signing/service';
import { writeSyncSettings } from '../sync/settings';
import { ulid } from '../../common/ids';
import type { Station } from './station';

export const presetSchema = z
  .object({
    agencyCode: z.string().regex(AGENCY_CODE_PATTERN).optional(),
    agencyName: z.string().max(300).optional(),
    onestop: z
      .object({
        server: z.string().url(),
        /** The exchange the server speaks; the station ships protocol-v1 (docs/sync-protocol.md). */
        adapter: z.literal('protocol-v1').default('protocol-v1'),
        caFile: localPathSchema.optional(),
      })
      .strict()
      .optional(),
    /** The first admin: a `scrypt$N$r$p$salt$key` hash or a temporary password changed at first sign-in. */
    admin: z
      .object({
        username: z.string().min(2).max(64),
        displayName: z.string().min(1).max(200).default('Quản trị trạm'),
        passwordHash: z.string().optional(),
        temporaryPassword: z.string().optional(),
      })
      .strict()
      .refine((a) => (a.passwordHash === undefined) !== (a.temporaryPassword === undefined), 'give passwordHash or temporaryPassword')
      .optional(),
    retentionDays: z.number().int().min(0).max(3650).optional(),
    /** Token libraries to load; each is added to the admin allow-list (the installer is the admin here). */
    tokenModules: z.array(localPathSchema).max(50).optional(),
    idleLockMinutes: z.number().int().min(0).max(240).optional(),
  })
  .strict();
export type Preset = z.infer<typeof presetSchema>;

const APPLIED_KEY = 'preset.appliedSha256';

export function presetFile(dataDir: string): string {
  return process.env.SOHOA_PRESET ?? join(dataDir, 'config', 'station-config.json');
}

/** Applies the preset if present and not yet applied in this form; returns what it did (for the start-up log). */
export async function applyPreset(station: Station): Promise<{ file: string; applied: string[] } | null> {
  const file = presetFile(station.layout.root);
  if (!existsSync(file)) return null;
  const text = readFileSync(file, 'utf8');
  const sha = createHash('sha256').update(text).digest('hex');
  if (getSetting<string>(station.store, APPLIED_KEY) === sha) return null;
  let parsed: Preset;
  try {
    parsed = presetSchema.parse(JSON.parse(text.replace(/^\uFEFF/, '')));
  } catch (err) {
    throw new StationError('INVALID_REQUEST', `station-config.json: ${(err as Error).message}`, { file });
  }
  const applied: string[] = [];
  const by = null; // the installer: no signed-in actor
  if (parsed.agencyCode !== undefined || parsed.onestop !== undefined || parsed.retentionDays !== undefined) {
    writeSyncSettings(
      station.store,
      {
        ...(parsed.agencyCode !== undefined ? { agencyCode: parsed.agencyCode } : {}),
        ...(parsed.onestop ? { server: parsed.onestop.server, ...(parsed.onestop.caFile ? { caFile: parsed.onestop.caFile } : {}) } : {}),
        ...(parsed.retentionDays !== undefined ? { retentionDays: parsed.retentionDays } : {}),
      },
      by,
    );
    if (parsed.onestop) setSetting(station.store, 'sync.adapter', parsed.onestop.adapter, by);
    applied.push('sync');
  }
  if (parsed.tokenModules !== undefined || parsed.agencyName !== undefined) {
    const cfg = signingConfig(station);
    const modules = parsed.tokenModules ?? [];
    const allowedTokenModules = [...new Set([...cfg.allowedTokenModules, ...modules.filter((m) => !tokenModuleAllowed(m, []))])];
    setSigningConfig(station, { allowedTokenModules, pkcs11Modules: [...new Set([...cfg.pkcs11Modules, ...modules])], ...(parsed.agencyName !== undefined ? { agencyName: parsed.agencyName } : {}) }, by);
    applied.push('signing');
  }
  if (parsed.idleLockMinutes !== undefined) {
    setIdleLockMinutes(station, parsed.idleLockMinutes, by);
    applied.push('idleLock');
  }
  if (parsed.admin && setupNeeded(station)) {
    const a = parsed.admin;
    if (a.passwordHash !== undefined) {
      if (!parseHash(a.passwordHash)) throw new StationError('INVALID_REQUEST', 'station-config.json: admin.passwordHash is not a scrypt hash');
      insertAccount(station.store, { id: ulid(), login: a.username.trim().toLowerCase(), fullName: a.displayName, role: 'admin', passwordHash: a.passwordHash, mustChange: false, at: new Date().toISOString() });
    } else {
      await createAccount(station, { username: a.username, displayName: a.displayName, role: 'admin', password: a.temporaryPassword!, mustChangePassword: true }, by);
    }
    applied.push('admin');
  }
  setSetting(station.store, APPLIED_KEY, sha, by);
  appendAudit(station.store, { actor: null, action: 'preset.apply', details: { file, sha256: sha, applied } });
  return { file, applied };
}
