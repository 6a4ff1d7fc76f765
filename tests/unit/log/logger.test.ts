import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configureLogging, createLogger } from '../../../electron/core/log/logger';
import { tempDir } from '../../helpers/tmp';

afterEach(() => configureLogging({ dir: null, maxBytes: 5 * 1024 * 1024, keep: 5, level: 'info' }));

describe('createLogger', () => {
  it('writes JSON lines with scope and level, and never a PIN or token value', () => {
    const dir = tempDir();
    configureLogging({ dir });
    createLogger('signing').info('signed', { documentId: 'D1', pin: '123456', authorization: 'Bearer abc' });
    const line = JSON.parse(readFileSync(join(dir, 'station.log'), 'utf8').trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'info', scope: 'signing', msg: 'signed', documentId: 'D1', pin: '[redacted]', authorization: '[redacted]' });
    expect(readFileSync(join(dir, 'station.log'), 'utf8')).not.toContain('123456');
  });

  it('rotates by size and keeps a bounded number of files', () => {
    const dir = tempDir();
    configureLogging({ dir, maxBytes: 2000, keep: 3 });
    const log = createLogger('t');
    for (let i = 0; i < 200; i++) log.info('x'.repeat(50), { i });
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['station.log', 'station.log.1', 'station.log.2', 'station.log.3']);
    for (const f of files) expect(readFileSync(join(dir, f)).length).toBeLessThanOrEqual(2000);
    const last = readFileSync(join(dir, 'station.log'), 'utf8').trim().split('\n').at(-1)!;
    expect((JSON.parse(last) as { i: number }).i).toBe(199);
  });

  it('drops lines below the configured level', () => {
    const dir = tempDir();
    configureLogging({ dir, level: 'warn' });
    createLogger('t').info('quiet');
    expect(existsSync(join(dir, 'station.log'))).toBe(false);
    createLogger('t').warn('loud');
    expect(readFileSync(join(dir, 'station.log'), 'utf8')).toContain('loud');
  });

  it('never writes a CCCD in clear, in a field, a nested detail or the message, and drops owner names', () => {
    const dir = tempDir();
    configureLogging({ dir });
    createLogger('dossiers').warn('owner 001099012345 refused', {
      ownerId: '079203004567',
      ownerName: 'Nguyễn Văn A',
      details: { error: { message: 'INVALID_OWNER_ID 001099012346' } },
      bytes: 1234567890123, // 13 digits: a size, not a CCCD
    });
    const text = readFileSync(join(dir, 'station.log'), 'utf8');
    for (const id of ['001099012345', '079203004567', '001099012346', 'Nguyễn Văn A']) expect(text).not.toContain(id);
    const line = JSON.parse(text.trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ msg: 'owner *********345 refused', ownerId: '*********567', ownerName: '[redacted]', bytes: 1234567890123 });
  });
});

