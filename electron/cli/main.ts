import { parseArgs } from 'node:util';
import { isStationError, toErrorPayload } from '../common/errors';
import { defaultDataDir } from '../core/station/dataDir';
import { STATION_VERSION } from '../core/station/version';
import { EXIT, type Command, type Io, type Options } from './command';
import { COMMANDS, type CommandEntry } from './commands/index';
import { printError } from './output';

const GLOBAL_OPTIONS: Options = {
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

async function loadAll(entries: CommandEntry[]): Promise<Command[]> {
  return Promise.all(entries.map((e) => e.load()));
}

function helpText(commands: Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `sohoa ${STATION_VERSION} — SoHoa Station (trạm số hóa một cửa)`,
    '',
    'Usage: sohoa <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Global options:',
    '  --data-dir DIR  data directory (default: $SOHOA_DATA_DIR, /var/lib/sohoa-station when installed,',
    '                  else ~/.local/share/sohoa-station)',
    '  --json          machine-readable output',
    '  -h, --help      help for a command (sohoa dossier create --help)',
    '  --version       print the version',
    '',
    'Exit codes: 0 ok · 1 the station answered with a coded error · 2 usage error ·',
    '            3 a check failed (doctor, verify, validate) · 130 interrupted',
  ].join('\n');
}

function findCommand(argv: string[]): { entry: CommandEntry; rest: string[] } | undefined {
  const two = `${argv[0] ?? ''} ${argv[1] ?? ''}`;
  const byTwo = COMMANDS.find((c) => c.name === two);
  if (byTwo) return { entry: byTwo, rest: argv.slice(2) };
  const byOne = COMMANDS.find((c) => c.name === argv[0]);
  if (byOne) return { entry: byOne, rest: argv.slice(1) };
  return undefined;
}

export async function main(argv: string[], io: Io): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(helpText(await loadAll(COMMANDS)));
    return argv.length === 0 ? EXIT.USAGE : EXIT.OK;
  }
  if (argv[0] === '--version' || argv[0] === '-v') {
    io.out(STATION_VERSION);
    return EXIT.OK;
  }
  const found = findCommand(argv);
  if (!found) {
    const group = await loadAll(COMMANDS.filter((c) => c.name.startsWith(`${argv[0]} `)));
    io.err(group.length > 0 ? `usage:\n${group.map((c) => `  ${c.usage}`).join('\n')}` : `unknown command "${argv[0]}"; see sohoa --help`);
    return EXIT.USAGE;
  }
  const { rest } = found;
  const command = await found.entry.load();
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: rest, options: { ...GLOBAL_OPTIONS, ...command.options }, strict: true, allowPositionals: true });
  } catch (err) {
    io.err(`${(err as Error).message}\nusage: ${command.usage}`);
    return EXIT.USAGE;
  }
  if (parsed.values.help === true) {
    io.out(`${command.summary}\nusage: ${command.usage}`);
    return EXIT.OK;
  }
  const pos = command.positionals ?? { min: 0, max: 0 };
  if (parsed.positionals.length < pos.min || parsed.positionals.length > pos.max) {
    io.err(`wrong number of arguments\nusage: ${command.usage}`);
    return EXIT.USAGE;
  }
  const json = parsed.values.json === true;
  const dataDir = (parsed.values['data-dir'] as string | undefined) ?? defaultDataDir();
  try {
    return await command.run({ values: parsed.values, positionals: parsed.positionals, dataDir, json }, io);
  } catch (err) {
    printError(io, json, toErrorPayload(err));
    if (!isStationError(err) && process.env.SOHOA_DEBUG === '1') io.err(String((err as Error).stack));
    return EXIT.ERROR;
  }
}

export const processIo: Io = {
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
  tty: process.stdout.isTTY === true,
};
