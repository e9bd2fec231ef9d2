#!/usr/bin/env node
// Entry point of the `kibo-sync` command. From a source checkout it runs the TypeScript directly
// (through tsx); the container image ships the compiled dist/ instead and has no src/.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const sourceEntry = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const builtEntry = fileURLToPath(new URL('../dist/src/main.js', import.meta.url));

if (existsSync(sourceEntry)) {
  const { register } = await import('tsx/esm/api');
  register();
  const { runCli } = await import(pathToFileURL(sourceEntry).href);
  process.exitCode = await runCli(process.argv);
} else {
  const { runCli } = await import(pathToFileURL(builtEntry).href);
  process.exitCode = await runCli(process.argv);
}
