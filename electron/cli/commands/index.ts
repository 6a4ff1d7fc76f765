import type { Command } from '../command';
import { accountAddCommand, accountListCommand, accountResetCommand, adminResetCommand, loginCommand, logoutCommand, whoamiCommand } from './account';
import { devicesCommand } from './devices';
import { doctorCommand } from './doctor';
import { dossierCreateCommand, dossierListCommand, dossierShowCommand } from './dossier';
import { importCommand } from './import';
import { assembleCommand, pdfCommand, validateCommand } from './pdf';
import { scanCommand } from './scan';
import { serveCommand } from './serve';
import { signCommand, signingCertsCommand, signingConfigCommand, timestampCommand, verifyCommand } from './sign';
import { catalogueListCommand, catalogueLoadCommand } from './catalogue';
import { cccdReadCommand } from './cccd';
import { coverCommand } from './cover';
import { dossierChecklistCommand, dossierCompleteCommand } from './dossierModel';
import { reportCommand } from './report';
import { auditExportCommand, keyRecoverCommand } from './security';
import { syncConfigureCommand, syncEnrolCommand, syncNowCommand, syncPauseCommand, syncStatusCommand } from './sync';

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
  pdfCommand, validateCommand, assembleCommand,
  dossierChecklistCommand, dossierCompleteCommand, syncStatusCommand, syncNowCommand, syncEnrolCommand, syncConfigureCommand, syncPauseCommand, reportCommand, catalogueLoadCommand, catalogueListCommand,
  signCommand, timestampCommand, verifyCommand, signingConfigCommand, signingCertsCommand,
  loginCommand, logoutCommand, whoamiCommand, accountListCommand, accountAddCommand, accountResetCommand, adminResetCommand,
  auditExportCommand, keyRecoverCommand,
  coverCommand, cccdReadCommand,
];
