#!/usr/bin/env node
// `npx adpulse COMMAND` inside the checkout (the root package.json's `bin`), the same as
// `pnpm adpulse COMMAND`: installs what is missing, then runs services/adpulse/src/cli.ts.
import { runAdpulse } from './bootstrap.mjs'

runAdpulse(process.argv.slice(2))
