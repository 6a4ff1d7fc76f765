import { PAGE_SIZES_MM, type Capabilities, type DriverOptionSpec, type PixelType, type ScanSource } from '../../electron/common/capture';

/** Parses `scanimage -d DEV -A` (all options of a device) into option specs. */
export function parseOptions(text: string): DriverOptionSpec[] {
  const out: DriverOptionSpec[] = [];
  for (const line of text.split('\n')) {
    const m = /^ {4}(-{1,2})([A-Za-z0-9][A-Za-z0-9-]*)(\[=\(([^)]*)\)\])?(?: (.*?))? \[([^\]]*)\]\s*$/.exec(line);
    if (!m) continue;
    const name = m[2]!;
    const boolValues = m[4];
    const spec = (m[5] ?? '').trim();
    const bracket = m[6]!;
    const active = bracket !== 'inactive';
    const def = active && bracket !== 'advanced' ? bracket : null;
    if (boolValues !== undefined) {
      out.push({ name, type: 'bool', values: boolValues.split('|'), default: def, active });
      continue;
    }
    const range = /^(-?[\d.]+)\.\.(-?[\d.]+)([A-Za-z%]*)(?:,\.\.\.)?(?: \(in steps of (-?[\d.]+)\))?$/.exec(spec);
    if (range && !spec.includes(',...')) {
      out.push({ name, type: 'range', range: { min: Number(range[1]), max: Number(range[2]), step: range[4] === undefined ? 0 : Number(range[4]) }, default: def, active });
      continue;
    }
    if (spec.includes('|') && !spec.includes(',...')) {
      const values = spec.split('|');
      const last = values.length - 1;
      // A unit follows the last value of a numeric list: 75|150|300dpi.
      if (/^-?[\d.]+[A-Za-z%]+$/.test(values[last]!) && /^-?[\d.]+$/.test(values[0]!)) values[last] = values[last]!.replace(/[A-Za-z%]+$/, '');
      out.push({ name, type: 'list', values, default: def, active });
      continue;
    }
    out.push({ name, type: 'string', default: def, active });
  }
  return out;
}

export function pixelTypeOfMode(mode: string): PixelType | null {
  if (/colou?r|rgb/i.test(mode)) return 'color';
  if (/gr[ae]y/i.test(mode)) return 'gray';
  if (/lineart|binary|black|halftone|mono/i.test(mode)) return 'bw';
  return null;
}

export function sourceKind(value: string): ScanSource | null {
  if (/adf|feeder|automatic|document/i.test(value)) return 'feeder';
  if (/flatbed|platen|normal/i.test(value)) return 'flatbed';
  return null;
}

/** Sheets per load when the backend is known to refill its feeder on every open (the SANE test backend: 10). */
export function emulatedFeederCapacity(saneName: string): number | null {
  return saneName.startsWith('test:') || saneName === 'test' ? 10 : null;
}

export function capabilitiesFrom(deviceId: string, saneName: string, opts: DriverOptionSpec[]): Capabilities {
  const byName = new Map(opts.map((o) => [o.name, o]));
  const mode = byName.get('mode');
  const depth = byName.get('depth');
  const pixelTypes = new Set<PixelType>();
  for (const v of mode?.values ?? []) {
    const pt = pixelTypeOfMode(v);
    if (pt) pixelTypes.add(pt);
  }
  if (pixelTypes.has('gray') && depth?.values?.includes('1')) pixelTypes.add('bw');
  if (!mode) pixelTypes.add('color');
  const res = byName.get('resolution') ?? byName.get('x-resolution');
  const resolutions: Capabilities['resolutions'] = {};
  if (res?.range) resolutions.range = res.range;
  if (res?.values) resolutions.values = res.values.map(Number).filter((n) => Number.isFinite(n));
  const source = byName.get('source');
  const sources = new Set<ScanSource>();
  let duplex = false;
  for (const v of source?.values ?? []) {
    const k = sourceKind(v);
    if (k) sources.add(k);
    if (/duplex/i.test(v)) duplex = true;
  }
  if (byName.get('duplex') || byName.get('adf-mode')?.values?.some((v) => /duplex/i.test(v))) duplex = true;
  if (sources.size === 0) sources.add('flatbed');
  const x = byName.get('x')?.range;
  const y = byName.get('y')?.range;
  const maxWidthMm = x ? x.max : null;
  const maxHeightMm = y ? y.max : null;
  const pageSizes: Capabilities['pageSizes'] = ['max'];
  for (const [name, [w, h]] of Object.entries(PAGE_SIZES_MM)) {
    if (maxWidthMm !== null && maxHeightMm !== null && w <= maxWidthMm + 0.5 && h <= maxHeightMm + 0.5) pageSizes.push(name as keyof typeof PAGE_SIZES_MM);
  }
  return {
    deviceId,
    pixelTypes: [...pixelTypes],
    resolutions,
    sources: [...sources],
    duplex,
    feederCapacity: sources.has('feeder') ? emulatedFeederCapacity(saneName) : null,
    maxWidthMm,
    maxHeightMm,
    pageSizes,
    brightness: byName.has('brightness'),
    contrast: byName.has('contrast'),
    blankPageDetection: 'station',
    driverOptions: opts,
  };
}
