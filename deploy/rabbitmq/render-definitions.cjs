#!/usr/bin/env node
// Renders the broker's definitions (vhost, one user per service, their permissions) from the template beside this
// file, for RabbitMQ to import at boot (rabbitmq.conf). docker compose runs it once before the broker starts.
//   node deploy/rabbitmq/render-definitions.cjs <template.json> <output.json>
// Each user's password comes from RABBITMQ_<USER>_PASSWORD (RABBITMQ_PLAID_LINK_PASSWORD for plaid-link); the
// file gets only its salted hash. `{prefix}` in a permission stands for QUEUE_PREFIX, so that a prefixed
// deployment's users reach only its own queues and exchanges.
// CommonJS: the e2e suite's global setup (compiled to CommonJS) loads it with require, so that the suite proves
// the very permissions compose loads.
'use strict';
const { createHash, randomBytes } = require('node:crypto');
const { readFileSync, writeFileSync } = require('node:fs');

function passwordVariable(user) {
  return `RABBITMQ_${user.toUpperCase().replaceAll('-', '_')}_PASSWORD`;
}

// rabbit_password_hashing_sha256, as `rabbitmqctl hash_password` prints it: base64(salt ‖ sha256(salt ‖ password))
// with a 4-byte random salt.
function passwordHash(password) {
  const salt = randomBytes(4);
  const digest = createHash('sha256').update(salt).update(password, 'utf8').digest();
  return Buffer.concat([salt, digest]).toString('base64');
}

function escapeRegex(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// users: which users of the template to keep, each with its password and the name it gets on the broker.
function renderDefinitions(template, { users, prefixPattern }) {
  const expand = (regex) => regex.replaceAll('{prefix}', prefixPattern);
  return {
    ...template,
    users: template.users
      .filter((u) => users[u.name])
      .map((u) => ({ ...u, name: users[u.name].name, password_hash: passwordHash(users[u.name].password) })),
    permissions: template.permissions
      .filter((p) => users[p.user])
      .map((p) => ({
        ...p,
        user: users[p.user].name,
        configure: expand(p.configure),
        write: expand(p.write),
        read: expand(p.read),
      })),
  };
}

// Passwords go into each service's RABBITMQ_URL as they are: no characters that a URL would need to escape.
const PASSWORD = /^[A-Za-z0-9._~-]{16,}$/;

function main([templatePath, outputPath]) {
  if (!templatePath || !outputPath) {
    process.stderr.write('usage: render-definitions.cjs <template.json> <output.json>\n');
    process.exit(2);
  }
  const template = JSON.parse(readFileSync(templatePath, 'utf8'));
  const users = {};
  const problems = [];
  for (const { name } of template.users) {
    const variable = passwordVariable(name);
    const password = process.env[variable] ?? '';
    if (!PASSWORD.test(password)) problems.push(`${variable}: at least 16 characters of A-Z a-z 0-9 . _ ~ -`);
    users[name] = { name, password };
  }
  const prefix = process.env.QUEUE_PREFIX ?? '';
  if (!/^[A-Za-z0-9._-]*$/.test(prefix))
    problems.push('QUEUE_PREFIX: letters, digits, dot, dash and underscore only');
  if (problems.length) {
    process.stderr.write(`broker definitions not written:\n  ${problems.join('\n  ')}\n`);
    process.exit(1);
  }
  const definitions = renderDefinitions(template, { users, prefixPattern: escapeRegex(prefix) });
  // Readable by the broker's own user; only the broker's container mounts the volume it is written to.
  writeFileSync(outputPath, `${JSON.stringify(definitions, null, 2)}\n`, { mode: 0o644 });
  process.stdout.write(`broker definitions written to ${outputPath} (${template.users.length} users)\n`);
}

module.exports = { passwordVariable, passwordHash, escapeRegex, renderDefinitions };

if (require.main === module) main(process.argv.slice(2));
