import { z } from 'zod';
import type { ScanProfile } from '../../common/capture';
import { MIN_COMPLIANT_DPI } from '../../common/compliance';
import { StationError } from '../../common/errors';
import { parseProfile } from './scanProfile';

/**
 * The conversion of a scanner.js-style request (`twain_cap_setting`, `output_settings`) into a station
 * profile, so integrations written for scanner.js keep working.
 */
const capValue = z.union([z.string(), z.number(), z.boolean()]);

/** The subset of a scanner.js (Asprise) scan request the station reads; other keys are ignored. */
export const scannerJsRequestSchema = z
  .object({
    twain_cap_setting: z.record(z.string(), z.union([capValue, z.array(capValue)])),
    output_settings: z.array(z.object({ type: z.string(), format: z.string().optional() }).passthrough()).optional(),
    name: z.string().optional(),
    exception: z.object({ reason: z.string() }).optional(),
    driver_options: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  })
  .passthrough();
export type ScannerJsRequest = z.infer<typeof scannerJsRequestSchema>;

export function isScannerJsRequest(v: unknown): boolean {
  return typeof v === 'object' && v !== null && 'twain_cap_setting' in v;
}

const PIXEL_TYPES: Record<string, ScanProfile['pixelType']> = {
  TWPT_BW: 'bw',
  '0': 'bw',
  TWPT_GRAY: 'gray',
  '1': 'gray',
  TWPT_RGB: 'color',
  '2': 'color',
};

const SIZES: Record<string, ScanProfile['pageSize']> = {
  TWSS_NONE: 'max',
  '0': 'max',
  TWSS_A4: 'A4',
  TWSS_A4LETTER: 'A4',
  '1': 'A4',
  TWSS_USLETTER: 'Letter',
  '3': 'Letter',
  TWSS_USLEGAL: 'Legal',
  '4': 'Legal',
  TWSS_A5: 'A5',
  '5': 'A5',
  TWSS_A3: 'A3',
  '11': 'A3',
};

const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);

function asBool(v: unknown, cap: string): boolean {
  const x = first(v);
  if (typeof x === 'boolean') return x;
  if (typeof x === 'number') return x !== 0;
  if (typeof x === 'string' && /^(true|1|yes)$/i.test(x.trim())) return true;
  if (typeof x === 'string' && /^(false|0|no)$/i.test(x.trim())) return false;
  throw new StationError('INVALID_PROFILE', `${cap}: not a boolean (${String(x)})`, { cap });
}

function asNumber(v: unknown, cap: string): number {
  const x = first(v);
  const n = typeof x === 'number' ? x : typeof x === 'string' && x.trim() !== '' ? Number(x) : NaN;
  if (!Number.isFinite(n)) throw new StationError('INVALID_PROFILE', `${cap}: not a number (${String(x)})`, { cap });
  return n;
}

/**
 * Converts a scanner.js request to a station profile, field by field:
 * ICAP_PIXELTYPE → pixelType, ICAP_XRESOLUTION (= ICAP_YRESOLUTION) → resolution, CAP_FEEDERENABLED → source,
 * CAP_DUPLEXENABLED → duplex, ICAP_SUPPORTEDSIZES → pageSize, ICAP_BRIGHTNESS/ICAP_CONTRAST (−1000..1000)
 * → brightness/contrast (−100..100), ICAP_AUTODISCARDBLANKPAGES (−2 off, else discard) → blankPages.
 * Unknown capabilities are reported back, never silently dropped.
 */
export function convertScannerJs(input: unknown): { profile: ScanProfile; ignored: string[] } {
  const parsed = scannerJsRequestSchema.safeParse(input);
  if (!parsed.success) {
    throw new StationError('INVALID_PROFILE', 'not a scanner.js request: twain_cap_setting missing or malformed', {
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  const req = parsed.data;
  const caps = req.twain_cap_setting;
  const ignored: string[] = [];
  const out: Record<string, unknown> = { name: req.name ?? 'scanner.js request' };
  for (const [cap, value] of Object.entries(caps)) {
    switch (cap) {
      case 'ICAP_PIXELTYPE': {
        const key = String(first(value)).trim().toUpperCase();
        const pt = PIXEL_TYPES[key];
        if (!pt) throw new StationError('INVALID_PROFILE', `ICAP_PIXELTYPE: unknown pixel type ${key}`, { cap });
        out.pixelType = pt;
        break;
      }
      case 'ICAP_XRESOLUTION':
      case 'ICAP_YRESOLUTION': {
        const n = asNumber(value, cap);
        if (out.resolution !== undefined && out.resolution !== n) {
          throw new StationError('INVALID_PROFILE', `ICAP_XRESOLUTION and ICAP_YRESOLUTION differ (${String(out.resolution)} / ${n})`, { cap });
        }
        out.resolution = n;
        break;
      }
      case 'CAP_FEEDERENABLED':
        out.source = asBool(value, cap) ? 'feeder' : 'flatbed';
        break;
      case 'CAP_DUPLEXENABLED':
        out.duplex = asBool(value, cap);
        break;
      case 'ICAP_SUPPORTEDSIZES': {
        const key = String(first(value)).trim().toUpperCase();
        const size = SIZES[key];
        if (!size) throw new StationError('INVALID_PROFILE', `ICAP_SUPPORTEDSIZES: unsupported size ${key}`, { cap });
        out.pageSize = size;
        break;
      }
      case 'ICAP_BRIGHTNESS':
        out.brightness = asNumber(value, cap) / 10;
        break;
      case 'ICAP_CONTRAST':
        out.contrast = asNumber(value, cap) / 10;
        break;
      case 'ICAP_AUTODISCARDBLANKPAGES': {
        const x = String(first(value)).trim().toUpperCase();
        out.blankPages = x === '-2' || x === 'TWBP_DISABLE' || x === 'FALSE' ? 'flag' : 'discard';
        break;
      }
      case 'CAP_AUTOFEED':
      case 'CAP_INDICATORS':
      case 'CAP_XFERCOUNT':
      case 'ICAP_XFERMECH':
      case 'ICAP_UNITS':
      case 'ICAP_BITDEPTH':
        // Transfer and UI details the station decides itself; they change nothing in the image.
        break;
      default:
        ignored.push(cap);
    }
  }
  if (out.resolution === undefined) out.resolution = MIN_COMPLIANT_DPI;
  if (out.pixelType === undefined) out.pixelType = 'color';
  if (out.source === undefined) out.source = 'flatbed';
  if (req.exception) out.exception = req.exception;
  if (req.driver_options) out.driverOptions = req.driver_options;
  const profile = parseProfile(out);
  return { profile, ignored };
}
