import ExcelJS from 'exceljs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Station } from '../../../electron/core/station/station';
import { createDossier } from '../../../electron/core/store/dossiers';
import { getProcedure } from '../../../electron/core/store/procedures';
import { runCli } from '../../helpers/cli';
import { cliSignIn } from '../../helpers/session';
import { tempDir } from '../../helpers/tmp';
import { addBatch, addSignedDocument, rng, smallPdf } from './fixtures';

describe('sohoa report (real database, CLI)', () => {
  it('counts received and digitised dossiers from the store and writes CSV and XLSX', async () => {
    const dataDir = tempDir('station-');
    const st = Station.open({ dataDir, holder: 'test' });
    const r = rng(3);
    await addBatch(st, r, 2, 'r1'); // khai sinh, both required components scanned and signed
    await addBatch(st, r, 1, 'r2'); // XNTTHN, its one required component
    // A third dossier with only one of its two required components scanned: received, not fully digitised.
    const d3 = createDossier(st.store, {
      stationId: st.row.id, procedure: getProcedure(st.store, '1.001193')!, purpose: 'intake', ownerIdType: 'cccd', ownerId: '001085000003',
      ownerName: 'C', ownerKind: 'citizen', summary: null, createdBy: 'local',
    });
    addSignedDocument(st, d3.components[0]!.id, await smallPdf('r3'), 'r3.pdf');
    await st.close();
    const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    cliSignIn(dataDir);

    const csv = runCli(['report', '--from', today, '--to', today, '--period', 'all', '--format', 'csv', '--data-dir', dataDir]);
    expect(csv.code, csv.stderr).toBe(0);
    const lines = csv.stdout.trim().split(/\r?\n/);
    const ks = lines.find((l) => l.includes(',1.001193,'))!;
    const cols = ks.split(',');
    expect(cols.slice(5, 7)).toEqual(['2', '1']); // received 2, digitised 1
    expect(lines.find((l) => l.includes(',1.004873,'))!.split(',').slice(5, 7)).toEqual(['1', '1']);

    const out = join(tempDir(), 'r.xlsx');
    const x = runCli(['report', '--from', today, '--to', today, '--period', 'all', '--format', 'xlsx', '--out', out, '--data-dir', dataDir]);
    expect(x.code, x.stderr).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const ws = wb.getWorksheet('Báo cáo số hóa')!;
    const total = ws.getRow(ws.rowCount);
    expect(total.getCell(3).value).toBe('Tổng cộng / Total');
    expect([total.getCell(6).value, total.getCell(7).value]).toEqual([3, 2]);
    expect(total.getCell(12).value).toBe(66.7);
  });
});
