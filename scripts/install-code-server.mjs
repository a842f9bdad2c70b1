#!/usr/bin/env node
// Installs code-server for `npm start` and the end-to-end tests into the cache folder (fast when it is there).
import { codeServerBin, installCodeServer, isCodeServerInstalled } from './code-server.mjs';

const already = isCodeServerInstalled();
installCodeServer();
console.log(`${already ? 'code-server already installed' : 'code-server installed'}: ${codeServerBin()}`);
