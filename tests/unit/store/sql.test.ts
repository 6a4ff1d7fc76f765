import { describe, expect, it } from 'vitest';
import { join, raw, sql } from '../../../electron/core/store/sql';

describe('sql tagged template', () => {
  it('binds every interpolated value as a parameter', () => {
    const evil = "x'; DROP TABLE dossier; --";
    const q = sql`SELECT * FROM dossier WHERE id = ${evil} AND state = ${'draft'}`;
    expect(q.text).toBe('SELECT * FROM dossier WHERE id = ? AND state = ?');
    expect(q.values).toEqual([evil, 'draft']);
  });

  it('splices nested fragments with their values in order', () => {
    const where = join([sql`a = ${1}`, raw('b IS NULL'), sql`c = ${'z'}`], ' AND ');
    const q = sql`SELECT 1 WHERE ${where} LIMIT ${5}`;
    expect(q.text).toBe('SELECT 1 WHERE a = ? AND b IS NULL AND c = ? LIMIT ?');
    expect(q.values).toEqual([1, 'z', 5]);
  });
});
