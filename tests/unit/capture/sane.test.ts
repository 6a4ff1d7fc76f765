import { describe, expect, it } from 'vitest';
import { a4TestConf, systemBackends, writeSaneConfig } from '../../../native-bridge/sane/config';
import { faultForExit, faultStatusOf, isOpenFailure, lastScanimageMessage, parseFaultSeam } from '../../../native-bridge/sane/faults';
import { capabilitiesFrom, parseOptions } from '../../../native-bridge/sane/options';
import { SaneDriver } from '../../../native-bridge/sane/driver';
import { scanProfileSchema } from '../../../electron/common/capture';
import { StationError } from '../../../electron/common/errors';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../helpers/tmp';

/** An excerpt of `scanimage -d test:0 -A` (sane-backends 1.2.1) plus lines in the shapes other backends print. */
const OPTIONS = `
All options specific to device \`test:0':
  Scan Mode:
    --mode Gray|Color [Gray]
        Selects the scan mode (e.g., lineart, monochrome, or color).
    --depth 1|8|16 [8]
        Number of bits per sample.
    --hand-scanner[=(yes|no)] [no]
        Simulate a hand-scanner.
    --three-pass[=(yes|no)] [inactive]
    --resolution 1..1200dpi (in steps of 1) [50]
        Sets the resolution of the scanned image.
    --source Flatbed|Automatic Document Feeder [Flatbed]
        If Automatic Document Feeder is selected, the feeder will be 'empty'
        after 10 scans.
  Special Options:
    --test-picture Solid black|Solid white|Color pattern|Grid [Solid black]
    --read-delay-duration 1000..200000us (in steps of 1000) [inactive]
    --int-constraint-array-constraint-range 4..192dpi,... (in steps of 2) [inactive]
    --print-options
  Geometry:
    -l 0..500mm (in steps of 1) [0]
    -x 0..500mm (in steps of 1) [210]
    -y 0..500mm (in steps of 1) [297]
`;

const OTHER = `
    --mode Lineart|Gray|Color [Color]
    --resolution 75|150|300|600dpi [150]
    --source Flatbed|ADF|ADF Duplex [Flatbed]
    --brightness -100..100% (in steps of 1) [0]
    -x 0..215.9mm [215.9]
    -y 0..297.1mm [297.1]
`;

describe('SANE option parsing', () => {
  it('reads lists, ranges, booleans and geometry from scanimage -A', () => {
    const opts = parseOptions(OPTIONS);
    const by = new Map(opts.map((o) => [o.name, o]));
    expect(by.get('mode')).toMatchObject({ type: 'list', values: ['Gray', 'Color'], default: 'Gray', active: true });
    expect(by.get('resolution')).toMatchObject({ type: 'range', range: { min: 1, max: 1200, step: 1 }, default: '50' });
    expect(by.get('hand-scanner')).toMatchObject({ type: 'bool', default: 'no' });
    expect(by.get('three-pass')).toMatchObject({ active: false, default: null });
    expect(by.get('test-picture')!.values).toContain('Color pattern');
    expect(by.get('int-constraint-array-constraint-range')!.type).toBe('string');
    expect(by.has('print-options')).toBe(false);
    expect(by.get('y')!.range!.max).toBe(500);
  });

  it('maps the test device to TWAIN-style capabilities: feeder of 10, no duplex, bitonal via depth 1', () => {
    const caps = capabilitiesFrom('sane:test:0', 'test:0', parseOptions(OPTIONS));
    expect(caps.sources).toEqual(['flatbed', 'feeder']);
    expect(caps.duplex).toBe(false);
    expect(caps.feederCapacity).toBe(10);
    expect(new Set(caps.pixelTypes)).toEqual(new Set(['gray', 'color', 'bw']));
    expect(caps.resolutions.range).toEqual({ min: 1, max: 1200, step: 1 });
    expect(caps.pageSizes).toContain('A4');
    expect(caps.brightness).toBe(false);
  });

  it('maps a duplex ADF scanner with discrete resolutions', () => {
    const caps = capabilitiesFrom('sane:x:1', 'x:1', parseOptions(OTHER));
    expect(caps.duplex).toBe(true);
    expect(caps.feederCapacity).toBeNull();
    expect(caps.resolutions.values).toEqual([75, 150, 300, 600]);
    expect(caps.pixelTypes).toEqual(['bw', 'gray', 'color']);
    expect(caps.brightness).toBe(true);
    expect(caps.pageSizes).toContain('A4');
    expect(caps.pageSizes).not.toContain('A3');
  });
});

describe('SANE faults', () => {
  it('maps scanimage exit statuses to coded, continuable faults', () => {
    expect(faultForExit(6)).toEqual({ code: 'SCANNER_JAMMED', continuable: true });
    expect(faultForExit(7).code).toBe('SCANNER_FEEDER_EMPTY');
    expect(faultForExit(8).code).toBe('SCANNER_COVER_OPEN');
    expect(faultForExit(9).code).toBe('SCANNER_IO_ERROR');
    expect(faultForExit(3).code).toBe('DEVICE_BUSY');
    expect(faultForExit(4)).toEqual({ code: 'INVALID_PROFILE', continuable: false });
    expect(faultForExit(134).code).toBe('SCANNER_FAILED');
  });

  it('reads the backend message and open failures from stderr', () => {
    const err = 'Scanning page 1\rProgress: 4%\nscanimage: sane_read: Document feeder jammed\nBatch terminated, 1 page scanned\n';
    expect(lastScanimageMessage(err)).toBe('sane_read: Document feeder jammed');
    expect(isOpenFailure('scanimage: open of device nosuch:0 failed: Invalid argument')).toBe(true);
    expect(isOpenFailure(err)).toBe(false);
  });

  it('finds a jam that scanimage reported but exited 0 for (its SIGPIPE abort), and no fault in a clean sheet or an empty feeder', () => {
    // Verbatim stderr of `scanimage --batch … --read-return-value=SANE_STATUS_JAMMED` that exited 0 with no file.
    const aborted =
      'Scanning 1 page, incrementing by 1, numbering from 3\nScanning page 3\nProgress: 0.0%\rscanimage: sane_read: Document feeder jammed\n' +
      'Scanned page 3. (scanner status = 6)\nBatch terminated, 1 page scanned\nscanimage: received signal 13\nscanimage: trying to stop scanner\n' +
      'scanimage: received signal 13\nscanimage: aborting\n';
    expect(faultStatusOf(aborted)).toBe(6);
    expect(faultForExit(faultStatusOf(aborted)!).code).toBe('SCANNER_JAMMED');
    expect(lastScanimageMessage(aborted)).toBe('aborting'); // why the driver reports the sane_read line instead
    expect(faultStatusOf('Scanning page 1\nProgress: 100.0%\nScanned page 1. (scanner status = 5)\n')).toBeNull();
    expect(faultStatusOf('scanimage: sane_start: Document feeder out of documents\nBatch terminated, 0 pages scanned\n')).toBeNull();
  });

  it('parses the SOHOA_TEST_FAULT_AT_SHEET test seam and ignores junk', () => {
    const m = parseFaultSeam('4:SANE_STATUS_JAMMED, 12:SANE_STATUS_COVER_OPEN,x:y,3:SANE_STATUS_NOPE');
    expect([...m]).toEqual([
      [4, 'SANE_STATUS_JAMMED'],
      [12, 'SANE_STATUS_COVER_OPEN'],
    ]);
    expect(parseFaultSeam(undefined).size).toBe(0);
  });
});

describe('station SANE configuration', () => {
  it('copies the system backends, adds test only in demo mode, with A4 geometry and a trailing colon', () => {
    const sys = tempDir();
    writeFileSync(join(sys, 'dll.conf'), '# comment\nnet\n#test\nepson2 # trailing\n\n');
    writeFileSync(join(sys, 'test.conf'), 'number_of_devices 2\ngeometry_max 200.0\nbr_x 80.0\nbr_y 100.0\n');
    expect(systemBackends(sys)).toEqual(['net', 'epson2']);
    expect(a4TestConf(sys)).toBe('number_of_devices 2\ngeometry_max 500.0\nbr_x 210.0\nbr_y 297.0\n');
    const dir = join(tempDir(), 'sane');
    const { env } = writeSaneConfig({ dir, demo: true, systemDir: sys });
    expect(env.SANE_CONFIG_DIR).toBe(`${dir}:`);
    expect(readFileSync(join(dir, 'dll.conf'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'))).toEqual(['net', 'epson2', 'test']);
    writeSaneConfig({ dir, demo: false, systemDir: sys });
    expect(readFileSync(join(dir, 'dll.conf'), 'utf8')).not.toMatch(/^test$/m);
  });
});

describe('scanimage arguments per sheet', () => {
  const driver = new SaneDriver({ env: {} });
  const p = (x: Record<string, unknown>) => scanProfileSchema.parse({ name: 'p', pixelType: 'color', resolution: 200, source: 'feeder', ...x });

  it('runs one sheet into the spool with the batch number, mode, resolution, source and A4 geometry', () => {
    const caps = capabilitiesFrom('sane:test:0', 'test:0', parseOptions(OPTIONS));
    const args = driver.sheetArgs('sane:test:0', caps, p({ driverOptions: { 'test-picture': 'Grid', 'hand-scanner': false } }), '/spool/J', 7);
    expect(args.slice(0, 8)).toEqual(['-d', 'test:0', '--format=pnm', '--batch=/spool/J/s%06d.pnm', '--batch-start=7', '--batch-count=1', '--batch-print', '--progress']);
    expect(args).toEqual(expect.arrayContaining(['--mode=Color', '--depth=8', '--resolution=200', '--source=Automatic Document Feeder', '-x', '210', '-y', '297', '--test-picture=Grid', '--hand-scanner=no']));
  });

  it('picks the duplex source only when asked and offered, and bitonal as grey at depth 1 where there is no lineart', () => {
    const other = capabilitiesFrom('sane:x:1', 'x:1', parseOptions(OTHER));
    expect(driver.sheetArgs('sane:x:1', other, p({ duplex: true }), '/s', 1)).toContain('--source=ADF Duplex');
    expect(driver.sheetArgs('sane:x:1', other, p({ duplex: false }), '/s', 1)).toContain('--source=ADF');
    expect(driver.sheetArgs('sane:x:1', other, p({ pixelType: 'bw', exception: { reason: 'text' } }), '/s', 1)).toContain('--mode=Lineart');
    const test = capabilitiesFrom('sane:test:0', 'test:0', parseOptions(OPTIONS));
    const bw = driver.sheetArgs('sane:test:0', test, p({ pixelType: 'bw', exception: { reason: 'text' } }), '/s', 1);
    expect(bw).toEqual(expect.arrayContaining(['--mode=Gray', '--depth=1']));
  });

  it('refuses driver options that would override what the station sets', () => {
    const caps = capabilitiesFrom('sane:test:0', 'test:0', parseOptions(OPTIONS));
    expect(() => driver.sheetArgs('sane:test:0', caps, p({ driverOptions: { resolution: 50 } }), '/s', 1)).toThrow(StationError);
  });
});
