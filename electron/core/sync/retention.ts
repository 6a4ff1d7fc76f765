import type { Station } from '../station/station';
import {
  blobStillNeeded,
  componentHasUnpurgedDocuments,
  componentPageBlobs,
  markBlobPurged,
  markDocumentPurged,
  purgeCandidates,
} from '../store/sync';

export interface PurgeResult {
  documents: number;
  blobs: number;
}

/**
 * Retention (regulations: "purge local copies after the server has confirmed receipt and a retention
 * period set by policy has passed"). A document qualifies only when a stored server receipt lists its
 * sha256 AND that receipt is older than `retentionDays`; its blob (and the component's page blobs once
 * no unpurged document remains) is deleted only when nothing unpurged still references it.
 * Rows stay (state 'purged', hashes kept): the history and the report survive the purge.
 */
export function purgeExpired(station: Station, retentionDays: number, now: Date = new Date(), limit = 200): PurgeResult {
  const { store, blobs } = station;
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000).toISOString();
  const at = now.toISOString();
  let documents = 0;
  let removed = 0;
  for (const c of purgeCandidates(store, cutoff, limit)) {
    // Row first, file second: a crash in between leaves an orphan file, never a row without its bytes.
    store.tx(() => markDocumentPurged(store, c.document_id, at));
    documents++;
    const hashes = new Set<string>([c.sha256]);
    if (c.original_sha256) hashes.add(c.original_sha256);
    if (!componentHasUnpurgedDocuments(store, c.component_id)) for (const h of componentPageBlobs(store, c.component_id)) hashes.add(h);
    for (const h of hashes) {
      if (blobStillNeeded(store, h)) continue;
      blobs.remove(h);
      markBlobPurged(store, h, at);
      removed++;
    }
  }
  if (documents > 0) station.log.info('retention purge', { documents, blobs: removed, retentionDays });
  return { documents, blobs: removed };
}
