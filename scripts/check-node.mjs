// Prints the Node version this runs on and exits 1 unless package.json's engines.node allows it. The range is
// what our dependencies declare (nestjs-pino, file-type via @nestjs/common, content-disposition via
// @fastify/static, cookie via fastify's inject: Node >= 22; @nestjs/cli's schematics: ^22.22.3 || ^24.15.0 ||
// >= 26). Only the forms used there are understood: `^X.Y.Z` and `>=X.Y.Z`, joined by `||`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const range = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')).engines.node;
const parse = (v) => v.replace(/^v/, '').split('.').map(Number);
const atLeast = (a, b) => {
  for (let i = 0; i < 3; i += 1) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
};
const current = parse(process.version);
const ok = range.split('||').some((part) => {
  const m = /^\s*(\^|>=)\s*(\d+\.\d+\.\d+)\s*$/.exec(part);
  if (!m) throw new Error(`engines.node: cannot read "${part.trim()}"`);
  const min = parse(m[2]);
  return atLeast(current, min) && (m[1] === '>=' || current[0] === min[0]);
});
process.stdout.write(
  `Node ${process.version}; package.json engines.node: ${range} -> ${ok ? 'supported' : 'NOT supported'}\n`,
);
process.exit(ok ? 0 : 1);
