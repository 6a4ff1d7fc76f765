import type { Station } from '../../electron/core/station/station';
import { insertScanJob, recordPage } from '../../electron/core/store/capture';

export interface CapturedImage {
  /** The raw PNM the driver spooled. */
  bytes: Buffer;
  width: number;
  height: number;
  dpi: number;
  pixelType: 'color' | 'gray' | 'bw';
}

/** Stores pages the way the capture engine does: one scan job, a raw PNM blob and a page row per sheet. Returns the page ids. */
export function storeCapturedPages(station: Station, componentId: string, pages: CapturedImage[]): string[] {
  const job = insertScanJob(station.store, { componentId, deviceId: 'test:0', profileJson: '{}' });
  return pages.map((p, i) => {
    const put = station.blobs.putBuffer(p.bytes);
    const { page } = recordPage(station.store, {
      jobId: job.id,
      componentId,
      seq: i + 1,
      sha256: put.sha256,
      size: put.size,
      mediaType: 'image/x-portable-anymap',
      width: p.width,
      height: p.height,
      dpi: p.dpi,
      pixelType: p.pixelType,
      compliant: true,
    });
    return page.id;
  });
}
