// --ab REF: the ref built in a git work tree of its own, with this tree's node_modules, so it can run beside this
// tree. The work tree is kept between runs (a second run against the same ref builds nothing) outside the
// repository — $BENCH_AB_DIR or <tmp>/bench-ab/<this folder's name>/<sha> — because a second package.json and
// source tree inside it would be crawled by Jest, ESLint and tsc.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './system.mjs';

const run = promisify(execFile);
const git = async (args, cwd = ROOT) => (await run('git', args, { cwd, maxBuffer: 1 << 24 })).stdout.trim();

// What this tree is: HEAD's commit, and whether uncommitted changes are in the build too.
export async function treeInfo(root = ROOT) {
  const sha = await git(['rev-parse', 'HEAD'], root);
  const subject = await git(['log', '-1', '--format=%s', sha], root);
  const dirty = (await git(['status', '--porcelain', '--untracked-files=no'], root)).length > 0;
  return { sha, subject, dirty };
}

export async function prepareAbTree(ref, log) {
  const sha = await git(['rev-parse', '--verify', `${ref}^{commit}`]);
  const subject = await git(['log', '-1', '--format=%s', sha]);
  const base = process.env.BENCH_AB_DIR ?? join(os.tmpdir(), 'bench-ab', basename(ROOT));
  const dir = join(base, sha.slice(0, 12));
  if (!existsSync(join(dir, '.git'))) {
    log(`ab: adding a work tree of ${ref} (${sha.slice(0, 12)}) at ${dir}`);
    await git(['worktree', 'add', '--detach', dir, sha]);
  }
  const modules = join(dir, 'node_modules');
  if (!existsSync(modules)) symlinkSync(realpathSync(join(ROOT, 'node_modules')), modules);
  // Built once per commit: the marker says the whole build of this sha finished.
  const marker = join(dir, 'dist', '.ab-built');
  if (!existsSync(marker) || readFileSync(marker, 'utf8') !== sha) {
    log(`ab: building ${sha.slice(0, 12)} (node scripts/build.mjs in the work tree; not timed)`);
    const t0 = performance.now();
    await run(process.execPath, ['scripts/build.mjs'], { cwd: dir, maxBuffer: 1 << 26 });
    writeFileSync(marker, sha);
    log(`ab: built in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  return { ref, sha, subject, root: dir };
}
