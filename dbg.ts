import { readFileSync } from 'node:fs';
import { RegistryDocument } from './server/src/service';
import { multiplyRegistry } from './bench/synthetic';
const base = readFileSync('../shared/corpus/clemcore-2025-12-16-8bd08307.json', 'utf8');
const text = multiplyRegistry(base, 10);
for (let i = 0; i < 6; i++) { const t = performance.now(); new RegistryDocument(text, { clemcoreVersion: '3.3' }).diagnostics(); console.log('full', (performance.now() - t).toFixed(1)); }
for (let i = 0; i < 6; i++) { (global as any).gc(); const t = performance.now(); new RegistryDocument(text, { clemcoreVersion: '3.3' }).diagnostics(); console.log('full after gc', (performance.now() - t).toFixed(1)); }
