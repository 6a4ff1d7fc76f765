import { z } from 'zod';
import { ERROR_CODES } from './errors';
import { SHEET_KINDS, SHEET_PROBLEMS } from './sheetCodes';

/**
 * Capture shapes shared by the service, the CLI and the renderer: scan profiles (TWAIN-style settings),
 * device capabilities, scan jobs and the scan events pushed on the bridge. Documented in docs/capture.md.
 */

export const pixelTypeSchema = z.enum(['color', 'gray', 'bw']);
export type PixelType = z.infer<typeof pixelTypeSchema>;

export const scanSourceSchema = z.enum(['flatbed', 'feeder']);
export type ScanSource = z.infer<typeof scanSourceSchema>;

export const PAGE_SIZES_MM = {
  A3: [297, 420],
  A4: [210, 297],
  A5: [148, 210],
  Letter: [215.9, 279.4],
  Legal: [215.9, 355.6],
} as const satisfies Record<string, readonly [number, number]>;
export const pageSizeNameSchema = z.enum(['A3', 'A4', 'A5', 'Letter', 'Legal', 'max']);
export const pageSizeSchema = z.union([
  pageSizeNameSchema,
  z.object({ widthMm: z.number().positive().max(2000), heightMm: z.number().positive().max(5000) }).strict(),
]);
export type PageSize = z.infer<typeof pageSizeSchema>;

/** Highest resolution any real scanner offers; above it a value is impossible, not merely unsupported. */
export const MAX_RESOLUTION_DPI = 4800;

export const driverOptionValue = z.union([z.string().max(200), z.number(), z.boolean()]);

/**
 * A scan profile: the station's TWAIN-style settings. `exception` marks a profile that knowingly breaks the
 * capture rules (colour, ≥ 200 dpi, 100 % scale) — e.g. bitonal text where the province allows it.
 */
export const scanProfileSchema = z
  .object({
    name: z.string().min(1).max(80),
    description: z.string().max(500).optional(),
    pixelType: pixelTypeSchema, // ICAP_PIXELTYPE
    resolution: z.number().int().min(1).max(MAX_RESOLUTION_DPI), // ICAP_XRESOLUTION = ICAP_YRESOLUTION
    source: scanSourceSchema, // CAP_FEEDERENABLED
    duplex: z.boolean().default(false), // CAP_DUPLEXENABLED
    pageSize: pageSizeSchema.default('A4'), // ICAP_SUPPORTEDSIZES
    scalePercent: z.number().positive().max(1000).default(100),
    brightness: z.number().min(-100).max(100).default(0), // ICAP_BRIGHTNESS / 10
    contrast: z.number().min(-100).max(100).default(0), // ICAP_CONTRAST / 10
    blankPages: z.enum(['keep', 'flag', 'discard']).default('flag'), // ICAP_AUTODISCARDBLANKPAGES
    /** Options passed to the driver as they are (SANE: `--name=value`), e.g. the test backend's `test-picture`. */
    driverOptions: z.record(z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'option names are lower-case words with dashes'), driverOptionValue).default({}),
    exception: z.object({ reason: z.string().min(3).max(500) }).strict().optional(),
  })
  .strict();
export type ScanProfile = z.output<typeof scanProfileSchema>;
export type ScanProfileInput = z.input<typeof scanProfileSchema>;

export const rangeSchema = z.object({ min: z.number(), max: z.number(), step: z.number() });

export const driverOptionSpecSchema = z.object({
  name: z.string(),
  type: z.enum(['list', 'range', 'bool', 'string']),
  values: z.array(z.string()).optional(),
  range: rangeSchema.optional(),
  default: z.string().nullable(),
  active: z.boolean(),
});
export type DriverOptionSpec = z.infer<typeof driverOptionSpecSchema>;

/** What a device can do, in TWAIN terms (sources, pixel types, resolutions, duplex, sizes, brightness…). */
export const capabilitiesSchema = z.object({
  deviceId: z.string(),
  pixelTypes: z.array(pixelTypeSchema),
  resolutions: z.object({ range: rangeSchema.optional(), values: z.array(z.number()).optional() }),
  sources: z.array(scanSourceSchema),
  duplex: z.boolean(),
  /** Sheets per ADF load when the driver knows it. */
  feederCapacity: z.number().int().nullable(),
  maxWidthMm: z.number().nullable(),
  maxHeightMm: z.number().nullable(),
  pageSizes: z.array(pageSizeNameSchema),
  brightness: z.boolean(),
  contrast: z.boolean(),
  /** Blank pages are detected by the station after capture (the driver does not drop them). */
  blankPageDetection: z.enum(['station', 'device']),
  driverOptions: z.array(driverOptionSpecSchema),
});
export type Capabilities = z.infer<typeof capabilitiesSchema>;

export const scanJobStateSchema = z.enum(['running', 'paused', 'completed', 'failed', 'interrupted', 'cancelled']);
export type ScanJobState = z.infer<typeof scanJobStateSchema>;

export const errorCodeSchema = z.enum(ERROR_CODES);

export const scanFaultSchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
  /** Sheet (capture sequence) at which the fault happened. */
  seq: z.number().int().nullable(),
  /** True when scan.continue can resume the batch after the clerk acts. */
  continuable: z.boolean(),
});
export type ScanFault = z.infer<typeof scanFaultSchema>;

export const capturedPageSchema = z.object({
  id: z.string(),
  jobId: z.string(),
  componentId: z.string(),
  seq: z.number().int(),
  position: z.number().int(),
  sha256: z.string(),
  mediaType: z.string(),
  size: z.number().int(),
  width: z.number().int(),
  height: z.number().int(),
  dpi: z.number().int(),
  pixelType: pixelTypeSchema,
  createdAt: z.string(),
});
export type CapturedPage = z.infer<typeof capturedPageSchema>;

export const scanJobSchema = z.object({
  id: z.string(),
  componentId: z.string().nullable(),
  deviceId: z.string(),
  profile: scanProfileSchema,
  state: scanJobStateSchema,
  errorCode: errorCodeSchema.nullable(),
  fault: scanFaultSchema.nullable(),
  pagesDone: z.number().int(),
  /** Settings the device cannot honour (e.g. ['duplex'] on the SANE test device): scanned without them. */
  unsupported: z.array(z.string()),
  /** Percent of the sheet being scanned now (null when idle). */
  progress: z.number().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
});
export type ScanJob = z.infer<typeof scanJobSchema>;

export const scanJobDetailSchema = scanJobSchema.extend({ pages: z.array(capturedPageSchema) });
export type ScanJobDetail = z.infer<typeof scanJobDetailSchema>;

/**
 * Events on station.emit / the bridge's /events stream. `scan.page` is sent only once the page is durable
 * (blob fsynced, row committed). `scan.end.reason`: feeder-empty (a load finished normally), done (flatbed
 * sheet), fault (see scan.fault before it), cancelled, interrupted.
 */
export const scanEventSchemas = {
  'scan.started': z.object({ jobId: z.string(), componentId: z.string().nullable(), deviceId: z.string(), firstSeq: z.number().int(), unsupported: z.array(z.string()) }),
  'scan.page': capturedPageSchema,
  'scan.progress': z.object({ jobId: z.string(), seq: z.number().int(), percent: z.number() }),
  'scan.warning': z.object({ jobId: z.string(), code: errorCodeSchema, message: z.string(), setting: z.string().optional() }),
  'scan.fault': scanFaultSchema.extend({ jobId: z.string(), pagesDone: z.number().int() }),
  'scan.end': z.object({
    jobId: z.string(),
    state: scanJobStateSchema,
    reason: z.enum(['feeder-empty', 'done', 'fault', 'cancelled', 'interrupted']),
    pagesDone: z.number().int(),
    pagesThisRun: z.number().int(),
  }),
  /** The ingest analysis of a durable page (after its scan.page): stored on the page row before this is sent. */
  'page.analysed': z.object({
    pageId: z.string(),
    componentId: z.string(),
    jobId: z.string().nullable(),
    seq: z.number().int(),
    blankFlag: z.enum(['none', 'flagged', 'confirmed_blank', 'confirmed_keep']),
    blankScore: z.number(),
    skewDeg: z.number(),
    /** The rotation turned on by the analysis (0 = none): announced on the page, undone with pages.rotate. */
    autoRotation: z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]),
    compliant: z.boolean(),
    issues: z.array(z.string()),
    /** A cover/separator sheet (kept out of the PDF; `componentId` is the component it opened), else null. */
    sheet: z.enum(SHEET_KINDS).nullable(),
    /** A code on the page the station could not use (flagged for the clerk), else null. */
    sheetProblem: z.enum(SHEET_PROBLEMS).nullable(),
  }),
} as const;
export type ScanEventType = keyof typeof scanEventSchemas;
export type ScanEventData<T extends ScanEventType> = z.infer<(typeof scanEventSchemas)[T]>;
