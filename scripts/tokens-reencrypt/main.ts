// npm run tokens:reencrypt — moves every stored Plaid access token (plaid-link's link.items, the sync worker's
// sync.items) to the current key, the first of TOKEN_ENCRYPTION_KEYS, so that an older key can be retired.
// Prints counts, never a token. Exit code 0 when no row is left under an older key.
import 'reflect-metadata';
import { loadConfigOrExit } from '@app/common';
import { AccessTokenCipher } from '@app/plaid';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { Pool } from 'pg';
import { reencryptTable, type TableReport } from './reencrypt';
import { TokenTable } from './token-tables';

class ReencryptConfig {
  @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/plaid_backend';

  // When plaid-link and the sync worker keep their schemas in different databases.
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
  LINK_DATABASE_URL?: string;

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
  SYNC_DATABASE_URL?: string;

  // The same value the services get after the rotation: the new key first, the old ones after it.
  @IsString()
  TOKEN_ENCRYPTION_KEYS: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5000)
  REENCRYPT_BATCH_SIZE = 500;
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function summary(r: TableReport): string {
  return `${r.table}: ${r.scanned} under an older key, ${r.reencrypted} re-encrypted, ${r.changedMeanwhile} changed meanwhile, ${r.failed} failed`;
}

async function main(): Promise<number> {
  const config = loadConfigOrExit(ReencryptConfig, 'tokens-reencrypt');
  let cipher: AccessTokenCipher;
  try {
    cipher = new AccessTokenCipher(config.TOKEN_ENCRYPTION_KEYS);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 78;
  }
  const linkPool = new Pool({ connectionString: config.LINK_DATABASE_URL ?? config.DATABASE_URL, max: 2 });
  const syncPool = new Pool({ connectionString: config.SYNC_DATABASE_URL ?? config.DATABASE_URL, max: 2 });
  try {
    say(`current key: ${cipher.currentKeyId}`);
    let leftOver = 0;
    for (const table of [
      new TokenTable('link.items', 'id', linkPool),
      new TokenTable('sync.items', 'item_id', syncPool),
    ]) {
      const report = await reencryptTable(table, cipher, config.REENCRYPT_BATCH_SIZE, (r) =>
        say(`  ${summary(r)}`),
      );
      say(summary(report));
      if (report.failedIds.length > 0)
        say(`${report.table}: rows that failed: ${report.failedIds.join(', ')}`);
      // Rows a service wrote meanwhile (a redelivered "item linked" may carry an old-key token) show here.
      const left = await table.countNotUnder(cipher.currentKeyId);
      say(`${report.table}: ${left} left under an older key`);
      leftOver += left;
    }
    if (leftOver > 0) {
      say('some tokens are still under an older key: keep it in TOKEN_ENCRYPTION_KEYS and run this again');
      return 1;
    }
    say('every token is under the current key: older keys can be removed once no queue holds an old event');
    return 0;
  } finally {
    await Promise.all([linkPool.end(), syncPool.end()]);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`tokens:reencrypt failed: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
