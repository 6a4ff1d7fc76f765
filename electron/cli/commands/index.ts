import type { Command } from '../command';

/** A sub-command by name, its module loaded only when it runs (a start-up imports one command, not all). */
export interface CommandEntry {
  name: string;
  load(): Promise<Command>;
}

/** Every sub-command; add one line per new command (the name must be the loaded command's name). */
export const COMMANDS: CommandEntry[] = [
  { name: 'devices', load: async () => (await import('./devices')).devicesCommand },
  { name: 'devices add-escl', load: async () => (await import('./devices')).devicesAddEsclCommand },
  { name: 'scan', load: async () => (await import('./scan')).scanCommand },
  { name: 'doctor', load: async () => (await import('./doctor')).doctorCommand },
  { name: 'serve', load: async () => (await import('./serve')).serveCommand },
  { name: 'dossier create', load: async () => (await import('./dossier')).dossierCreateCommand },
  { name: 'dossier list', load: async () => (await import('./dossier')).dossierListCommand },
  { name: 'dossier show', load: async () => (await import('./dossier')).dossierShowCommand },
  { name: 'import', load: async () => (await import('./import')).importCommand },
  { name: 'pdf', load: async () => (await import('./pdf')).pdfCommand },
  { name: 'validate', load: async () => (await import('./pdf')).validateCommand },
  { name: 'assemble', load: async () => (await import('./pdf')).assembleCommand },
  { name: 'dossier checklist', load: async () => (await import('./dossierModel')).dossierChecklistCommand },
  { name: 'dossier complete', load: async () => (await import('./dossierModel')).dossierCompleteCommand },
  { name: 'sync status', load: async () => (await import('./sync')).syncStatusCommand },
  { name: 'sync now', load: async () => (await import('./sync')).syncNowCommand },
  { name: 'sync enrol', load: async () => (await import('./sync')).syncEnrolCommand },
  { name: 'sync configure', load: async () => (await import('./sync')).syncConfigureCommand },
  { name: 'sync pause', load: async () => (await import('./sync')).syncPauseCommand },
  { name: 'sync test', load: async () => (await import('./sync')).syncTestCommand },
  { name: 'export', load: async () => (await import('./export')).exportCommand },
  { name: 'report', load: async () => (await import('./report')).reportCommand },
  { name: 'catalogue load', load: async () => (await import('./catalogue')).catalogueLoadCommand },
  { name: 'catalogue list', load: async () => (await import('./catalogue')).catalogueListCommand },
  { name: 'catalogue fetch', load: async () => (await import('./catalogue')).catalogueFetchCommand },
  { name: 'sign', load: async () => (await import('./sign')).signCommand },
  { name: 'timestamp', load: async () => (await import('./sign')).timestampCommand },
  { name: 'verify', load: async () => (await import('./sign')).verifyCommand },
  { name: 'signing config', load: async () => (await import('./sign')).signingConfigCommand },
  { name: 'signing certs', load: async () => (await import('./sign')).signingCertsCommand },
  { name: 'audit export', load: async () => (await import('./security')).auditExportCommand },
  { name: 'key recover', load: async () => (await import('./security')).keyRecoverCommand },
  { name: 'cover', load: async () => (await import('./cover')).coverCommand },
  { name: 'cccd read', load: async () => (await import('./cccd')).cccdReadCommand },
  { name: 'login', load: async () => (await import('./account')).loginCommand },
  { name: 'logout', load: async () => (await import('./account')).logoutCommand },
  { name: 'password', load: async () => (await import('./account')).passwordCommand },
  { name: 'whoami', load: async () => (await import('./account')).whoamiCommand },
  { name: 'account list', load: async () => (await import('./account')).accountListCommand },
  { name: 'account add', load: async () => (await import('./account')).accountAddCommand },
  { name: 'account reset-password', load: async () => (await import('./account')).accountResetCommand },
  { name: 'admin reset-password', load: async () => (await import('./account')).adminResetCommand },
];
