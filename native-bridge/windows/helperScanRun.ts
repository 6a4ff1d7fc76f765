import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ScanProfile } from '../../electron/common/capture';
import { checkPnmFile, PNM_MEDIA_TYPE } from '../pnm';
import { hostPlatform, killTree, type ProcessPlatform } from '../process/killTree';
import { RunEvents } from '../runEvents';
import { spoolName } from '../sane/driver';
import type { DriverFault, DriverLogger, ScanRun, ScanRunEvent, ScanRunOptions, SpooledPage } from '../types';
import { forwardLog, readJsonLines, type HelperCommand, type HelperEvent, type HelperLauncher, type HelperProcess } from './helperProcess';

type EndEvent = Extract<ScanRunEvent, { type: 'end' }>;

/** What a driver makes of one helper event (the protocol's state machine lives in the driver). */
export type Verdict =
  | { kind: 'ignore' }
  | { kind: 'page-started'; seq: number }
  | { kind: 'progress'; seq: number; percent: number }
  /** A finished page: `file` is in the spool directory, already in its final PNM form or converted by `prepare`. */
  | { kind: 'page'; seq: number; file: string; prepare?: () => void }
  | { kind: 'end'; reason: EndEvent['reason']; fault?: DriverFault };

export interface ScanProtocol {
  /** Called for each event in order; `pages` counts pages of this run so far. */
  interpret(ev: HelperEvent, pages: number): Verdict;
  /** The helper exited without a final event. */
  exited(code: number | null, signal: NodeJS.Signals | null, pages: number): DriverFault;
}

export interface HelperScanOptions extends ScanRunOptions {
  launch: HelperLauncher;
  command: HelperCommand;
  request: Record<string, unknown>;
  protocol: ScanProtocol;
  profile: ScanProfile;
  log: DriverLogger;
  os?: ProcessPlatform;
}

/**
 * One load through a helper: sends the request, turns its events into the driver's ScanRun events through
 * the driver's protocol, checks every finished page file before announcing it, and watches the helper — silence
 * longer than the watchdog kills its whole process tree (taskkill /T /F on Windows) and reports SCANNER_HANG.
 * Cancel asks the helper first (`{"op":"cancel"}`: it steps the device down cleanly) and kills it after 5 s.
 */
export class HelperScanRun implements ScanRun {
  // A listener that cannot keep the page (disk full…) stops the load: nothing more is scanned.
  private readonly events = new RunEvents(() => this.cancel());
  private cancelled = false;
  private child: HelperProcess | null = null;
  readonly done: Promise<EndEvent>;

  constructor(private readonly o: HelperScanOptions) {
    mkdirSync(o.spoolDir, { recursive: true, mode: 0o700 });
    this.done = new Promise((resolve) => setImmediate(resolve)).then(() => this.run());
  }

  on(listener: (ev: ScanRunEvent) => void | Promise<void>): void {
    this.events.on(listener);
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.stopHelper();
  }

  /** Asks the helper to step the device down and end; kills its tree if it has not within 5 s. */
  private stopHelper(): void {
    const child = this.child;
    if (!child) return;
    try {
      child.stdin.write(`${JSON.stringify({ op: 'cancel' })}\n`);
    } catch {
      /* already gone */
    }
    setTimeout(() => {
      if (this.child === child && child.pid !== undefined) killTree(child.pid, 'SIGKILL', this.o.os ?? hostPlatform);
    }, 5000).unref();
  }

  private emit(ev: ScanRunEvent): void {
    this.events.emit(ev);
  }

  private finish(end: EndEvent): Promise<EndEvent> {
    // A page the helper left half-written is not the station's: drop it (the next load rescans that side).
    try {
      for (const f of readdirSync(this.o.spoolDir)) if (f.endsWith('.part')) rmSync(join(this.o.spoolDir, f), { force: true });
    } catch {
      /* spool gone */
    }
    return this.events.finish(end);
  }

  private run(): Promise<EndEvent> {
    const { o } = this;
    return new Promise<EndEvent>((resolve) => {
      let pages = 0;
      let ended: EndEvent | null = null;
      let hung = false;
      let lastActivity = Date.now();
      let child: HelperProcess;
      try {
        child = o.launch(o.command);
      } catch (err) {
        resolve(this.finish({ type: 'end', reason: 'fault', pages, fault: { code: 'TOOL_MISSING', message: String(err), seq: o.firstSeq, continuable: false } }));
        return;
      }
      this.child = child;
      const end = (e: EndEvent): void => {
        if (ended === null) ended = e;
      };
      readJsonLines(child.stdout, (ev) => {
        lastActivity = Date.now();
        if (ended !== null) return;
        let v: Verdict;
        try {
          v = o.protocol.interpret(ev, pages);
        } catch (err) {
          v = { kind: 'end', reason: 'fault', fault: { code: 'SCANNER_IO_ERROR', message: `helper protocol: ${(err as Error).message}`, seq: null, continuable: true } };
        }
        switch (v.kind) {
          case 'ignore':
            return;
          case 'page-started':
            this.emit({ type: 'page-started', seq: v.seq });
            return;
          case 'progress':
            this.emit({ type: 'progress', seq: v.seq, percent: v.percent });
            return;
          case 'page': {
            const page = this.checkedPage(v);
            if ('fault' in page) {
              end({ type: 'end', reason: 'fault', pages, fault: page.fault });
              this.stopHelper();
              return;
            }
            pages++;
            this.emit({ type: 'page', page });
            return;
          }
          case 'end':
            end({ type: 'end', reason: this.cancelled && v.reason !== 'fault' ? 'cancelled' : v.reason, pages, ...(v.fault ? { fault: v.fault } : {}) });
            // The station has decided (a fault seen in a status property, say): the helper must not feed on.
            this.stopHelper();
            return;
        }
      });
      forwardLog(child.stderr, o.log, { spool: o.spoolDir });
      child.stdin.on('error', () => {
        /* helper exited: its exit is reported below */
      });
      child.stdin.write(`${JSON.stringify(o.request)}\n`);
      const tick = Math.max(50, Math.min(500, Math.floor(o.watchdogMs / 4)));
      const timer = setInterval(() => {
        if (!hung && Date.now() - lastActivity > o.watchdogMs && child.pid !== undefined) {
          hung = true;
          o.log.error('scan helper silent: killing its process tree', { pid: child.pid, watchdogMs: o.watchdogMs });
          killTree(child.pid, 'SIGKILL', o.os ?? hostPlatform);
        }
      }, tick);
      let spawnError: NodeJS.ErrnoException | null = null;
      child.on('error', (err) => (spawnError = err));
      child.on('close', (code, signal) => {
        clearInterval(timer);
        this.child = null;
        try {
          child.stdin.end();
        } catch {
          /* closed */
        }
        let final: EndEvent;
        if (spawnError) {
          final = { type: 'end', reason: 'fault', pages, fault: { code: 'TOOL_MISSING', message: `cannot start the scan helper: ${spawnError.message}`, seq: o.firstSeq, continuable: false } };
        } else if (hung) {
          final = { type: 'end', reason: 'fault', pages, fault: { code: 'SCANNER_HANG', message: `the scanner was silent for ${o.watchdogMs} ms; the helper was stopped`, seq: o.firstSeq + pages, continuable: true } };
        } else if (ended !== null) {
          final = ended;
        } else if (this.cancelled) {
          final = { type: 'end', reason: 'cancelled', pages };
        } else {
          final = { type: 'end', reason: 'fault', pages, fault: o.protocol.exited(code, signal, pages) };
        }
        resolve(this.finish(final));
      });
    });
  }

  /** The finished file must be the PNM the station expects, whole; otherwise IMAGE_CORRUPT and it is set aside. */
  private checkedPage(v: Extract<Verdict, { kind: 'page' }>): SpooledPage | { fault: DriverFault } {
    const file = join(this.o.spoolDir, spoolName(v.seq));
    try {
      v.prepare?.();
    } catch (err) {
      return { fault: { code: 'IMAGE_CORRUPT', message: `page ${v.seq}: ${(err as Error).message}`, seq: v.seq, continuable: true } };
    }
    if (!existsSync(file)) return { fault: { code: 'IMAGE_CORRUPT', message: `page ${v.seq}: the helper announced ${v.file} but wrote nothing`, seq: v.seq, continuable: true } };
    const check = checkPnmFile(file);
    if (!check.ok) {
      rmSync(file, { force: true });
      return { fault: { code: 'IMAGE_CORRUPT', message: `page ${v.seq}: ${check.reason}`, seq: v.seq, continuable: true } };
    }
    const h = check.header;
    const pixelType = h.magic === 'P6' ? 'color' : h.magic === 'P5' ? 'gray' : 'bw';
    return { seq: v.seq, file, mediaType: PNM_MEDIA_TYPE, width: h.width, height: h.height, dpi: this.o.profile.resolution, pixelType };
  }
}
