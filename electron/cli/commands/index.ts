import type { Command } from '../command';
import { doctorCommand } from './doctor';
import { dossierCreateCommand, dossierListCommand, dossierShowCommand } from './dossier';
import { importCommand } from './import';
import { serveCommand } from './serve';

/** Every sub-command; add one line per new command. */
export const COMMANDS: Command[] = [
  doctorCommand,
  serveCommand,
  dossierCreateCommand,
  dossierListCommand,
  dossierShowCommand,
  importCommand,
];
