import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checklist } from '../../../electron/core/dossiers/checklist';
import { DEFAULT_CATALOGUE, readCatalogue } from '../../../electron/core/station/catalogue';

describe('shipped procedure catalogue', () => {
  const cat = readCatalogue(DEFAULT_CATALOGUE);
  it('holds at least 20 commune-level procedures with unique national codes, each with its source', () => {
    expect(cat.procedures.length).toBeGreaterThanOrEqual(20);
    const codes = cat.procedures.map((p) => p.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const p of cat.procedures) {
      expect(p.code).toMatch(/^\d\.\d{6}$/);
      expect(p.level).toBe('commune');
      expect(p.source, p.code).toBeTruthy();
      expect(typeof p.confirmed, p.code).toBe('boolean');
    }
  });

  it('gives every procedure required intake components and a result (kết quả), with unique component codes', () => {
    for (const p of cat.procedures) {
      expect(p.components.some((c) => c.kind === 'intake' && c.required), p.code).toBe(true);
      expect(p.components.some((c) => c.kind === 'result'), p.code).toBe(true);
      const tc = p.components.map((c) => c.typeCode);
      expect(new Set(tc).size, p.code).toBe(tc.length);
    }
  });

  it('covers hộ tịch, chứng thực, đất đai, người có công and bảo trợ xã hội', () => {
    const fields = new Set(cat.procedures.map((p) => p.field));
    for (const f of ['Hộ tịch', 'Chứng thực', 'Đất đai', 'Người có công', 'Bảo trợ xã hội']) expect(fields.has(f), f).toBe(true);
  });

  it('refuses a province file with a malformed procedure code', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cat-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ version: 'x', procedures: [{ code: '1001193', name: 'x', level: 'commune', components: [] }] }));
    expect(() => readCatalogue(file)).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
  });
});

describe('checklist', () => {
  const c = (typeCode: string, o: { kind?: 'intake' | 'result'; required?: boolean; digitised?: boolean; signed?: boolean }) => ({
    id: typeCode, dossierId: 'd', typeCode, name: typeCode, kind: o.kind ?? 'intake', required: o.required ?? true, position: 0,
    summary: null, validFrom: null, validTo: null, validityScope: null, copyType: 'copy' as const, reuse: 'none' as const,
    replacedResultCode: null, fromNationalStore: false, resultCode: null, pageCount: 0, digitised: o.digitised ?? false, signed: o.signed ?? false, documentId: null, reusedFrom: null,
  });

  it('is complete only when every required component is digitised AND signed', () => {
    const list = checklist({ purpose: 'intake', components: [c('A', { digitised: true, signed: true }), c('B', { digitised: true }), c('C', {}), c('D', { required: false })] });
    expect(list.complete).toBe(false);
    expect(list.missingRequired.map((m) => [m.typeCode, m.missing])).toEqual([['B', 'sign'], ['C', 'scan']]);
    const done = checklist({ purpose: 'intake', components: [c('A', { digitised: true, signed: true }), c('D', { required: false })] });
    expect(done.complete).toBe(true);
  });

  it('judges a result dossier by its result components only', () => {
    const list = checklist({ purpose: 'result', components: [c('I', {}), c('R', { kind: 'result', digitised: true, signed: true })] });
    expect(list.items.map((i) => i.typeCode)).toEqual(['R']);
    expect(list.complete).toBe(true);
  });
});
