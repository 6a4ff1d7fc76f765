import { describe, expect, it } from 'vitest';
import type { Component, Dossier } from '../../../electron/common/schemas';
import { buildManifest } from '../../../electron/core/sync/manifest';

const comp = (over: Partial<Component>): Component => ({
  id: '01J00000000000000000000001',
  dossierId: 'ST01-01J00000000000000000000000',
  typeCode: 'KS-TK',
  name: 'Tờ khai',
  kind: 'intake',
  required: true,
  position: 0,
  summary: null,
  validFrom: null,
  validTo: null,
  validityScope: null,
  copyType: 'original',
  reuse: 'none',
  replacedResultCode: null,
  fromNationalStore: false,
  resultCode: null,
  pageCount: 1,
  digitised: true,
  signed: true,
  documentId: null,
  reusedFrom: null,
  ...over,
});

const dossier = (over: Partial<Dossier> = {}): Dossier => ({
  id: 'ST01-01J00000000000000000000000',
  serverCode: null,
  stationId: 'ST01',
  purpose: 'intake',
  procedureCode: '1.001193',
  procedureName: 'Đăng ký khai sinh',
  ownerIdType: 'cccd',
  ownerId: '001085123456',
  ownerName: 'Nguyễn Văn A',
  ownerKind: 'citizen',
  channel: 1,
  summary: 'Khai sinh cho con',
  state: 'queued',
  createdBy: 'local',
  createdAt: '2026-03-02T01:00:00.000Z',
  updatedAt: '2026-03-02T01:00:00.000Z',
  abandoned: null,
  components: [
    comp({}),
    comp({ id: '01J00000000000000000000002', typeCode: 'KS-UQ', required: false, copyType: 'copy', reuse: 'reused_replaced', replacedResultCode: 'KQ-OLD', fromNationalStore: true }),
    comp({ id: '01J00000000000000000000003', typeCode: 'KS-KQ', kind: 'result', resultCode: 'GKS-123' }),
  ],
  ...over,
});

const doc = { componentId: '01J00000000000000000000001', documentId: 'D1', sha256: 'a'.repeat(64), fileId: 'F-aaaaaaaaaaaaaaaa', fileName: 'to-khai.pdf', pageCount: 2, pdfaLevel: '1b',
  signatures: [{ role: 'clerk', signer_name: 'Trần Thị B', level: 'B-T', signed_at: '2026-03-02T01:05:00Z' }] };

describe('commit manifest', () => {
  it('carries every scored field: DuocSoHoa per component, MaThanhPhanHoSo, LoaiBan, reuse flags, MaGiayToKetQua, owner DinhDanhCHS, KenhThucHien', () => {
    const m = buildManifest(dossier(), [doc], 'H15.50');
    expect(m).toMatchObject({ draftId: 'ST01-01J00000000000000000000000', stationId: 'ST01', procedureCode: '1.001193', agencyCode: 'H15.50', channel: 1, receivedAt: '2026-03-02T01:00:00.000Z' });
    expect(m.owner).toEqual({ kind: 'citizen', idType: 'cccd', id: '001085123456', name: 'Nguyễn Văn A' });
    expect(m.components.map((c) => [c.typeCode, c.kind, c.digitised, c.copyType, c.reuse, c.replacedResultCode, c.fromNationalStore, c.resultCode])).toEqual([
      ['KS-TK', 'intake', 1, 'original', 'none', null, 0, null],
      ['KS-UQ', 'intake', 0, 'copy', 'reused_replaced', 'KQ-OLD', 1, null],
      ['KS-KQ', 'result', 0, 'original', 'none', null, 0, 'GKS-123'],
    ]);
    expect(m.components[0]!.documents).toEqual([
      { fileId: 'F-aaaaaaaaaaaaaaaa', sha256: 'a'.repeat(64), fileName: 'to-khai.pdf', pageCount: 2, pdfaLevel: '1b', signatures: [{ role: 'clerk', signer: 'Trần Thị B', level: 'B-T', signedAt: '2026-03-02T01:05:00Z' }] },
    ]);
    expect(m.resultFor).toBeUndefined();
  });

  it('truncates TrichYeuHoSo to 1000 characters and fills a missing one and a missing owner name', () => {
    expect(buildManifest(dossier({ summary: 'x'.repeat(1500) }), [], 'H15.50').summary).toHaveLength(1000);
    const m = buildManifest(dossier({ summary: null, ownerName: '' }), [], 'H15.50');
    expect(m.summary).toBe('Đăng ký khai sinh — 001085123456');
    expect(m.owner.name).toBe('001085123456');
  });

  it('names the dossier a result dossier belongs to', () => {
    expect(buildManifest(dossier({ purpose: 'result' }), [], 'H15.50', 'H15.50-251203-0001').resultFor).toBe('H15.50-251203-0001');
  });
});
