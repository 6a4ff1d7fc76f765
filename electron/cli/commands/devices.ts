import type { Capabilities } from '../../common/capture';
import { EXIT, type Command } from '../command';
import { withClient } from '../connect';
import { printError, table } from '../output';

function describeCaps(c: Capabilities): string {
  const res = c.resolutions.range ? `${c.resolutions.range.min}–${c.resolutions.range.max} dpi` : `${(c.resolutions.values ?? []).join('/')} dpi`;
  return [
    `    nguồn / sources: ${c.sources.join(', ')}${c.duplex ? ' (duplex)' : ''}${c.feederCapacity ? `, ADF ${c.feederCapacity} tờ/sheets` : ''}`,
    `    màu / pixel types: ${c.pixelTypes.join(', ')} · độ phân giải / resolution: ${res}`,
    `    khổ / sizes: ${c.pageSizes.join(', ')}${c.maxWidthMm ? ` (max ${c.maxWidthMm}×${c.maxHeightMm} mm)` : ''}`,
  ].join('\n');
}

export const devicesCommand: Command = {
  name: 'devices',
  summary: 'list the scanners the station sees, with their capabilities',
  usage:
    'sohoa devices [--refresh] [--demo] [--json]\n' +
    '  --demo     offer the SANE test scanner (as `sohoa serve --demo`; also SOHOA_DEMO=1) when no service runs\n' +
    '  --refresh  ask the drivers again instead of the list cached for a few seconds',
  options: { refresh: { type: 'boolean' }, demo: { type: 'boolean' } },
  async run(args, io) {
    if (args.values.demo === true) process.env.SOHOA_DEMO = '1';
    return withClient(args.dataDir, async (client) => {
      const list = await client.call('devices.list', { refresh: args.values.refresh === true });
      if (!list.ok) {
        printError(io, args.json, list.error);
        return EXIT.ERROR;
      }
      const rows: { device: (typeof list.value)[number]; capabilities: Capabilities | null; error?: unknown }[] = [];
      for (const d of list.value) {
        const caps = await client.call('devices.capabilities', { deviceId: d.id });
        rows.push(caps.ok ? { device: d, capabilities: caps.value } : { device: d, capabilities: null, error: caps.error });
      }
      if (args.json) {
        io.out(JSON.stringify(rows.map((r) => ({ ...r.device, capabilities: r.capabilities, ...(r.error ? { error: r.error } : {}) })), null, 2));
        return EXIT.OK;
      }
      if (rows.length === 0) {
        io.out('Không tìm thấy máy quét. / No scanners found. (Demo: sohoa devices --demo)');
        return EXIT.OK;
      }
      io.out(table([['device id', 'tên / name', 'loại / type'], ...rows.map((r) => [r.device.id, r.device.name, r.device.type])]));
      for (const r of rows) {
        io.out(`  ${r.device.id}`);
        io.out(r.capabilities ? describeCaps(r.capabilities) : `    (không đọc được khả năng / capabilities unavailable)`);
      }
      return EXIT.OK;
    });
  },
};
