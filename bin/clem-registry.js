#!/usr/bin/env node
// The clem-registry command: runs the bundled CLI (npm run build makes dist/cli.js).
require('../dist/cli.js');
