/**
 * PKCS#11 tokens (USB tokens from Vietnamese CAs; SoftHSM2 in tests) through pkcs11js.
 *
 * PIN rules: the PIN is passed straight to C_Login once and never logged, stored or retried. A wrong PIN is
 * PIN_INCORRECT (with the token's "count low / final try" flags so the UI can warn); a locked token is
 * PIN_LOCKED. Tokens lock after 3–5 wrong PINs, so an automatic retry could lock a clerk out.
 */
import { createHash, X509Certificate } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import { StationError } from '../../common/errors';
import { createLogger } from '../log/logger';
import { ecdsaRawToDer, type SignatureScheme, type SigningKey } from './cms';

const log = createLogger('signing.pkcs11');

/** The part of pkcs11js the station uses (a test double implements it to simulate a locked token). */
export interface Pkcs11Api {
  load(path: string): void;
  C_Initialize(): void;
  C_Finalize(): void;
  C_GetSlotList(tokenPresent?: boolean): Buffer[];
  C_GetTokenInfo(slot: Buffer): pkcs11js.TokenInfo;
  C_OpenSession(slot: Buffer, flags: number): Buffer;
  C_CloseSession(session: Buffer): void;
  C_Login(session: Buffer, userType: number, pin?: string): void;
  C_Logout(session: Buffer): void;
  C_FindObjectsInit(session: Buffer, template: pkcs11js.Template): void;
  C_FindObjects(session: Buffer, max: number): Buffer[];
  C_FindObjectsFinal(session: Buffer): void;
  C_GetAttributeValue(session: Buffer, object: Buffer, template: pkcs11js.Template): pkcs11js.TemplateResult;
  C_SignInit(session: Buffer, mechanism: pkcs11js.Mechanism, key: Buffer): void;
  C_Sign(session: Buffer, data: Buffer, out: Buffer): Buffer;
}

export type Pkcs11Factory = () => Pkcs11Api;
export const realPkcs11: Pkcs11Factory = () => new pkcs11js.PKCS11() as unknown as Pkcs11Api;

export interface TokenCertificate {
  module: string;
  tokenLabel: string;
  tokenSerial: string;
  manufacturer: string;
  /** CKA_ID as hex: selects the certificate and its private key. */
  certId: string;
  label: string;
  certificate: Buffer;
  /** Token flags the UI shows (tries left). */
  pinCountLow: boolean;
  pinFinalTry: boolean;
  pinLocked: boolean;
}

function pkcs11Code(err: unknown): number | undefined {
  const c = (err as { code?: unknown }).code;
  return typeof c === 'number' ? c : undefined;
}

/** Loads and initialises a module; `fn` runs with it; always finalised. */
async function withModule<T>(module: string, factory: Pkcs11Factory, fn: (p: Pkcs11Api) => Promise<T> | T): Promise<T> {
  const p = factory();
  try {
    p.load(module);
    p.C_Initialize();
  } catch (err) {
    throw new StationError('TOKEN_NOT_FOUND', `cannot load PKCS#11 module ${module}: ${(err as Error).message}`, { module });
  }
  try {
    return await fn(p);
  } finally {
    try {
      p.C_Finalize();
    } catch {
      /* already finalised */
    }
  }
}

function findObjects(p: Pkcs11Api, session: Buffer, template: pkcs11js.Template): Buffer[] {
  p.C_FindObjectsInit(session, template);
  try {
    const out: Buffer[] = [];
    for (;;) {
      const batch = p.C_FindObjects(session, 32);
      if (batch.length === 0) break;
      out.push(...batch);
    }
    return out;
  } finally {
    p.C_FindObjectsFinal(session);
  }
}

function attr(p: Pkcs11Api, session: Buffer, obj: Buffer, type: number): Buffer {
  const r = p.C_GetAttributeValue(session, obj, [{ type }]);
  return r[0]?.value ?? Buffer.alloc(0);
}

function tokenSlots(p: Pkcs11Api): { slot: Buffer; info: pkcs11js.TokenInfo; label: string }[] {
  return p.C_GetSlotList(true).map((slot) => {
    const info = p.C_GetTokenInfo(slot);
    return { slot, info, label: info.label.trim() };
  });
}

function listCertsOnSlot(p: Pkcs11Api, module: string, slot: Buffer, info: pkcs11js.TokenInfo): TokenCertificate[] {
  const session = p.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
  try {
    return findObjects(p, session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE }]).map((obj) => ({
      module,
      tokenLabel: info.label.trim(),
      tokenSerial: info.serialNumber.trim(),
      manufacturer: info.manufacturerID.trim(),
      certId: attr(p, session, obj, pkcs11js.CKA_ID).toString('hex'),
      label: attr(p, session, obj, pkcs11js.CKA_LABEL).toString('utf8'),
      certificate: attr(p, session, obj, pkcs11js.CKA_VALUE),
      pinCountLow: (info.flags & pkcs11js.CKF_USER_PIN_COUNT_LOW) !== 0,
      pinFinalTry: (info.flags & pkcs11js.CKF_USER_PIN_FINAL_TRY) !== 0,
      pinLocked: (info.flags & pkcs11js.CKF_USER_PIN_LOCKED) !== 0,
    }));
  } finally {
    p.C_CloseSession(session);
  }
}

/** Certificates on every token a module sees (no login: certificates are public objects). */
export async function listTokenCertificates(module: string, factory: Pkcs11Factory = realPkcs11): Promise<TokenCertificate[]> {
  return withModule(module, factory, (p) =>
    tokenSlots(p)
      .filter((t) => (t.info.flags & pkcs11js.CKF_TOKEN_INITIALIZED) !== 0)
      .flatMap((t) => {
        try {
          return listCertsOnSlot(p, module, t.slot, t.info);
        } catch (err) {
          log.warn('cannot list certificates on a token', { tokenLabel: t.label, message: (err as Error).message });
          return [];
        }
      }),
  );
}

export interface Pkcs11KeyRef {
  module: string;
  tokenLabel: string;
  /** CKA_ID hex; when absent the token must hold exactly one certificate. */
  certId?: string | undefined;
}

/**
 * Opens a session, checks the certificate with `precheck` BEFORE asking the token for anything secret, logs in
 * once with `pin`, and returns a SigningKey holding the session until close().
 */
export async function openPkcs11Key(
  ref: Pkcs11KeyRef,
  pin: string,
  opts: { factory?: Pkcs11Factory; precheck?: (cert: Buffer) => void } = {},
): Promise<SigningKey> {
  const p = (opts.factory ?? realPkcs11)();
  try {
    p.load(ref.module);
    p.C_Initialize();
  } catch (err) {
    throw new StationError('TOKEN_NOT_FOUND', `cannot load PKCS#11 module ${ref.module}: ${(err as Error).message}`, { module: ref.module });
  }
  let session: Buffer | undefined;
  const finish = (): void => {
    try {
      if (session) p.C_CloseSession(session);
    } catch {
      /* token removed */
    }
    try {
      p.C_Finalize();
    } catch {
      /* already */
    }
  };
  try {
    const tokens = tokenSlots(p).filter((t) => t.label === ref.tokenLabel && (t.info.flags & pkcs11js.CKF_TOKEN_INITIALIZED) !== 0);
    if (tokens.length === 0) throw new StationError('TOKEN_NOT_FOUND', `no token labelled ${ref.tokenLabel}`, { tokenLabel: ref.tokenLabel });
    const { slot, info } = tokens[0]!;
    if ((info.flags & pkcs11js.CKF_USER_PIN_LOCKED) !== 0) {
      throw new StationError('PIN_LOCKED', `the PIN of token ${ref.tokenLabel} is locked`, { tokenLabel: ref.tokenLabel });
    }
    const certs = listCertsOnSlot(p, ref.module, slot, info);
    const wanted = ref.certId?.toLowerCase();
    const chosen = wanted ? certs.filter((c) => c.certId === wanted) : certs;
    if (chosen.length !== 1) {
      throw new StationError('KEY_NOT_FOUND', ref.certId ? `no certificate with id ${ref.certId} on ${ref.tokenLabel}` : `token ${ref.tokenLabel} holds ${certs.length} certificates: choose one`, {
        tokenLabel: ref.tokenLabel,
        certIds: certs.map((c) => c.certId),
      });
    }
    const cert = chosen[0]!;
    opts.precheck?.(cert.certificate);
    session = p.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
    try {
      p.C_Login(session, pkcs11js.CKU_USER, pin);
    } catch (err) {
      const code = pkcs11Code(err);
      if (code === pkcs11js.CKR_USER_ALREADY_LOGGED_IN) {
        /* another application's session: fine */
      } else if (code === pkcs11js.CKR_PIN_INCORRECT || code === pkcs11js.CKR_PIN_LEN_RANGE) {
        let after: pkcs11js.TokenInfo | undefined;
        try {
          after = p.C_GetTokenInfo(slot);
        } catch {
          /* removed */
        }
        log.warn('token refused the PIN (not retried)', { tokenLabel: ref.tokenLabel });
        throw new StationError('PIN_INCORRECT', `token ${ref.tokenLabel} refused the PIN`, {
          tokenLabel: ref.tokenLabel,
          pinCountLow: after ? (after.flags & pkcs11js.CKF_USER_PIN_COUNT_LOW) !== 0 : undefined,
          pinFinalTry: after ? (after.flags & pkcs11js.CKF_USER_PIN_FINAL_TRY) !== 0 : undefined,
        });
      } else if (code === pkcs11js.CKR_PIN_LOCKED) {
        throw new StationError('PIN_LOCKED', `the PIN of token ${ref.tokenLabel} is locked`, { tokenLabel: ref.tokenLabel });
      } else {
        throw new StationError('TOKEN_NOT_FOUND', `login to ${ref.tokenLabel} failed: ${(err as Error).message}`, { tokenLabel: ref.tokenLabel, code });
      }
    }
    const keys = findObjects(p, session, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
      { type: pkcs11js.CKA_ID, value: Buffer.from(cert.certId, 'hex') },
    ]);
    if (keys.length === 0) throw new StationError('KEY_NOT_FOUND', `no private key with id ${cert.certId} on ${ref.tokenLabel}`, { certId: cert.certId });
    const key = keys[0]!;
    const x = new X509Certificate(cert.certificate);
    const keyType = x.publicKey.asymmetricKeyType === 'ec' ? 'ec' : 'rsa';
    const s = session;
    return {
      certificate: cert.certificate,
      // CA certificates kept on the token (Vietnamese CAs ship them) help chain building and the DSS.
      chain: certs.filter((c) => c !== cert).map((c) => c.certificate),
      keyType,
      sign(data: Buffer, scheme: SignatureScheme): Promise<Buffer> {
        try {
          if (scheme === 'ecdsa') {
            p.C_SignInit(s, { mechanism: pkcs11js.CKM_ECDSA }, key);
            const digest = createHash('sha256').update(data).digest();
            return Promise.resolve(ecdsaRawToDer(p.C_Sign(s, digest, Buffer.alloc(256))));
          }
          if (scheme === 'pss') {
            p.C_SignInit(
              s,
              {
                mechanism: pkcs11js.CKM_SHA256_RSA_PKCS_PSS,
                parameter: { type: pkcs11js.CK_PARAMS_RSA_PSS, hashAlg: pkcs11js.CKM_SHA256, mgf: pkcs11js.CKG_MGF1_SHA256, saltLen: 32 } as pkcs11js.RsaPSS,
              },
              key,
            );
            return Promise.resolve(Buffer.from(p.C_Sign(s, data, Buffer.alloc(1024))));
          }
          p.C_SignInit(s, { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS }, key);
          return Promise.resolve(Buffer.from(p.C_Sign(s, data, Buffer.alloc(1024))));
        } catch (err) {
          return Promise.reject(new StationError('KEY_NOT_FOUND', `token ${ref.tokenLabel} could not sign: ${(err as Error).message}`, { code: pkcs11Code(err) }));
        }
      },
      close() {
        try {
          p.C_Logout(s);
        } catch {
          /* not logged in */
        }
        finish();
      },
    };
  } catch (err) {
    finish();
    throw err;
  }
}
