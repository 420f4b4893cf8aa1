// Renders the parts of docs/architecture.md that the code can say for itself, between marker comments:
//   message-map — every RPC pattern, event and broadcast: owner → callers / publishers, and a diagram of the
//                 processes and queues (owners from RPC_ROUTES / EVENT_ROUTES, uses found in the source);
//   modules     — each app's feature folders with the role written above their `@Module` (or atop the folder);
//   imports     — "the house drawn from imports": which feature folders and libs each folder imports.
//
//   node scripts/message-map.mjs            rewrite the marked sections (npm run docs:map)
//   node scripts/message-map.mjs --check    exit 1 when a marked section is stale (npm run docs:check, CI)
//   node scripts/message-map.mjs --root DIR --print SECTION[,SECTION]   print sections rendered from another tree
//
// It reads source text only (TypeScript's parser, no type check, no build), so it runs in about a second.
import { readFileSync, readdirSync, statSync, existsSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const root = resolve(option('--root') ?? join(here, '..'));
const DOC = join(here, '..', 'docs', 'architecture.md');

// The services that own queues (route tables' owner keys) and the processes they run as.
const OWNER_APPS = { auth: 'auth', link: 'plaid-link', sync: 'sync-worker' };
const APPS = ['gateway', 'auth', 'plaid-link', 'sync-worker'];
const ENUMS = ['MessagePattern', 'EventPattern', 'BroadcastEvent'];
const HANDLER_DECORATORS = new Set(['MessagePattern', 'EventPattern', 'RpcHandler', 'EventHandler']);

// ---- source files ----------------------------------------------------------------------------------------------

function walk(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : walk(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

// Tests and their support are not part of the house.
const isTestFile = (path) => /(\.spec|\.int-spec|\.e2e-spec|spec-support|\.testing)\.ts$/.test(path);

const parsed = new Map();
function parse(path) {
  if (!parsed.has(path)) {
    parsed.set(path, ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true));
  }
  return parsed.get(path);
}

// Where a file sits: `{ unit: 'gateway' | 'libs/messaging' | …, folder: 'accounts' | '(root)' }`.
function placeOf(path) {
  const parts = relative(root, path).split(sep);
  if (parts[0] === 'apps' && parts[2] === 'src') {
    return { unit: parts[1], folder: parts.length > 4 ? parts[3] : '(root)' };
  }
  if (parts[0] === 'libs') return { unit: `libs/${parts[1]}`, folder: '(root)' };
  return { unit: parts[0], folder: '(root)' };
}

const sourceFiles = (unitDir) => walk(join(root, unitDir)).filter((p) => !isTestFile(p));

// ---- contracts: enums and route tables -------------------------------------------------------------------------

function readEnums() {
  const sf = parse(join(root, 'libs/contracts/src/patterns.ts'));
  const enums = {};
  sf.forEachChild((node) => {
    if (ts.isEnumDeclaration(node) && ENUMS.includes(node.name.text)) {
      enums[node.name.text] = node.members.map((m) => ({
        member: m.name.getText(sf),
        value: m.initializer && ts.isStringLiteral(m.initializer) ? m.initializer.text : m.name.getText(sf),
      }));
    }
  });
  return enums;
}

// `{ 'MessagePattern.AuthLogin': 'auth', … }` from an object literal like RPC_ROUTES; absent table → {}.
function readRoutes(name) {
  const sf = parse(join(root, 'libs/contracts/src/queues.ts'));
  const routes = {};
  // String constants of the file, for owners written as a name (EVERY_SERVICE).
  const constants = {};
  const collect = (node) => {
    if (ts.isVariableDeclaration(node) && node.initializer && ts.isStringLiteral(node.initializer)) {
      constants[node.name.getText(sf)] = node.initializer.text;
    }
    ts.forEachChild(node, collect);
  };
  collect(sf);
  const visit = (node) => {
    if (ts.isVariableDeclaration(node) && node.name.getText(sf) === name && node.initializer) {
      let init = node.initializer;
      while (ts.isSatisfiesExpression(init) || ts.isAsExpression(init)) init = init.expression;
      if (ts.isObjectLiteralExpression(init)) {
        for (const p of init.properties) {
          if (!ts.isPropertyAssignment(p)) continue;
          const key = ts.isComputedPropertyName(p.name) ? p.name.expression.getText(sf) : p.name.getText(sf);
          const text = p.initializer.getText(sf);
          const value = ts.isStringLiteral(p.initializer) ? p.initializer.text : (constants[text] ?? text);
          routes[key] = value;
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return routes;
}

// ---- uses of the pattern enums ---------------------------------------------------------------------------------

// Local names of the contract enums in one file (`MessagePattern as P` → P ↦ MessagePattern).
function enumAliases(sf) {
  const aliases = new Map();
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier)) continue;
    const from = st.moduleSpecifier.text;
    const contracts =
      from === '@app/contracts' || (from.startsWith('.') && sf.fileName.includes('libs/contracts'));
    const bindings = st.importClause?.namedBindings;
    if (!contracts || !bindings || !ts.isNamedImports(bindings)) continue;
    for (const el of bindings.elements) {
      const imported = (el.propertyName ?? el.name).text;
      if (ENUMS.includes(imported)) aliases.set(el.name.text, imported);
    }
  }
  return aliases;
}

function enclosing(node, test) {
  for (let n = node.parent; n; n = n.parent) if (test(n)) return n;
  return undefined;
}

// Every `Alias.Member` of a contract enum in the apps and libs (contracts themselves excluded), classified:
// in a handler decorator → handler; for broadcasts, an argument of an enqueue/publish/broadcast call → publisher;
// else a use.
function findUses() {
  const uses = [];
  const files = [...APPS.flatMap((a) => sourceFiles(`apps/${a}/src`)), ...sourceFiles('libs')].filter(
    (p) => !relative(root, p).startsWith(join('libs', 'contracts')),
  );
  for (const path of files) {
    const sf = parse(path);
    const aliases = enumAliases(sf);
    if (aliases.size === 0) continue;
    const visit = (node) => {
      if (
        ts.isPropertyAccessExpression(node) &&
        ts.isIdentifier(node.expression) &&
        aliases.has(node.expression.text)
      ) {
        // A computed key (`[BroadcastEvent.X]: …`) declares a mapping (a route or payload table), not a use.
        if (ts.isComputedPropertyName(node.parent)) return;
        const enumName = aliases.get(node.expression.text);
        const key = `${enumName}.${node.name.text}`;
        const decorator = enclosing(node, ts.isDecorator);
        const call = enclosing(node, ts.isCallExpression);
        let role = 'use';
        if (decorator) {
          const callee = ts.isCallExpression(decorator.expression)
            ? decorator.expression.expression.getText(sf)
            : '';
          role = HANDLER_DECORATORS.has(callee) ? 'handler' : 'use';
        } else if (enumName === 'BroadcastEvent') {
          const callee = call ? call.expression.getText(sf) : '';
          role = /enqueue|publish|broadcast/i.test(callee) ? 'publisher' : 'subscriber';
        } else if (enclosing(node, (n) => ts.isTypeNode(n))) {
          return;
        }
        uses.push({ key, role, ...placeOf(path), file: relative(root, path) });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return uses;
}

// ---- rendering -------------------------------------------------------------------------------------------------

const code = (s) => `\`${s}\``;

// `gateway (accounts/, export/)` for the uses of one pattern, apps in a stable order.
function placesText(list) {
  const byUnit = new Map();
  for (const u of list) {
    if (!byUnit.has(u.unit)) byUnit.set(u.unit, new Set());
    byUnit.get(u.unit).add(u.folder === '(root)' ? u.file.split('/').pop() : `${u.folder}/`);
  }
  if (byUnit.size === 0) return '—';
  return [...byUnit.keys()]
    .sort()
    .map((unit) => `${unit} (${[...byUnit.get(unit)].sort().join(', ')})`)
    .join('; ');
}

function ownerText(route, handlers, hasTable) {
  if (route === 'every') return `every service: ${placesText(handlers)}`;
  const app = route ? OWNER_APPS[route] : undefined;
  const handlerApps = [...new Set(handlers.map((h) => h.unit))];
  const where = placesText(handlers);
  if (!hasTable) return where;
  if (!app) return handlerApps.length ? `${where} ⚠ no route` : '⚠ no route, no handler';
  const mismatch = handlerApps.length !== 1 || handlerApps[0] !== app;
  return mismatch ? `${app} ⚠ served by: ${where}` : where;
}

function renderMessageMap() {
  const enums = readEnums();
  const rpcRoutes = readRoutes('RPC_ROUTES');
  const eventRoutes = readRoutes('EVENT_ROUTES');
  const uses = findUses();
  const of = (key, role) => uses.filter((u) => u.key === key && u.role === role);
  const out = [];
  const flows = []; // { from, queue, to, label }

  const hasRpcTable = Object.keys(rpcRoutes).length > 0;
  out.push(
    `#### RPC patterns (${enums.MessagePattern.length})`,
    '',
    hasRpcTable
      ? 'Owner from `RPC_ROUTES` (with the app and folder of its handler); callers: where the pattern is sent.'
      : 'No route table: the owner is the app whose handler serves the pattern; callers: where it is sent.',
    '',
    '| pattern | owner (handler) | callers |',
    '|---|---|---|',
  );
  for (const { member, value } of enums.MessagePattern) {
    const key = `MessagePattern.${member}`;
    const route = rpcRoutes[key];
    const handlers = of(key, 'handler');
    const callers = of(key, 'use');
    out.push(`| ${code(value)} | ${ownerText(route, handlers, hasRpcTable)} | ${placesText(callers)} |`);
    const owner = route && route !== 'every' ? OWNER_APPS[route] : handlers[0]?.unit;
    if (route !== 'every' && APPS.includes(owner)) {
      for (const unit of new Set(callers.map((c) => c.unit))) {
        flows.push({ from: unit, queue: `${route ?? ownerKey(owner)}.rpc`, to: owner, kind: 'rpc' });
      }
    }
  }

  out.push(
    '',
    `#### Events (${enums.EventPattern.length})`,
    '',
    'Owner: the service whose events queue `EVENT_ROUTES` sends it to; publishers: where it is enqueued or published.',
    '',
    '| event | owner (handler) | publishers |',
    '|---|---|---|',
  );
  for (const { member, value } of enums.EventPattern) {
    const key = `EventPattern.${member}`;
    const route = eventRoutes[key];
    const handlers = of(key, 'handler');
    const publishers = of(key, 'use');
    out.push(`| ${code(value)} | ${ownerText(route, handlers, true)} | ${placesText(publishers)} |`);
    const owner = route ? OWNER_APPS[route] : handlers[0]?.unit;
    if (APPS.includes(owner)) {
      for (const unit of new Set(publishers.map((c) => c.unit))) {
        flows.push({ from: unit, queue: `${route ?? ownerKey(owner)}.events`, to: owner, kind: 'event' });
      }
    }
  }

  out.push(
    '',
    `#### Broadcasts (${enums.BroadcastEvent.length})`,
    '',
    'Fanout exchanges: one queue per subscribing instance.',
    '',
    '| broadcast | publishers | subscribers |',
    '|---|---|---|',
  );
  for (const { member, value } of enums.BroadcastEvent) {
    const key = `BroadcastEvent.${member}`;
    const publishers = of(key, 'publisher');
    const subscribers = of(key, 'subscriber');
    out.push(`| ${code(value)} | ${placesText(publishers)} | ${placesText(subscribers)} |`);
    const exchange = value.split('.').slice(0, 1)[0] === 'auth' ? 'auth.revocations' : 'link.user-events';
    for (const p of new Set(publishers.map((u) => u.unit))) {
      for (const s of new Set(subscribers.map((u) => u.unit))) {
        flows.push({ from: p, queue: exchange, to: s, kind: 'broadcast' });
      }
    }
  }

  out.push('', '#### Processes and queues', '', ...renderFlows(flows));
  return out.join('\n');
}

function ownerKey(app) {
  return Object.keys(OWNER_APPS).find((k) => OWNER_APPS[k] === app) ?? app;
}

const nodeId = (s) => s.replace(/[^A-Za-z0-9]/g, '_');

// Processes as rounded nodes, queues as subroutines, exchanges as hexagons; an edge per (sender, queue) with the
// number of patterns it carries. Every service also answers `health.ping.v1` on its RPC queue (readiness).
function renderFlows(flows) {
  const counts = new Map();
  for (const f of flows) {
    const k = `${f.from}|${f.queue}|${f.kind}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const queues = new Map(flows.map((f) => [f.queue, f]));
  const lines = ['```mermaid', 'flowchart LR'];
  for (const app of APPS) lines.push(`  ${nodeId(app)}([${app}])`);
  for (const [q, f] of [...queues].sort()) {
    lines.push(f.kind === 'broadcast' ? `  ${nodeId(q)}{{${q}}}` : `  ${nodeId(q)}[[${q}]]`);
  }
  const label = { rpc: 'RPC', event: 'event', broadcast: 'broadcast' };
  for (const [k, n] of [...counts].sort()) {
    const [from, queue, kind] = k.split('|');
    const arrow = kind === 'rpc' ? '-->' : '-.->';
    lines.push(
      `  ${nodeId(from)} ${arrow}|${n} ${label[kind]}${n > 1 && kind === 'event' ? 's' : ''}| ${nodeId(queue)}`,
    );
  }
  const consumers = new Set(flows.map((f) => `${f.queue}|${f.to}`));
  for (const c of [...consumers].sort()) {
    const [queue, to] = c.split('|');
    lines.push(`  ${nodeId(queue)} --> ${nodeId(to)}`);
  }
  lines.push('```');
  return lines;
}

// ---- feature folders and their roles ---------------------------------------------------------------------------

const featureFolders = (app) => {
  const src = join(root, 'apps', app, 'src');
  return readdirSync(src)
    .filter((name) => statSync(join(src, name)).isDirectory())
    .sort();
};

// The comment right above `@Module` (or `@Global`) of the folder's module, else the comment atop the first file of
// the folder that opens with one; its first sentence.
function roleOf(app, folder) {
  const dir = join(root, 'apps', app, 'src', folder);
  const files = readdirSync(dir)
    .filter((n) => n.endsWith('.ts') && !isTestFile(n))
    .sort();
  const modules = files.filter((n) => n.endsWith('.module.ts'));
  for (const name of modules) {
    const lines = readFileSync(join(dir, name), 'utf8').split('\n');
    const at = lines.findIndex((l) => /^@(Module|Global)\b/.test(l));
    if (at < 0) continue;
    const comment = [];
    for (let i = at - 1; i >= 0 && lines[i].startsWith('//'); i--)
      comment.unshift(lines[i].replace(/^\/\/\s?/, ''));
    if (comment.length) return firstSentence(comment.join(' '));
  }
  for (const name of files) {
    const lines = readFileSync(join(dir, name), 'utf8').split('\n');
    const comment = [];
    for (const l of lines) {
      if (!l.startsWith('//')) break;
      comment.push(l.replace(/^\/\/\s?/, ''));
    }
    if (comment.length) return firstSentence(comment.join(' '));
  }
  return '(no role comment: add one above its `@Module`)';
}

function firstSentence(text) {
  const m = /^(.+?\.)(\s|$)/.exec(text.trim());
  return (m ? m[1] : text.trim()).replace(/\|/g, '\\|');
}

function renderModules() {
  const out = ['| app | feature folder | role |', '|---|---|---|'];
  for (const app of APPS) {
    for (const folder of featureFolders(app))
      out.push(`| ${app} | \`${folder}/\` | ${roleOf(app, folder)} |`);
  }
  return out.join('\n');
}

// ---- the house drawn from imports ------------------------------------------------------------------------------

function importedSpecifiers(sf) {
  const specs = [];
  for (const st of sf.statements) {
    if ((ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) && st.moduleSpecifier) {
      if (ts.isStringLiteral(st.moduleSpecifier)) specs.push(st.moduleSpecifier.text);
    }
  }
  return specs;
}

// Imported by nearly every folder: drawn once in the libs graph, left out of the apps' graphs.
const EVERYWHERE = new Set(['@app/contracts', '@app/common']);

// Edges between the folders of one unit (an app, or the libs as a whole), and to libs. The app's root files
// (app.module wiring every feature, main.ts) would point everywhere: only the edges into them are drawn.
function importGraph(unitDirs, nameOf, { skipLibs = new Set(), skipFrom = new Set() } = {}) {
  const edges = new Map();
  for (const dir of unitDirs) {
    for (const path of sourceFiles(dir)) {
      const from = nameOf(path);
      for (const spec of importedSpecifiers(parse(path))) {
        let to;
        if (spec.startsWith('@app/')) to = spec;
        else if (spec.startsWith('.')) to = nameOf(resolve(dirname(path), spec));
        if (!to || to === from || skipLibs.has(to) || skipFrom.has(from)) continue;
        if (!edges.has(from)) edges.set(from, new Set());
        edges.get(from).add(to);
      }
    }
  }
  return edges;
}

// Folders that reach each other (strongly connected components larger than one): the cycles to break.
function cycles(edges) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const on = new Set();
  const found = [];
  let i = 0;
  const strong = (v) => {
    index.set(v, i);
    low.set(v, i++);
    stack.push(v);
    on.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) === index.get(v)) {
      const scc = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) found.push(scc.sort());
    }
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) strong(v);
  return found.sort((a, b) => a[0].localeCompare(b[0]));
}

function renderGraph(title, edges) {
  const lines = [`#### ${title}`, '', '```mermaid', 'flowchart LR'];
  const nodes = new Set([...edges.keys(), ...[...edges.values()].flatMap((s) => [...s])]);
  for (const n of [...nodes].sort()) {
    const shape = n.startsWith('@app/') ? `[/${n}/]` : `[${n}]`;
    lines.push(`  ${nodeId(n)}${shape}`);
  }
  for (const from of [...edges.keys()].sort()) {
    for (const to of [...edges.get(from)].sort()) lines.push(`  ${nodeId(from)} --> ${nodeId(to)}`);
  }
  lines.push('```', '');
  const found = cycles(edges);
  lines.push(
    found.length
      ? `Folders that import each other (cycles): ${found.map((c) => c.map((n) => `\`${n}\``).join(' ↔ ')).join('; ')}.`
      : 'No cycle between folders.',
  );
  return lines.join('\n');
}

function renderImports() {
  const out = [
    "`root` is the app's own top-level files (config, app.module, main); edges out of it and edges to",
    "`@app/contracts` and `@app/common` (imported almost everywhere) are left out of the apps' graphs.",
    '',
  ];
  for (const app of APPS) {
    const src = join(root, 'apps', app, 'src');
    const nameOf = (path) => {
      const rel = relative(src, path).split(sep);
      return rel.length > 1 ? `${rel[0]}/` : 'root';
    };
    const edges = importGraph([`apps/${app}/src`], nameOf, {
      skipLibs: EVERYWHERE,
      skipFrom: new Set(['root']),
    });
    out.push(renderGraph(app, edges), '');
  }
  const libs = readdirSync(join(root, 'libs')).filter((n) => statSync(join(root, 'libs', n)).isDirectory());
  const libOf = (path) => `@app/${relative(join(root, 'libs'), path).split(sep)[0]}`;
  out.push(
    renderGraph(
      'libs',
      importGraph(
        libs.sort().map((l) => `libs/${l}/src`),
        libOf,
      ),
    ),
  );
  return out.join('\n');
}

// ---- sections in the document ----------------------------------------------------------------------------------

const SECTIONS = { 'message-map': renderMessageMap, modules: renderModules, imports: renderImports };
const begin = (name) => `<!-- BEGIN GENERATED ${name}: npm run docs:map rewrites this part; do not edit -->`;
const end = (name) => `<!-- END GENERATED ${name} -->`;

function splice(doc, name, body) {
  const a = doc.indexOf(begin(name));
  const b = doc.indexOf(end(name));
  if (a < 0 || b < a)
    throw new Error(`docs/architecture.md has no "${name}" markers:\n${begin(name)}\n${end(name)}`);
  return `${doc.slice(0, a + begin(name).length)}\n${body}\n${doc.slice(b)}`;
}

if (option('--print')) {
  for (const name of option('--print').split(',')) process.stdout.write(`${SECTIONS[name]()}\n\n`);
} else {
  const current = readFileSync(DOC, 'utf8');
  let next = current;
  for (const [name, render] of Object.entries(SECTIONS)) next = splice(next, name, render());
  if (flag('--check')) {
    if (next !== current) {
      const stale = Object.keys(SECTIONS).filter(
        (name) => splice(current, name, SECTIONS[name]()) !== current,
      );
      process.stderr.write(
        `docs/architecture.md is stale: its generated section(s) ${stale.join(', ')} no longer match the code.\n` +
          'Run `npm run docs:map` and commit the result.\n',
      );
      process.exit(1);
    }
    process.stdout.write(
      'docs/architecture.md: the message map, module table and import graphs are current.\n',
    );
  } else if (next !== current) {
    writeFileSync(DOC, next);
    process.stdout.write('docs/architecture.md: generated sections rewritten.\n');
  } else {
    process.stdout.write('docs/architecture.md: generated sections already current.\n');
  }
}
