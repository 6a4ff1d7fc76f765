/**
 * ULIDs (26 chars, Crockford base32, time-sortable) and the station's local draft ids.
 * A draft id is unique across stations because it carries the station id: `<stationId>-<ULID>`.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

let lastTime = -1;
let lastRandom: number[] = [];

function randomDigits(): number[] {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b & 31);
}

/** Monotonic within one process: two ids minted in the same millisecond still sort in creation order. */
export function ulid(now: number = Date.now()): string {
  let random: number[];
  if (now === lastTime) {
    random = [...lastRandom];
    for (let i = random.length - 1; i >= 0; i--) {
      if (random[i]! < 31) {
        random[i]! += 1;
        break;
      }
      random[i] = 0;
    }
  } else {
    random = randomDigits();
  }
  lastTime = now;
  lastRandom = random;
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return time + random.map((d) => ALPHABET[d]).join('');
}

/** A SHA-256 as the station writes it everywhere: 64 lower-case hex digits (blob addresses, manifests, replies). */
export const SHA256_PATTERN = /^[0-9a-f]{64}$/;
export const ULID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;
export const STATION_ID_PATTERN = /^[A-Z0-9]{4,16}$/;
export const DRAFT_ID_PATTERN = /^[A-Z0-9]{4,16}-[0-9A-HJKMNP-TV-Z]{26}$/;

export function draftId(stationId: string, now?: number): string {
  return `${stationId}-${ulid(now)}`;
}

/** Station ids are short and human-typable (printed on receipts): 10 Crockford chars. */
export function newStationId(): string {
  return 'ST' + ulid().slice(-8);
}
