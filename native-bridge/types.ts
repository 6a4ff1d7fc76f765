import type { Capabilities, ScanProfile } from '../electron/common/capture';
import type { ErrorCode } from '../electron/common/errors';
import type { Device } from '../electron/common/schemas';

/**
 * The driver interface every scanner technology implements (SANE here; eSCL, WIA and TWAIN fit the same
 * shape). Capabilities and settings follow the TWAIN model (see electron/common/capture.ts).
 */
export interface ScannerDriver {
  readonly kind: Device['driver'];
  /**
   * Whether this driver can run on this machine at all, and why not (shown by `sohoa doctor`). May answer
   * at once (a platform check) or after probing (running the helper's `--version`).
   */
  available(): DriverAvailability | Promise<DriverAvailability>;
  listDevices(opts?: { refresh?: boolean }): Promise<Device[]>;
  capabilities(deviceId: string): Promise<Capabilities>;
  /** Starts one load (one feeder stack, or one flatbed sheet). Pages land in `spoolDir` as they finish. */
  scan(deviceId: string, profile: ScanProfile, opts: ScanRunOptions): ScanRun;
}

export interface DriverAvailability {
  ok: boolean;
  /** Why the driver cannot run here (wrong platform, helper not installed…); set when `ok` is false. */
  reason?: string;
}

/** The logging a driver needs; the service passes its own logger in (native-bridge does not import core). */
export interface DriverLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** For drivers used outside the service (tests, tools) with nothing to log to. */
export const silentLogger: DriverLogger = { info: () => {}, warn: () => {}, error: () => {} };

export interface ScanRunOptions {
  /** Directory the driver writes pages into: `<seq>.pnm.part` while scanning, renamed to `<seq>.pnm` when done. */
  spoolDir: string;
  /** Capture sequence of the first sheet of this load (pages continue the job's numbering). */
  firstSeq: number;
  /** A driver silent for this long is killed (whole process group) and SCANNER_HANG reported. */
  watchdogMs: number;
  /** Whether pages were already captured in this job: an open failure then means the device vanished. */
  midBatch: boolean;
}

export interface SpooledPage {
  seq: number;
  /** Finished file in the spool directory. */
  file: string;
  mediaType: string;
  width: number;
  height: number;
  dpi: number;
  pixelType: ScanProfile['pixelType'];
}

export interface DriverFault {
  code: ErrorCode;
  message: string;
  seq: number | null;
  /** False when retrying cannot help (e.g. invalid settings). */
  continuable: boolean;
  details?: Record<string, unknown>;
}

export type ScanRunEvent =
  | { type: 'page-started'; seq: number }
  | { type: 'progress'; seq: number; percent: number }
  | { type: 'page'; page: SpooledPage }
  | { type: 'warning'; code: ErrorCode; message: string }
  | { type: 'end'; reason: 'feeder-empty' | 'done' | 'cancelled' | 'fault'; fault?: DriverFault; pages: number };

/** One running load. Events arrive in order; `end` is always the last one. */
export interface ScanRun {
  on(listener: (ev: ScanRunEvent) => void | Promise<void>): void;
  cancel(): void;
  /** Resolves with the final `end` event once every listener call has settled. */
  readonly done: Promise<Extract<ScanRunEvent, { type: 'end' }>>;
}
