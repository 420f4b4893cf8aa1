import { type AccessTokenCipher } from '@app/plaid';
import { type Replacement, type TokenTable } from './token-tables';

export interface TableReport {
  table: string;
  // Rows found under an older key.
  scanned: number;
  reencrypted: number;
  // Rows whose token changed between the read and the write (left as the service wrote them).
  changedMeanwhile: number;
  // Rows no key in TOKEN_ENCRYPTION_KEYS opens (unknown key id, or tampered): the old key must stay.
  failed: number;
  failedIds: string[];
}

// Moves every token of one table to the cipher's current key, a batch at a time. Idempotent: rows already
// under the current key are never read, so a second run reports zero.
export async function reencryptTable(
  table: TokenTable,
  cipher: AccessTokenCipher,
  batchSize: number,
  onBatch: (report: TableReport) => void = () => undefined,
): Promise<TableReport> {
  const report: TableReport = {
    table: table.name,
    scanned: 0,
    reencrypted: 0,
    changedMeanwhile: 0,
    failed: 0,
    failedIds: [],
  };
  let after: string | null = null;
  for (;;) {
    const rows = await table.tokensNotUnder(cipher.currentKeyId, after, batchSize);
    if (rows.length === 0) return report;
    const replacements: Replacement[] = [];
    for (const row of rows) {
      try {
        const to = cipher.reencrypt(row.accessTokenEnc, row.plaidItemId);
        if (to !== null) replacements.push({ id: row.id, from: row.accessTokenEnc, to });
      } catch {
        // The error names only the key id; the row id is enough to find it, the token is never printed.
        report.failed += 1;
        if (report.failedIds.length < 20) report.failedIds.push(row.id);
      }
    }
    const written = await table.replace(replacements);
    report.scanned += rows.length;
    report.reencrypted += written;
    report.changedMeanwhile += replacements.length - written;
    after = rows[rows.length - 1].id;
    onBatch(report);
  }
}
