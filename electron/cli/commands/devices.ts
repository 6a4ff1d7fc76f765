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
  summary: 'list the scanners of every available driver (SANE, eSCL…), with their capabilities',
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

export const devicesAddEsclCommand: Command = {
  name: 'devices add-escl',
  summary: 'add a network (eSCL / AirScan) scanner by its URL',
  usage:
    'sohoa devices add-escl URL [--trust SHA256] [--json]\n' +
    '  URL      the scanner\'s eSCL address, e.g. http://192.168.1.50/eSCL (a bare http://host:port means /eSCL/)\n' +
    '  --trust  HTTPS: the SHA-256 fingerprint of the scanner\'s certificate, confirmed by an admin (the first\n' +
    '           attempt without it prints the fingerprint); the certificate is pinned from then on.\n' +
    '  The scanner is kept in the settings and found again by its UUID when its address changes.',
  options: { trust: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    return withClient(args.dataDir, async (client) => {
      const trust = args.values.trust as string | undefined;
      const r = await client.call('devices.addEscl', { url: args.positionals[0]!, ...(trust ? { trustFingerprint: trust } : {}) });
      if (!r.ok) {
        printError(io, args.json, r.error);
        const fp = (r.error.details as { fingerprint256?: string } | undefined)?.fingerprint256;
        if (!args.json && r.error.code === 'SCANNER_CERT_NOT_TRUSTED' && fp) {
          io.err(`Dấu vân tay / fingerprint SHA-256: ${fp}`);
          io.err(`So với màn hình máy quét, rồi / compare with the scanner's panel, then: sohoa devices add-escl ${args.positionals[0]!} --trust ${fp}`);
        }
        return EXIT.ERROR;
      }
      if (args.json) io.out(JSON.stringify(r.value, null, 2));
      else io.out(`Đã thêm / added: ${r.value.id}  ${r.value.name}  (${r.value.type})`);
      return EXIT.OK;
    });
  },
};
