#!/usr/bin/env node
// `sohoa` — runs the TypeScript CLI through tsx's loader (no separate build step to go stale).
import { register } from 'tsx/esm/api';

register();
await import('../electron/cli/run.ts');
