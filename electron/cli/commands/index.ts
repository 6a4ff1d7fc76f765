import type { Command } from '../command';
import { devicesCommand } from './devices';
import { doctorCommand } from './doctor';
import { dossierCreateCommand, dossierListCommand, dossierShowCommand } from './dossier';
import { importCommand } from './import';
import { scanCommand } from './scan';
import { serveCommand } from './serve';

/** Every sub-command; add one line per new command. */
export const COMMANDS: Command[] = [
  devicesCommand,
  scanCommand,
  doctorCommand,
  serveCommand,
  dossierCreateCommand,
  dossierListCommand,
  dossierShowCommand,
  importCommand,
];
