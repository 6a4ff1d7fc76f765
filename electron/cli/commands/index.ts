import type { Command } from '../command';
import { doctorCommand } from './doctor';
import { dossierCreateCommand, dossierListCommand, dossierShowCommand } from './dossier';
import { serveCommand } from './serve';

/** Every sub-command; add one line per new command. */
export const COMMANDS: Command[] = [
  doctorCommand,
  serveCommand,
  dossierCreateCommand,
  dossierListCommand,
  dossierShowCommand,
];
