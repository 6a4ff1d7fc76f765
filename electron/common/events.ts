import { z } from 'zod';
import { ocrStatusSchema } from './api/documents';
import { syncStatusSchema } from './api/sync';
import { assembledDocumentSchema } from './assembly';
import { scanEventSchemas } from './capture';

/**
 * Every event the station pushes (station.emit → the bridge's /events WebSocket, or the Electron
 * MessagePort), with the shape of its data: the event counterpart of the StationApi method map. The
 * service can only emit what is declared here, and the renderer reads `ev.data` typed by `ev.type`.
 */
export const stationEventSchemas = {
  ...scanEventSchemas,
  /** The web bridge's greeting once the socket is authenticated. */
  ready: z.object({ stationId: z.string() }),
  'dossier.changed': z.object({ id: z.string(), state: z.string().optional(), serverCode: z.string().optional() }),
  'document.changed': z.object({ id: z.string(), sha256: z.string().optional(), componentId: z.string().optional(), dossierId: z.string().optional() }),
  'document.assembled': assembledDocumentSchema,
  /** Background OCR progress of one document (queued → running with pages → done/failed/superseded). */
  'document.ocr': ocrStatusSchema,
  'pages.changed': z.object({ componentId: z.string(), pageId: z.string(), action: z.string() }),
  'sync.state': syncStatusSchema.pick({ state: true, online: true, pendingDossiers: true, failedDossiers: true, lastErrorCode: true }),
} as const;

export type StationEventMap = { [K in keyof typeof stationEventSchemas]: z.infer<(typeof stationEventSchemas)[K]> };
export type StationEventType = keyof StationEventMap;

/** One event as it travels: `data` typed by `type` (narrow with `ev.type === '…'`). */
export type StationEvent = { [K in StationEventType]: { type: K; at: string; data: StationEventMap[K] } }[StationEventType];

/** The wire shape, for validating what arrives before trusting `type`. */
export const stationEventSchema = z.object({
  type: z.string(),
  at: z.string(),
  data: z.record(z.string(), z.unknown()),
});
