import { z } from 'zod';

/**
 * One StationApi method: params and result schemas. `mutating` methods accept an `idempotencyKey` so a
 * call retried after a dropped connection does one thing. `roles` limits who may call (undefined = any signed-in clerk).
 */
export interface MethodSpec<P extends z.ZodType, R extends z.ZodType> {
  params: P;
  result: R;
  mutating: boolean;
  roles?: readonly ('clerk' | 'records_clerk' | 'admin')[];
  /** Callable without a session: sign-in, first-run setup and health only. Every other method needs one. */
  public?: true;
  /** Callable on an idle-locked session (unlock, sign-out, who am I). */
  whileLocked?: true;
  /**
   * Callable while the clerk's password is a temporary one (a new account, or reset by an admin): changing it,
   * who am I, lock/unlock and sign-out. Every other method answers PASSWORD_CHANGE_REQUIRED until it is changed.
   */
  beforePasswordChange?: true;
}

export const method = <P extends z.ZodType, R extends z.ZodType>(spec: MethodSpec<P, R>) => spec;

export const noParams = z.object({}).strict();

/** Every mutating method's params may carry this. */
export const idempotencyKey = z.string().min(8).max(100).optional();
