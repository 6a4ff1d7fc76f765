import type { ParseArgsConfig } from 'node:util';

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** True when stdout is a terminal (progress bars, colours). */
  tty: boolean;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
  dataDir: string;
  json: boolean;
}

/** A `sohoa` sub-command. `name` may have two words ("dossier create"). */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: Options;
  /** Positional arguments allowed (default 0). */
  positionals?: { min: number; max: number };
  run(args: ParsedArgs, io: Io): Promise<number>;
}

/** Exit codes (documented in `sohoa --help` and docs/cli.md). */
export const EXIT = {
  OK: 0,
  /** The station answered with a coded error. */
  ERROR: 1,
  /** Bad command line: unknown command or flag, missing value. */
  USAGE: 2,
  /** A check failed: doctor (a required check), verify (a signature is not valid), validate (not PDF/A-1b). */
  CHECK_FAILED: 3,
  /** Interrupted (scan cancelled by Ctrl-C). */
  INTERRUPTED: 130,
} as const;
