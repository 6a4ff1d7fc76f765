import { z } from 'zod';

/** The zod issue message a network path gets; the dispatcher turns it into the PATH_NOT_LOCAL code. */
export const PATH_NOT_LOCAL_MESSAGE = 'PATH_NOT_LOCAL';

/**
 * True for a path that reaches another machine: UNC (`\\server\share`, `//server/share`), the Win32
 * device forms that lead there (`\\?\UNC\…`, `\\.\UNC\…`, `\\?\…` and `\\.\…` in general: no station
 * parameter needs them) and URLs (`smb://`, `file://host/…`). Opening such a path makes Windows send the
 * logged-in clerk's NTLM credentials to whoever answers, and a token library loaded from a share runs
 * somebody else's code: every path parameter is checked here, and one place decides.
 */
export function isNetworkPath(p: string): boolean {
  const s = p.trim();
  if (/^[\\/]{2}/.test(s)) return true; // \\server\share, //server/share, \\?\UNC\…, \\.\…, and mixed \/ forms
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(s)) return true; // smb://, file://, http://
  return false;
}

/** A local file path parameter (max 4096 characters). */
export const localPathSchema = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !isNetworkPath(p), { message: PATH_NOT_LOCAL_MESSAGE });
