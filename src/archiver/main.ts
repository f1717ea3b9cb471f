#!/usr/bin/env node
import { runArchiver } from './cli.js';

process.exitCode = await runArchiver(process.argv.slice(2), process.stdout, process.stderr);
