// The virtual eSCL scanner: a real HTTP(S) server speaking eSCL (AirScan) as network MFPs do, with an ADF of N
// sheets (duplex: front then back), a flatbed and injectable faults. sane-airscan talks to it unchanged
// (tests/integration/escl/airscan.test.ts); the station's eSCL driver is tested against it.
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { filePage, folderImages, generatedPage, platenPage, type PageRequest, type Side } from './pages';

export const SCAN_NS = 'http://schemas.hp.com/imaging/escl/2011/05/03';
export const PWG_NS = 'http://www.pwg.org/schemas/2010/12/sm';

/** Injectable faults. `sheet` counts the sheets of the stack from 1; each fault fires once unless noted. */
export type EsclFault =
  | { kind: 'jam'; sheet: number }
  | { kind: 'cover-open'; sheet: number }
  | { kind: 'feeder-empty' }
  /** NextDocument of that sheet never answers (the sheet stays in the feeder). */
  | { kind: 'stall'; sheet: number }
  /** The connection drops halfway through that sheet's image (the clerk puts the sheet back). */
  | { kind: 'drop'; sheet: number }
  /** ScannerCapabilities and ScannerStatus answer broken XML (persistent). */
  | { kind: 'malformed' };

export const FAULT_HELP = 'jam@K, cover-open[@K], feeder-empty, stall@K, drop@K, malformed';

export function parseFault(text: string): EsclFault {
  const m = /^([a-z-]+)(?:@(\d+))?$/.exec(text.trim());
  if (!m) throw new Error(`bad fault "${text}" (${FAULT_HELP})`);
  const kind = m[1]!;
  const sheet = m[2] === undefined ? undefined : Number(m[2]);
  switch (kind) {
    case 'jam':
    case 'stall':
    case 'drop':
      if (sheet === undefined || sheet < 1) throw new Error(`${kind} needs a sheet: ${kind}@K`);
      return { kind, sheet };
    case 'cover-open':
      return { kind, sheet: sheet ?? 1 };
    case 'feeder-empty':
    case 'malformed':
      return { kind };
    default:
      throw new Error(`unknown fault "${kind}" (${FAULT_HELP})`);
  }
}

export interface EsclScannerOptions {
  port?: number;
  host?: string;
  /** Sheets in the ADF (default: 10, or as many as the page folder fills). */
  sheets?: number;
  /** Page images served in name order (duplex: front, back, front…); default generated pages. */
  pagesDir?: string;
  /** Offer AdfDuplexInputCaps (default true). */
  duplex?: boolean;
  faults?: EsclFault[];
  /** Time to "scan" one page: NextDocument answers 503 + Retry-After until it is ready (default 0). */
  pageMs?: number;
  tls?: { cert: string; key: string };
  uuid?: string;
  makeAndModel?: string;
  /** Called after each page is sent whole. */
  onServed?: (page: ServedPage) => void;
}

export interface ServedPage {
  jobId: string;
  sheet: number;
  side: Side | 'platen';
  /** Index into the page folder, when pages come from one. */
  file?: string;
  bytes: number;
}

interface Job {
  id: string;
  uuid: string;
  source: 'Platen' | 'Feeder';
  duplex: boolean;
  req: PageRequest;
  delivered: number;
  state: 'Pending' | 'Processing' | 'Completed' | 'Canceled' | 'Aborted';
  reason: string;
  created: number;
  readyAt: number;
}

export interface EsclScanner {
  /** Base URL, ending in `/eSCL/`. */
  url: string;
  port: number;
  uuid: string;
  served: ServedPage[];
  /** Every request line, in order (`GET /eSCL/ScannerStatus`…). */
  requests: string[];
  /** Refills the feeder with `sheets` sheets (from the first page again). */
  reload(sheets?: number): void;
  addFault(f: EsclFault): void;
  close(): Promise<void>;
}

const xmlHead = '<?xml version="1.0" encoding="UTF-8"?>\n';
const nsAttrs = `xmlns:scan="${SCAN_NS}" xmlns:pwg="${PWG_NS}"`;
export const RESOLUTIONS = [75, 100, 150, 200, 300, 600];

function inputCaps(tag: string): string {
  const res = RESOLUTIONS.map((r) => `<scan:DiscreteResolution><scan:XResolution>${r}</scan:XResolution><scan:YResolution>${r}</scan:YResolution></scan:DiscreteResolution>`).join('');
  return (
    `<scan:${tag}>` +
    '<scan:MinWidth>16</scan:MinWidth><scan:MaxWidth>2550</scan:MaxWidth><scan:MinHeight>16</scan:MinHeight><scan:MaxHeight>3508</scan:MaxHeight>' +
    '<scan:MaxScanRegions>1</scan:MaxScanRegions>' +
    '<scan:SettingProfiles><scan:SettingProfile>' +
    '<scan:ColorModes><scan:ColorMode>RGB24</scan:ColorMode><scan:ColorMode>Grayscale8</scan:ColorMode></scan:ColorModes>' +
    '<scan:DocumentFormats><pwg:DocumentFormat>image/jpeg</pwg:DocumentFormat><pwg:DocumentFormat>image/png</pwg:DocumentFormat>' +
    '<scan:DocumentFormatExt>image/jpeg</scan:DocumentFormatExt><scan:DocumentFormatExt>image/png</scan:DocumentFormatExt></scan:DocumentFormats>' +
    `<scan:SupportedResolutions><scan:DiscreteResolutions>${res}</scan:DiscreteResolutions></scan:SupportedResolutions>` +
    '</scan:SettingProfile></scan:SettingProfiles>' +
    '<scan:SupportedIntents><scan:SupportedIntent>Document</scan:SupportedIntent><scan:SupportedIntent>Photo</scan:SupportedIntent></scan:SupportedIntents>' +
    '<scan:MaxOpticalXResolution>600</scan:MaxOpticalXResolution><scan:MaxOpticalYResolution>600</scan:MaxOpticalYResolution>' +
    `</scan:${tag}>`
  );
}

function capabilitiesXml(o: { uuid: string; model: string; duplex: boolean; sheets: number; base: string }): string {
  return (
    xmlHead +
    `<scan:ScannerCapabilities ${nsAttrs}>` +
    `<pwg:Version>2.63</pwg:Version><pwg:MakeAndModel>${o.model}</pwg:MakeAndModel><pwg:SerialNumber>SOHOA-VIRTUAL-1</pwg:SerialNumber>` +
    `<scan:Manufacturer>SoHoa Test</scan:Manufacturer><scan:UUID>${o.uuid}</scan:UUID><scan:AdminURI>${o.base}</scan:AdminURI>` +
    `<scan:Platen>${inputCaps('PlatenInputCaps')}</scan:Platen>` +
    `<scan:Adf>${inputCaps('AdfSimplexInputCaps')}${o.duplex ? inputCaps('AdfDuplexInputCaps') : ''}` +
    `<scan:FeederCapacity>${Math.max(o.sheets, 50)}</scan:FeederCapacity>` +
    `<scan:AdfOptions><scan:AdfOption>DetectPaperLoaded</scan:AdfOption>${o.duplex ? '<scan:AdfOption>Duplex</scan:AdfOption>' : ''}</scan:AdfOptions>` +
    '</scan:Adf>' +
    '<scan:BlankPageDetection>true</scan:BlankPageDetection>' +
    '</scan:ScannerCapabilities>'
  );
}

/** The text of the first element named `local` (any prefix), or undefined. */
function tagText(xml: string, local: string): string | undefined {
  const m = new RegExp(`<(?:[A-Za-z0-9_-]+:)?${local}(?:\\s[^>]*)?>([^<]*)</(?:[A-Za-z0-9_-]+:)?${local}>`).exec(xml);
  return m?.[1]?.trim();
}

export async function startEsclScanner(opts: EsclScannerOptions = {}): Promise<EsclScanner> {
  const uuid = opts.uuid ?? randomUUID();
  const model = opts.makeAndModel ?? 'SoHoa Virtual eSCL Scanner';
  const offerDuplex = opts.duplex ?? true;
  const files = opts.pagesDir ? folderImages(opts.pagesDir) : [];
  if (opts.pagesDir && files.length === 0) throw new Error(`no page images in ${opts.pagesDir}`);
  const defaultSheets = (): number => opts.sheets ?? (files.length > 0 ? files.length : 10);
  let sheets = defaultSheets();
  /** Next sheet in the feeder (1-based) and its next side. */
  let nextSheet = 1;
  let nextSide: Side = 'front';
  let adfProblem: 'ScannerAdfJam' | 'ScannerAdfDoorOpen' | null = null;
  let emptyFault: 'none' | 'pending' | 'hit' = 'none';
  const faults: EsclFault[] = [];
  const add = (f: EsclFault): void => {
    if (f.kind === 'feeder-empty') emptyFault = 'pending';
    else faults.push(f);
  };
  for (const f of opts.faults ?? []) add(f);
  const malformed = (): boolean => faults.some((f) => f.kind === 'malformed');
  const takeFault = (kind: EsclFault['kind'], sheet: number): boolean => {
    const i = faults.findIndex((f) => f.kind === kind && 'sheet' in f && f.sheet === sheet);
    if (i < 0) return false;
    faults.splice(i, 1);
    return true;
  };
  const jobs = new Map<string, Job>();
  const served: ServedPage[] = [];
  const requests: string[] = [];
  const stalled = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  let base = '';
  const pageMs = opts.pageMs ?? 0;

  const running = (): Job | undefined => [...jobs.values()].find((j) => j.state === 'Processing' || j.state === 'Pending');
  const feederEmpty = (): boolean => emptyFault !== 'none' || nextSheet > sheets;

  function statusXml(): string {
    const state = running() ? 'Processing' : 'Idle';
    const adf = adfProblem ?? (feederEmpty() ? 'ScannerAdfEmpty' : 'ScannerAdfLoaded');
    const infos = [...jobs.values()]
      .slice(-5)
      .map(
        (j) =>
          `<scan:JobInfo><pwg:JobUri>/eSCL/ScanJobs/${j.id}</pwg:JobUri><pwg:JobUuid>${j.uuid}</pwg:JobUuid><scan:Age>${Math.round((Date.now() - j.created) / 1000)}</scan:Age>` +
          `<pwg:ImagesCompleted>${j.delivered}</pwg:ImagesCompleted><pwg:ImagesToTransfer>${j.state === 'Processing' ? 1 : 0}</pwg:ImagesToTransfer>` +
          `<pwg:JobState>${j.state}</pwg:JobState><pwg:JobStateReasons><pwg:JobStateReason>${j.reason}</pwg:JobStateReason></pwg:JobStateReasons></scan:JobInfo>`,
      )
      .join('');
    return xmlHead + `<scan:ScannerStatus ${nsAttrs}><pwg:Version>2.63</pwg:Version><pwg:State>${state}</pwg:State><scan:AdfState>${adf}</scan:AdfState><scan:Jobs>${infos}</scan:Jobs></scan:ScannerStatus>`;
  }

  function sendXml(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(body), ...headers });
    res.end(body);
  }

  function plain(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'Content-Length': 0, ...headers });
    res.end();
  }

  function parseSettings(xml: string): Job | string {
    if (!/<(?:[A-Za-z0-9_-]+:)?ScanSettings[\s>]/.test(xml)) return 'not a ScanSettings document';
    const source = tagText(xml, 'InputSource') ?? 'Platen';
    if (source !== 'Platen' && source !== 'Feeder') return `unsupported InputSource ${source}`;
    const color = tagText(xml, 'ColorMode') ?? 'RGB24';
    if (color !== 'RGB24' && color !== 'Grayscale8') return `unsupported ColorMode ${color}`;
    const format = tagText(xml, 'DocumentFormatExt') ?? tagText(xml, 'DocumentFormat') ?? 'image/jpeg';
    if (format !== 'image/jpeg' && format !== 'image/png') return `unsupported DocumentFormat ${format}`;
    const dpi = Number(tagText(xml, 'XResolution') ?? 300);
    if (!RESOLUTIONS.includes(dpi) || Number(tagText(xml, 'YResolution') ?? dpi) !== dpi) return `unsupported resolution ${dpi}`;
    const w = Math.min(2550, Number(tagText(xml, 'Width') ?? 2550));
    const h = Math.min(3508, Number(tagText(xml, 'Height') ?? 3508));
    if (!(w > 0 && h > 0)) return 'bad scan region';
    const duplex = source === 'Feeder' && tagText(xml, 'Duplex') === 'true';
    if (duplex && !offerDuplex) return 'duplex is not offered';
    return {
      id: randomUUID(),
      uuid: randomUUID(),
      source,
      duplex,
      req: { width: Math.round((w * dpi) / 300), height: Math.round((h * dpi) / 300), dpi, gray: color === 'Grayscale8', format },
      delivered: 0,
      state: 'Processing',
      reason: 'JobScanning',
      created: Date.now(),
      readyAt: Date.now() + pageMs,
    };
  }

  async function pageBytes(job: Job, sheet: number, side: Side): Promise<{ bytes: Buffer; file?: string }> {
    if (files.length > 0) {
      const index = job.duplex ? (sheet - 1) * 2 + (side === 'back' ? 1 : 0) : sheet - 1;
      const file = files[index]!;
      return { bytes: await filePage(file, job.req), file };
    }
    return { bytes: await generatedPage(sheet, side, job.req) };
  }

  function endJob(job: Job, state: Job['state'], reason: string): void {
    job.state = state;
    job.reason = reason;
  }

  async function nextDocument(job: Job, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (job.state === 'Canceled') return plain(res, 410);
    if (job.state !== 'Processing') return plain(res, 404);
    if (job.source === 'Platen') {
      if (job.delivered > 0) {
        endJob(job, 'Completed', 'JobCompletedSuccessfully');
        return plain(res, 404);
      }
    } else {
      if (emptyFault === 'pending' && job.delivered === 0) {
        emptyFault = 'hit';
        endJob(job, 'Completed', 'JobCompletedSuccessfully');
        return plain(res, 404);
      }
      // A page folder is a stack of its own: the feeder is empty when its images are used up (duplex takes two a sheet).
      const imagesUsed = job.duplex ? (nextSheet - 1) * 2 + (nextSide === 'back' ? 1 : 0) : nextSheet - 1;
      if (nextSheet > sheets || (files.length > 0 && imagesUsed >= files.length)) {
        endJob(job, 'Completed', 'JobCompletedSuccessfully');
        return plain(res, 404);
      }
      if (nextSide === 'front') {
        if (takeFault('jam', nextSheet)) {
          adfProblem = 'ScannerAdfJam';
          endJob(job, 'Aborted', 'AbortedBySystem');
          return plain(res, 409);
        }
        if (takeFault('cover-open', nextSheet)) {
          adfProblem = 'ScannerAdfDoorOpen';
          endJob(job, 'Aborted', 'AbortedBySystem');
          return plain(res, 409);
        }
        if (takeFault('stall', nextSheet)) {
          // A scanner that stops answering: the request stays open until the client gives up.
          stalled.add(res);
          res.on('close', () => stalled.delete(res));
          return;
        }
      }
    }
    if (Date.now() < job.readyAt) return plain(res, 503, { 'Retry-After': '1' });
    const sheet = job.source === 'Platen' ? 0 : nextSheet;
    const side: Side = nextSide;
    const { bytes, file } = job.source === 'Platen' ? { bytes: await platenPage(job.req), file: undefined } : await pageBytes(job, sheet, side);
    if (job.source === 'Feeder' && side === 'front' && takeFault('drop', sheet)) {
      res.writeHead(200, { 'Content-Type': job.req.format, 'Content-Length': bytes.length });
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => req.socket.destroy());
      return;
    }
    job.delivered++;
    job.readyAt = Date.now() + pageMs;
    if (job.source === 'Feeder') {
      if (job.duplex && side === 'front') nextSide = 'back';
      else {
        nextSide = 'front';
        nextSheet++;
      }
    }
    const page: ServedPage = { jobId: job.id, sheet, side: job.source === 'Platen' ? 'platen' : side, bytes: bytes.length, ...(file ? { file } : {}) };
    res.writeHead(200, { 'Content-Type': job.req.format, 'Content-Length': bytes.length });
    res.end(bytes, () => {
      served.push(page);
      opts.onServed?.(page);
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname.replace(/\/+$/, '');
    requests.push(`${req.method} ${path}`);
    const body = await new Promise<string>((resolve) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString('utf8')));
      req.on('end', () => resolve(text));
      req.on('error', () => resolve(text));
    });
    if (req.method === 'GET' && path === '/eSCL/ScannerCapabilities') {
      if (malformed()) return sendXml(res, 200, `${xmlHead}<scan:ScannerCapabilities ${nsAttrs}><pwg:Version>2.63</pwg:Ver`);
      return sendXml(res, 200, capabilitiesXml({ uuid, model, duplex: offerDuplex, sheets, base }));
    }
    if (req.method === 'GET' && path === '/eSCL/ScannerStatus') {
      if (malformed()) return sendXml(res, 200, '<html><body>Internal Server Error</body>');
      return sendXml(res, 200, statusXml());
    }
    if (req.method === 'POST' && path === '/eSCL/ScanJobs') {
      if (running()) return plain(res, 503, { 'Retry-After': '1' });
      const job = parseSettings(body);
      if (typeof job === 'string') return sendXml(res, 409, `${xmlHead}<error>${job}</error>`);
      // Starting a job means the clerk has dealt with the last problem (jam cleared, cover closed, paper loaded).
      adfProblem = null;
      if (emptyFault === 'hit') emptyFault = 'none';
      jobs.set(job.id, job);
      const host = req.headers.host ?? `127.0.0.1:${port}`;
      return plain(res, 201, { Location: `${opts.tls ? 'https' : 'http'}://${host}/eSCL/ScanJobs/${job.id}` });
    }
    const m = /^\/eSCL\/ScanJobs\/([0-9a-f-]+)(\/NextDocument|\/ScanImageInfo)?$/.exec(path);
    if (m) {
      const job = jobs.get(m[1]!);
      if (!job) return plain(res, 404);
      if (req.method === 'DELETE' && !m[2]) {
        if (job.state === 'Processing' || job.state === 'Pending') endJob(job, 'Canceled', 'JobCanceledByUser');
        if (emptyFault === 'hit') emptyFault = 'none';
        return plain(res, 200);
      }
      if (req.method === 'GET' && m[2] === '/NextDocument') return nextDocument(job, req, res);
      if (req.method === 'GET' && m[2] === '/ScanImageInfo') return plain(res, 404);
    }
    // Test control (not eSCL): refill the feeder.
    if (req.method === 'POST' && path === '/__reload') {
      const n = url.searchParams.get('sheets');
      reload(n === null ? undefined : Number(n));
      return plain(res, 204);
    }
    return plain(res, 404);
  }

  function reload(n?: number): void {
    sheets = n ?? defaultSheets();
    nextSheet = 1;
    nextSide = 'front';
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendXml(res, 500, `${xmlHead}<error>${String(err)}</error>`);
      else res.destroy();
    });
  };
  const server: Server = opts.tls ? createHttpsServer({ cert: opts.tls.cert, key: opts.tls.key }, onRequest) : createHttpServer(onRequest);
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  base = `${opts.tls ? 'https' : 'http'}://${opts.host && opts.host !== '0.0.0.0' ? opts.host : '127.0.0.1'}:${port}/eSCL/`;
  return {
    url: base,
    port,
    uuid,
    served,
    requests,
    reload,
    addFault: add,
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of stalled) r.destroy();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
