import { PAGE_SIZES_MM, type Capabilities, type ScanProfile } from '../../electron/common/capture';
import { StationError } from '../../electron/common/errors';
import { child, childText, descendants, parseXml, PWG_NS, SCAN_NS, type XmlElement } from './xml';

/**
 * eSCL ScannerCapabilities → the station's capability model, ScanProfile → ScanSettings, ScannerStatus →
 * state (scanner-protocols.md §1.3, §4.1).
 */

export interface InputCaps {
  maxWidth: number;
  maxHeight: number;
  colorModes: string[];
  formats: string[];
  /** Discrete resolutions with X = Y (clients drop the rest). */
  resolutions: number[];
}

export interface EsclCaps {
  uuid: string | null;
  makeAndModel: string;
  manufacturer: string;
  platen: InputCaps | null;
  adfSimplex: InputCaps | null;
  adfDuplex: InputCaps | null;
  feederCapacity: number | null;
}

const num = (s: string | undefined): number | null => {
  const n = s === undefined ? NaN : Number(s);
  return Number.isFinite(n) ? n : null;
};

function inputCaps(el: XmlElement | undefined): InputCaps | null {
  if (!el) return null;
  const colorModes = new Set<string>();
  const formats = new Set<string>();
  const resolutions = new Set<number>();
  for (const p of descendants(el, 'SettingProfile')) {
    for (const c of descendants(p, 'ColorMode')) colorModes.add(c.text.trim());
    for (const f of [...descendants(p, 'DocumentFormat'), ...descendants(p, 'DocumentFormatExt')]) formats.add(f.text.trim());
    for (const r of descendants(p, 'DiscreteResolution')) {
      const x = num(childText(r, 'scan', 'XResolution'));
      const y = num(childText(r, 'scan', 'YResolution'));
      if (x !== null && x === y) resolutions.add(x);
    }
    for (const rr of descendants(p, 'ResolutionRange')) {
      // Ranges are rare; offer the usual document resolutions inside the X range.
      const xr = child(rr, 'scan', 'XResolutionRange');
      const min = num(childText(xr, 'scan', 'Min'));
      const max = num(childText(xr, 'scan', 'Max'));
      if (min !== null && max !== null) for (const d of [75, 100, 150, 200, 300, 400, 600]) if (d >= min && d <= max) resolutions.add(d);
    }
  }
  return {
    maxWidth: num(childText(el, 'scan', 'MaxWidth')) ?? 2550,
    maxHeight: num(childText(el, 'scan', 'MaxHeight')) ?? 3508,
    colorModes: [...colorModes],
    formats: [...formats],
    resolutions: [...resolutions].sort((a, b) => a - b),
  };
}

export function parseCapabilities(xml: string): EsclCaps {
  const root = parseXml(xml, 'ScannerCapabilities');
  if (root.local !== 'ScannerCapabilities') {
    throw new StationError('SCANNER_REPLY_MALFORMED', `expected ScannerCapabilities, got <${root.local}>`, { root: root.local });
  }
  const platen = child(root, 'scan', 'Platen');
  const adf = child(root, 'scan', 'Adf');
  const caps: EsclCaps = {
    uuid: childText(root, 'scan', 'UUID')?.replace(/^urn:uuid:/i, '').toLowerCase() ?? null,
    makeAndModel: childText(root, 'pwg', 'MakeAndModel') ?? 'eSCL scanner',
    manufacturer: childText(root, 'scan', 'Manufacturer') ?? '',
    platen: inputCaps(child(platen, 'scan', 'PlatenInputCaps')),
    adfSimplex: inputCaps(child(adf, 'scan', 'AdfSimplexInputCaps')),
    adfDuplex: inputCaps(child(adf, 'scan', 'AdfDuplexInputCaps')),
    feederCapacity: num(childText(adf, 'scan', 'FeederCapacity')),
  };
  if (!caps.platen && !caps.adfSimplex && !caps.adfDuplex) {
    throw new StationError('SCANNER_REPLY_MALFORMED', 'the scanner lists no input source (neither Platen nor Adf)', {});
  }
  return caps;
}

const PIXEL_OF_MODE: Record<string, ScanProfile['pixelType']> = { RGB24: 'color', RGB48: 'color', Grayscale8: 'gray', Grayscale16: 'gray', BlackAndWhite1: 'bw' };
const MM_PER_UNIT = 25.4 / 300;

export function toCapabilities(deviceId: string, c: EsclCaps): Capabilities {
  const inputs = [c.platen, c.adfSimplex, c.adfDuplex].filter((i): i is InputCaps => i !== null);
  const pixelTypes = [...new Set(inputs.flatMap((i) => i.colorModes.map((m) => PIXEL_OF_MODE[m]).filter((p) => p !== undefined)))];
  const values = [...new Set(inputs.flatMap((i) => i.resolutions))].sort((a, b) => a - b);
  const maxW = Math.max(...inputs.map((i) => i.maxWidth));
  const maxH = Math.max(...inputs.map((i) => i.maxHeight));
  const maxWidthMm = Math.round(maxW * MM_PER_UNIT * 10) / 10;
  const maxHeightMm = Math.round(maxH * MM_PER_UNIT * 10) / 10;
  const pageSizes = (Object.keys(PAGE_SIZES_MM) as (keyof typeof PAGE_SIZES_MM)[]).filter((k) => PAGE_SIZES_MM[k][0] <= maxWidthMm + 1 && PAGE_SIZES_MM[k][1] <= maxHeightMm + 1);
  return {
    deviceId,
    pixelTypes: (['color', 'gray', 'bw'] as const).filter((p) => pixelTypes.includes(p)),
    resolutions: { values },
    sources: [...(c.platen ? ['flatbed' as const] : []), ...(c.adfSimplex || c.adfDuplex ? ['feeder' as const] : [])],
    duplex: c.adfDuplex !== null,
    // Capacity of the tray, not the sheets loaded: the load ends when NextDocument answers 404.
    feederCapacity: null,
    maxWidthMm,
    maxHeightMm,
    pageSizes: [...pageSizes, 'max'],
    brightness: false,
    contrast: false,
    blankPageDetection: 'station',
    driverOptions: [],
  };
}

export interface JobSettings {
  input: InputCaps;
  source: 'Platen' | 'Feeder';
  duplex: boolean;
  colorMode: string;
  format: 'image/jpeg' | 'image/png';
  xml: string;
}

/** ScanSettings for a profile, with literal scan:/pwg: prefixes (as sane-airscan sends them). */
export function scanSettings(c: EsclCaps, p: ScanProfile): JobSettings {
  const duplex = p.source === 'feeder' && p.duplex && c.adfDuplex !== null;
  const input = p.source === 'flatbed' ? c.platen : duplex ? c.adfDuplex : (c.adfSimplex ?? c.adfDuplex);
  if (!input) throw new StationError('UNSUPPORTED', `the scanner has no ${p.source}`, { setting: 'source' });
  const wanted = p.pixelType === 'color' ? ['RGB24', 'RGB48'] : p.pixelType === 'gray' ? ['Grayscale8', 'Grayscale16'] : ['BlackAndWhite1', 'Grayscale8'];
  const colorMode = wanted.find((m) => input.colorModes.includes(m));
  if (!colorMode) throw new StationError('UNSUPPORTED', `the scanner cannot scan ${p.pixelType}`, { setting: 'pixelType', offered: input.colorModes });
  if (!input.resolutions.includes(p.resolution)) {
    throw new StationError('INVALID_PROFILE', `the scanner cannot scan at ${p.resolution} dpi`, { setting: 'resolution', values: input.resolutions });
  }
  // JPEG keeps the network transfer small; PNG where JPEG is not offered (the station re-encodes later anyway).
  const format = input.formats.includes('image/jpeg') ? 'image/jpeg' : input.formats.includes('image/png') ? 'image/png' : null;
  if (!format) throw new StationError('UNSUPPORTED', 'the scanner offers neither JPEG nor PNG pages', { offered: input.formats });
  const [wMm, hMm] = p.pageSize === 'max' ? [Infinity, Infinity] : typeof p.pageSize === 'string' ? PAGE_SIZES_MM[p.pageSize] : [p.pageSize.widthMm, p.pageSize.heightMm];
  const w = Math.min(input.maxWidth, Math.round(wMm / MM_PER_UNIT));
  const h = Math.min(input.maxHeight, Math.round(hMm / MM_PER_UNIT));
  const source = p.source === 'flatbed' ? 'Platen' : 'Feeder';
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<scan:ScanSettings xmlns:pwg="${PWG_NS}" xmlns:scan="${SCAN_NS}">` +
    '<pwg:Version>2.0</pwg:Version>' +
    '<scan:Intent>Document</scan:Intent>' +
    '<pwg:ScanRegions><pwg:ScanRegion><pwg:ContentRegionUnits>escl:ThreeHundredthsOfInches</pwg:ContentRegionUnits>' +
    `<pwg:XOffset>0</pwg:XOffset><pwg:YOffset>0</pwg:YOffset><pwg:Width>${w}</pwg:Width><pwg:Height>${h}</pwg:Height></pwg:ScanRegion></pwg:ScanRegions>` +
    `<pwg:InputSource>${source}</pwg:InputSource>` +
    `<scan:ColorMode>${colorMode}</scan:ColorMode>` +
    `<pwg:DocumentFormat>${format}</pwg:DocumentFormat>` +
    (input.formats.includes(format) ? `<scan:DocumentFormatExt>${format}</scan:DocumentFormatExt>` : '') +
    `<scan:XResolution>${p.resolution}</scan:XResolution><scan:YResolution>${p.resolution}</scan:YResolution>` +
    (source === 'Feeder' ? `<scan:Duplex>${duplex}</scan:Duplex>` : '') +
    '</scan:ScanSettings>';
  return { input, source, duplex, colorMode, format, xml };
}

export interface EsclStatus {
  state: string;
  adfState: string | null;
}

export function parseStatus(xml: string): EsclStatus {
  const root = parseXml(xml, 'ScannerStatus');
  if (root.local !== 'ScannerStatus') throw new StationError('SCANNER_REPLY_MALFORMED', `expected ScannerStatus, got <${root.local}>`, { root: root.local });
  return { state: childText(root, 'pwg', 'State') ?? 'Unknown', adfState: childText(root, 'scan', 'AdfState') ?? null };
}
