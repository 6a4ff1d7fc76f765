import { main, processIo } from './main';

// Entry point of the `sohoa` command (bin/sohoa.mjs).
const code = await main(process.argv.slice(2), processIo);
process.exitCode = code;
