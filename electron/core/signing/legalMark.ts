import type { MarkSpec } from './appearance';
import { isoVietnam } from '../../common/pdfDate';

/**
 * The visible marks of an electronic copy, worded once for the service and the CLI.
 * Clerk (NĐ 30/2020 Art. 5, TT 01/2023 Art. 8(1)): top-left of page 1, who made the copy and when.
 */
export function clerkMark(copierName: string, copiedAt: Date): MarkSpec {
  return { position: 'top-left', lines: [`Người sao: ${copierName}`, `Thời gian sao: ${isoVietnam(copiedAt)}`] };
}

/** Agency certification ("SAO Y", "SAO LỤC", …): top-right, heading, agency and time, with the seal if given. */
export function agencyMark(heading: string, agencyName: string, at: Date, sealPng?: Buffer): MarkSpec {
  return { position: 'top-right', lines: [heading, agencyName, isoVietnam(at)], sealPng };
}
