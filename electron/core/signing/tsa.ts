/**
 * RFC 3161 timestamp client: POST a TimeStampReq (SHA-256 imprint, nonce, certReq) and return the granted
 * TimeStampToken (DER ContentInfo). Any failure to reach the TSA is TSA_UNREACHABLE so the caller can fall back
 * to B-B and queue a document timestamp.
 */
import { randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { StationError } from '../../common/errors';
import { OID, toArrayBuffer } from './cms';
import { fetchRetryingBrokenConnection } from './peerFetch';

export interface TsaOptions {
  url: string;
  timeoutMs?: number;
  username?: string | undefined;
  password?: string | undefined;
}

export async function requestTimestamp(opts: TsaOptions, digest: Buffer): Promise<{ token: Buffer; time: Date }> {
  const nonce = randomBytes(8);
  // A positive INTEGER in minimal DER: a leading 0x00 byte (1 request in 128 before) is a malformed
  // request that TSAs (openssl ts) reject with status 2, which looked like an unreachable TSA.
  nonce[0] = (nonce[0]! & 0x7f) || 1;
  const req = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256, algorithmParams: new asn1js.Null() }),
      hashedMessage: new asn1js.OctetString({ valueHex: toArrayBuffer(digest) }),
    }),
    nonce: new asn1js.Integer({ valueHex: toArrayBuffer(nonce) }),
    certReq: true,
  });
  const body = Buffer.from(req.toSchema().toBER(false));
  const headers: Record<string, string> = { 'Content-Type': 'application/timestamp-query' };
  if (opts.username) headers.Authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password ?? ''}`).toString('base64')}`;
  let res: Response;
  try {
    res = await fetchRetryingBrokenConnection(opts.url, { method: 'POST', headers, body }, opts.timeoutMs ?? 30_000);
  } catch (err) {
    throw new StationError('TSA_UNREACHABLE', `TSA ${opts.url} unreachable: ${(err as Error).message}`, { url: opts.url });
  }
  if (!res.ok) throw new StationError('TSA_UNREACHABLE', `TSA ${opts.url} answered HTTP ${res.status}`, { url: opts.url, status: res.status });
  const reply = Buffer.from(await res.arrayBuffer());
  let resp: pkijs.TimeStampResp;
  try {
    resp = pkijs.TimeStampResp.fromBER(toArrayBuffer(reply));
  } catch (err) {
    throw new StationError('TSA_UNREACHABLE', `TSA ${opts.url} sent no TimeStampResp: ${(err as Error).message}`, { url: opts.url });
  }
  if (resp.status.status > 1 || !resp.timeStampToken) {
    throw new StationError('TSA_UNREACHABLE', `TSA ${opts.url} refused: status ${resp.status.status}`, { url: opts.url, status: resp.status.status });
  }
  const info = tstInfoOf(resp.timeStampToken);
  if (!Buffer.from(info.messageImprint.hashedMessage.valueBlock.valueHexView).equals(digest)) {
    throw new StationError('SIGNATURE_INVALID', 'TSA timestamped a different digest', { url: opts.url });
  }
  if (info.nonce && !stripZeros(Buffer.from(info.nonce.valueBlock.valueHexView)).equals(stripZeros(nonce))) {
    throw new StationError('SIGNATURE_INVALID', 'TSA reply nonce does not match', { url: opts.url });
  }
  return { token: Buffer.from(resp.timeStampToken.toSchema().toBER(false)), time: info.genTime };
}

function stripZeros(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

/** TSTInfo inside a TimeStampToken. */
export function tstInfoOf(token: pkijs.ContentInfo): pkijs.TSTInfo {
  const sd = new pkijs.SignedData({ schema: token.content });
  const ec = sd.encapContentInfo;
  if (ec.eContentType !== OID.tstInfo || !ec.eContent) throw new StationError('SIGNATURE_INVALID', 'timestamp token holds no TSTInfo');
  return pkijs.TSTInfo.fromBER(toArrayBuffer(Buffer.from(ec.eContent.getValue())));
}
