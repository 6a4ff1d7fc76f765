import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultExportFolder, exportFolder, exportTargetFor, setExportFolder } from '../../../electron/core/export/exportFolder';
import { Station } from '../../../electron/core/station/station';
import { getDossier } from '../../../electron/core/store/dossiers';
import { tempDir } from '../../helpers/tmp';
import { addBatch, rng } from '../sync/fixtures';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('the station export folder (one-press "Lưu hồ sơ ra thư mục")', () => {
  it('defaults to Documents, keeps what the admin sets, names one new folder per press, and refuses unusable folders with a code', async () => {
    const st = Station.open({ dataDir: tempDir('station-'), holder: 'test' });
    cleanups.push(() => st.close());
    expect(exportFolder(st.store)).toEqual({ dir: defaultExportFolder(), isDefault: true });
    const dir = join(tempDir('export-'), 'Hồ sơ', 'đã lưu');
    expect(setExportFolder(st.store, dir, 'admin')).toEqual({ dir, isDefault: false });
    expect(exportFolder(st.store)).toEqual({ dir, isDefault: false });

    const b = await addBatch(st, rng(5), 2, 'folder');
    const d = getDossier(st.store, b.dossierId)!;
    // 2026-12-03T01:02:03Z is 08:02:03 in Hà Nội (UTC+7).
    expect(exportTargetFor(st.store, d, new Date('2026-12-03T01:02:03Z'), 420)).toBe(join(dir, `${d.id}_20261203-080203`));

    expect(() => setExportFolder(st.store, 'relative/dir', 'admin')).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
    expect(() => setExportFolder(st.store, '\\\\server\\share\\hoso', 'admin')).toThrow(expect.objectContaining({ code: 'PATH_NOT_LOCAL' }));
    // A path through a regular file cannot become a folder (ENOTDIR): coded, and the earlier setting stays.
    const file = join(tempDir('export-file-'), 'not-a-folder');
    writeFileSync(file, 'x');
    expect(() => setExportFolder(st.store, join(file, 'sub'), 'admin')).toThrow(expect.objectContaining({ code: 'EXPORT_DIR_UNWRITABLE', details: expect.objectContaining({ errno: 'ENOTDIR' }) }));
    expect(exportFolder(st.store).dir).toBe(dir);
  });
});
