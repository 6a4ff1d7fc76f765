/**
 * IPC channel names and the page-image URL form, shared by main and the preload. No imports at all: the
 * sandboxed preload may require nothing but `electron` (tests/unit/electron/preload-bundle.test.ts).
 */
export const IPC = {
  call: 'station:call',
  state: 'station:state',
  event: 'station:event',
  stateChanged: 'station:state-changed',
} as const;

/** Page images by id only: station-page://page/<ULID>?w=<width>. */
export const PAGE_SCHEME = 'station-page';

export function pageImageUrl(pageId: string, width: number): string {
  return `${PAGE_SCHEME}://page/${encodeURIComponent(pageId)}?w=${Math.round(width)}`;
}
