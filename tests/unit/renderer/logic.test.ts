import { describe, expect, it } from 'vitest';
import { reconnectDelay } from '../../../renderer/src/api/backoff';
import { takeTokenFromLocation } from '../../../renderer/src/api/fragment';
import { newIdempotencyKey } from '../../../renderer/src/api/idempotency';
import { matches, SHORTCUTS } from '../../../renderer/src/lib/keys';
import { digitisationRows } from '../../../renderer/src/lib/report';
import { moveItem, rotateBy, zoomedSize, zoomStep } from '../../../renderer/src/lib/reorder';
import type { DossierSummary } from '../../../electron/common/schemas';

const key = (k: string, mods: Partial<{ altKey: boolean; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; code: string }> = {}) => ({
  key: k,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  ...mods,
});

describe('renderer logic', () => {
  it('reorders pages: move forward, backward, clamped, out of range unchanged', () => {
    expect(moveItem(['a', 'b', 'c', 'd'], 0, 2)).toEqual(['b', 'c', 'a', 'd']);
    expect(moveItem(['a', 'b', 'c', 'd'], 3, 0)).toEqual(['d', 'a', 'b', 'c']);
    expect(moveItem(['a', 'b', 'c'], 1, 99)).toEqual(['a', 'c', 'b']);
    expect(moveItem(['a', 'b'], 5, 0)).toEqual(['a', 'b']);
  });

  it('rotates in 90° steps both ways and zooms within the steps', () => {
    expect(rotateBy(0)).toBe(90);
    expect(rotateBy(270)).toBe(0);
    expect(rotateBy(0, false)).toBe(270);
    expect(zoomStep(100, 1)).toBe(150);
    expect(zoomStep(100, -1)).toBe(75);
    expect(zoomStep(25, -1)).toBe(25);
    expect(zoomStep(200, 1)).toBe(200);
    expect(zoomedSize({ width: 1654, height: 2339, rotation: 0 }, 100)).toEqual({ width: 1654, height: 2339 });
    expect(zoomedSize({ width: 1654, height: 2339, rotation: 90 }, 50)).toEqual({ width: 1170, height: 827 });
  });

  it('matches shortcuts, including Alt letters reported as another character by the layout', () => {
    expect(matches(key('s', { altKey: true }), SHORTCUTS.scan)).toBe(true);
    expect(matches(key('ß', { altKey: true, code: 'KeyS' }), SHORTCUTS.scan)).toBe(true);
    expect(matches(key('s'), SHORTCUTS.scan)).toBe(false);
    expect(matches(key('Enter', { ctrlKey: true }), SHORTCUTS.createDossier)).toBe(true);
    expect(matches(key('Enter'), SHORTCUTS.createDossier)).toBe(false);
    expect(matches(key('+'), SHORTCUTS.zoomIn)).toBe(true);
    expect(matches(key('ArrowLeft', { altKey: true }), SHORTCUTS.moveLeft)).toBe(true);
    expect(matches(key('Delete'), SHORTCUTS.remove)).toBe(true);
    expect(matches(key('1', { altKey: true, code: 'Digit1' }), SHORTCUTS.intake)).toBe(true);
  });

  it('reconnects quickly at first, then at most every ~5 s, with jitter', () => {
    expect(reconnectDelay(0, () => 0.5)).toBe(250);
    expect(reconnectDelay(3, () => 0.5)).toBe(2000);
    expect(reconnectDelay(20, () => 0.5)).toBe(5000);
    expect(reconnectDelay(20, () => 1)).toBe(6000);
    expect(reconnectDelay(20, () => 0)).toBe(4000);
  });

  it('takes the token from the fragment, removes it from the address bar, keeps other fragment parts', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    let replaced = '';
    const t = takeTokenFromLocation({ hash: '#token=abc123&view=queue', pathname: '/', search: '' }, (u) => (replaced = u), storage);
    expect(t).toBe('abc123');
    expect(replaced).toBe('/#view=queue');
    expect(replaced).not.toContain('abc123');
    // A reload of the same tab finds it in session storage.
    expect(takeTokenFromLocation({ hash: '', pathname: '/', search: '' }, () => undefined, storage)).toBe('abc123');
    expect(takeTokenFromLocation({ hash: '', pathname: '/', search: '' }, () => undefined)).toBeNull();
  });

  it('mints a fresh idempotency key for each action', () => {
    const keys = new Set(Array.from({ length: 100 }, () => newIdempotencyKey()));
    expect(keys.size).toBe(100);
    for (const k of keys) expect(k).toMatch(/^ui-[0-9a-f]{24}$/);
  });

  it('counts the digitisation rate per procedure within the period', () => {
    const d = (code: string, createdAt: string, missing: number, state: DossierSummary['state']) => ({ procedureCode: code, procedureName: code, createdAt, missingRequired: missing, state }) as DossierSummary;
    const rows = digitisationRows([d('1.001193', '2026-11-02T03:00:00Z', 0, 'queued'), d('1.001193', '2026-11-03T03:00:00Z', 1, 'draft'), d('1.000656', '2026-10-30T03:00:00Z', 0, 'synced')], '2026-11-01', '2026-11-30');
    expect(rows).toEqual([{ code: '1.001193', name: '1.001193', received: 2, digitised: 1 }]);
  });
});
