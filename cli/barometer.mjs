#!/usr/bin/env node
// Runs the TypeScript CLI with tsx, so the command and the workers share core/ as source.
import { tsImport } from "tsx/esm/api";

const { main } = await tsImport("./main.ts", import.meta.url);
process.exitCode = await main(process.argv.slice(2));
