import type { Receipt } from '../store/sync';

/**
 * OneStopAdapter: what the sync engine needs from a provincial one-stop system, shaped after the real
 * flows (docs/sync.md, spec "Implications for a station's sync adapter"):
 *  1. files are uploaded first and referenced by the server's file id (+ hash) in the dossier;
 *  2. retries are made safe by the client: ask by hash before uploading, look the dossier up (by draft id
 *     or MaHoSo) before choosing create vs. update;
 *  3. auth is a plug-in (OAuth2 client credentials, OIDC password grant, DVCQG-style body session).
 * Enum mappings (LoaiDoiTuong, LoaiBan, …) belong to the adapter: the station keeps its own enums.
 */

export type OwnerKind = 'citizen' | 'enterprise' | 'agency' | 'other';

export interface ManifestSignature {
  role: string;
  signer: string;
  level: string;
  signedAt: string;
}

export interface ManifestDocument {
  fileId: string;
  sha256: string;
  fileName: string;
  pageCount: number;
  pdfaLevel: string | null;
  signatures: ManifestSignature[];
}

export interface ManifestComponent {
  typeCode: string; // MaThanhPhanHoSo
  name: string;
  kind: 'intake' | 'result';
  copyType: 'original' | 'copy' | 'electronic'; // LoaiBan
  digitised: 0 | 1; // DuocSoHoa
  reuse: 'none' | 'reused' | 'reused_replaced'; // DuocTaiSuDung 0/1/2
  replacedResultCode: string | null; // MaKetQuaThayThe
  fromNationalStore: 0 | 1; // DuocLayTuKhoDMQG
  resultCode: string | null; // MaGiayToKetQua
  summary: string | null;
  validFrom: string | null;
  validTo: string | null;
  validityScope: string | null;
  documents: ManifestDocument[];
}

/** The dossier manifest of protocol v1 (POST /v1/dossiers/commit). */
export interface Manifest {
  draftId: string;
  stationId: string;
  procedureCode: string; // MaTTHC
  agencyCode: string;
  receivedAt: string;
  channel: 1 | 2 | 3; // KenhThucHien
  summary: string; // TrichYeuHoSo 1–1000
  /** For a result dossier: the MaHoSo of the dossier whose results these are. */
  resultFor?: string;
  owner: { kind: OwnerKind; idType: 'cccd' | 'cmnd' | 'org'; id: string; name: string };
  components: ManifestComponent[];
  /**
   * The station's access-log head at commit (sohoa-v1 only: the other adapters have no field for it). The
   * server keeps it, so a local log cut back behind an acknowledged head is detectable (docs/security.md).
   */
  auditHead?: { seq: number; hash: string };
}

export interface RemoteFile {
  fileId: string;
  sha256: string;
  size: number;
}

// The server's receipt is declared once, where it is stored; adapters return it.
export type { Receipt, ReceiptFile } from '../store/sync';

export interface UploadSource {
  sha256: string;
  size: number;
  fileName: string;
  data: Buffer;
}

export interface UploadOptions {
  onProgress?: (sent: number, total: number) => void;
}

export interface Credentials {
  clientId: string;
  clientSecret: string;
  /** Account of the OIDC password grant (iGate) or the DVCQG body-session login. */
  username?: string | undefined;
  password?: string | undefined;
}

/** Where the provincial adapters keep the MaHoSo of a draft (store/dossierCodes.ts, migration 0016). */
export interface DossierCodeBook {
  /** The code reserved (or bound) for this draft, or null. */
  get(draftId: string): string | null;
  /** Persists CODE before it is used in a create call; returns the code kept (the first reservation wins). */
  reserve(draftId: string, code: string): string;
  /** Next number of this station's own per-agency, per-day sequence (DVCQG: the caller mints MaHoSo). */
  nextLocalSeq(agency: string, day: string, start: number): number;
}

/** One procedure as DVCQG `LayThuTuc` returns it (spec §1; only the fields the station uses). */
export interface RemoteProcedure {
  MATTHC: string;
  TENTTHC: string;
  LINHVUCTHUCHIEN?: { TENLINHVUC?: string }[];
  COQUANTHUCHIEN?: { CAPTHUCHIEN?: string }[];
  THANHPHANHOSO?: { MAGIAYTO?: string; TENGIAYTO?: string; BATBUOC?: number | string }[];
  KETQUATHUCHIEN?: { MAKETQUA?: string; TENKETQUA?: string }[];
}

/** One document of a dossier the target already holds (reuse look-up through the adapter). */
export interface RemoteDocument {
  /** Where the bytes are: DVCQG's DuongDanTaiTepTin / DuongDanTepTinKetQua URL, DVC Bộ's file id (IdGiayTo). */
  ref: string;
  sha256: string;
  fileName: string;
  /** MaThanhPhanHoSo. */
  typeCode: string;
  kind: 'intake' | 'result';
  /** MaGiayToKetQua (DVCQG) / MaKetQua (DVC Bộ) when the document is a result. */
  resultCode: string | null;
  /** DuocLayTuKhoDMQG when reused: the target says the document sits in the citizen's store on DVCQG. */
  fromNationalStore: boolean;
}

/** A dossier as the target's look-up by code returns it (DVCQG TraCuuHoSo, iGate search by code). */
export interface RemoteDossier {
  code: string;
  procedureCode: string | null;
  /** The owner's identity numbers the target recorded (CCCD/CMND/tax code): a candidate is offered only on a match. */
  ownerIds: string[];
  documents: RemoteDocument[];
}

/** Largest document the reuse look-up downloads (the import limit of a citizen's PDF). */
export const MAX_REMOTE_DOCUMENT_BYTES = 300 * 1024 * 1024;

/** The server's reply exactly as it came (`sohoa sync test`: IT staff read what the province answered). */
export interface RawExchange {
  request: string;
  status: number;
  correlationId: string | null;
  body: string;
}

export interface OneStopAdapter {
  readonly protocol: string;
  /** Registers the station once with an enrolment code; idempotent for the same station. */
  enrol(enrolmentCode: string, station: { id: string; name: string }): Promise<Credentials>;
  /** GET the server's file with this sha256, or null when it holds no complete file with it. */
  findFile(sha256: string): Promise<RemoteFile | null>;
  /** Resumable upload addressed by sha256; resolves with the server's file id once it verified the hash. */
  uploadFile(src: UploadSource, opts?: UploadOptions): Promise<RemoteFile>;
  /** Looks a dossier up by the station's draft id (before choosing to commit). */
  findDossier(draftId: string): Promise<Receipt | null>;
  /** Idempotent commit; 409 (already committed, same documents) is a success carrying the receipt. */
  commit(manifest: Manifest): Promise<{ receipt: Receipt; via: 'commit' | 'conflict' }>;
  /** A cheap call that tells online from offline. */
  ping(): Promise<void>;
  /** The target's official catalogue in the DVCQG LayThuTuc shape (targets that publish one). */
  procedures?(): Promise<RemoteProcedure[]>;
  /** Reuse look-up: dossier CODE with its documents as the target holds it; null when the target does not know it. */
  remoteDossier?(code: string): Promise<RemoteDossier | null>;
  /** The bytes of one document of such a dossier (capped at MAX_REMOTE_DOCUMENT_BYTES; the caller checks the sha256). */
  fetchDocument?(doc: RemoteDocument): Promise<Buffer>;
  /** Authenticates and makes one harmless call; returns the raw replies (`sohoa sync test`). */
  test(): Promise<RawExchange[]>;
  close(): void;
}

/** What an auth plug-in adds to a request: HTTP headers (bearer) or body fields (DVCQG `session`). */
export interface AuthMaterial {
  headers: Record<string, string>;
  bodyFields: Record<string, string>;
}

export interface AuthStrategy {
  readonly kind: 'oauth2-client-credentials' | 'oidc-password' | 'body-session';
  authorize(): Promise<AuthMaterial>;
  /** The server said 401: forget the cached token so the next authorize() fetches a new one. */
  invalidate(): void;
}
