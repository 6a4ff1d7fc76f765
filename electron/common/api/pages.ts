import { z } from 'zod';
import { idempotencyKey, method } from './method';

/**
 * Page review (the counter UI's review step): list a component's pages with their review state, rotate,
 * reorder, delete (soft, with restore = undo) and decide on blank-page flags. Assembly (documents.*)
 * takes the pages that are not deleted and not confirmed blank, in `position` order, turned by `rotation`.
 */
/** Why the analysis turned a page (the UI says so beside the page); null when it was not turned by the analysis. */
export const ROTATION_REASONS = ['text_sideways', 'text_upside_down'] as const;
export type RotationReason = (typeof ROTATION_REASONS)[number];
/** Scan-quality problems the analysis found on a kept page (error codes: ERROR_TEXT gives text and the fix). */
export const PAGE_QUALITY_CODES = ['PAGE_TOO_DARK', 'PAGE_LOW_CONTRAST'] as const;
export type PageQualityCode = (typeof PAGE_QUALITY_CODES)[number];

export const reviewPageSchema = z.object({
  id: z.string(),
  componentId: z.string(),
  jobId: z.string().nullable(),
  seq: z.number().int(),
  position: z.number().int(),
  width: z.number().int(),
  height: z.number().int(),
  dpi: z.number().int(),
  pixelType: z.enum(['color', 'gray', 'bw']),
  rotation: z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]),
  rotationReason: z.enum(ROTATION_REASONS).nullable(),
  blankFlag: z.enum(['none', 'flagged', 'confirmed_blank', 'confirmed_keep']),
  blankScore: z.number().nullable(),
  /** The ingest analysis (blank, orientation, skew, compliance) has run on this page. */
  analysed: z.boolean(),
  /** TT 01/2023 capture rules (≥ 200 dpi, colour, 100 %); null until analysed. */
  compliant: z.boolean().nullable(),
  quality: z.array(z.enum(PAGE_QUALITY_CODES)),
  deleted: z.boolean(),
  createdAt: z.string(),
});
export type ReviewPage = z.infer<typeof reviewPageSchema>;

const pageId = z.string().min(1).max(64);
const roles = ['clerk', 'records_clerk', 'admin'] as const;

export const pagesMethods = {
  'pages.list': method({
    params: z.object({ componentId: z.string().min(1).max(64), includeDeleted: z.boolean().default(false) }).strict(),
    result: z.array(reviewPageSchema),
    mutating: false,
  }),
  'pages.rotate': method({
    params: z.object({ pageId, rotation: z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]), idempotencyKey }).strict(),
    result: reviewPageSchema,
    mutating: true,
    roles,
  }),
  /** Moves a page to `position` (0-based among the component's pages that are not deleted); answers the new order. */
  'pages.move': method({
    params: z.object({ pageId, position: z.number().int().min(0).max(100_000), idempotencyKey }).strict(),
    result: z.array(reviewPageSchema),
    mutating: true,
    roles,
  }),
  'pages.delete': method({ params: z.object({ pageId, idempotencyKey }).strict(), result: reviewPageSchema, mutating: true, roles }),
  /** Undo of pages.delete: the page comes back at the end of the component. */
  'pages.restore': method({ params: z.object({ pageId, idempotencyKey }).strict(), result: reviewPageSchema, mutating: true, roles }),
  /** The clerk's decision on a (flagged or not) page: 'blank' leaves it out of the document, 'keep' keeps it. */
  'pages.setBlank': method({
    params: z.object({ pageId, decision: z.enum(['blank', 'keep']), idempotencyKey }).strict(),
    result: reviewPageSchema,
    mutating: true,
    roles,
  }),
} as const;
