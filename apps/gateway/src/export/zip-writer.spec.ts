import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { columnsFor, csvLine, flatten } from './csv';
import { ZipWriter } from './zip-writer';

const run = promisify(execFile);

async function* chunks(...parts: string[]): AsyncIterable<string> {
  for (const p of parts) yield p;
}

async function archive(files: Record<string, string[]>): Promise<Buffer> {
  const zip = new ZipWriter();
  const out: Buffer[] = [];
  for (const [name, parts] of Object.entries(files))
    for await (const b of zip.file(name, chunks(...parts))) out.push(b);
  out.push(zip.finish());
  return Buffer.concat(out);
}

describe(ZipWriter.name, () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zip-spec-'));
  });

  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes an archive that unzip tests clean and reads back file by file', async () => {
    const big = Array.from({ length: 2000 }, (_, i) => `row ${i},"quoted, text",${i * 1.5}\r\n`);
    const path = join(dir, 'a.zip');
    await writeFile(
      path,
      await archive({ 'one.csv': ['a,b\r\n', '1,2\r\n'], 'big.csv': big, 'empty.csv': [] }),
    );

    await expect(run('unzip', ['-tq', path])).resolves.toMatchObject({
      stdout: expect.stringContaining('No errors'),
    });
    expect((await run('unzip', ['-p', path, 'one.csv'])).stdout).toBe('a,b\r\n1,2\r\n');
    expect((await run('unzip', ['-p', path, 'big.csv'])).stdout).toBe(big.join(''));
    expect((await run('unzip', ['-p', path, 'empty.csv'])).stdout).toBe('');
  });
});

describe('csv', () => {
  it('quotes what needs quoting, keeps numbers and defuses formulas in text', () => {
    expect(csvLine(['plain', 'a,b', 'say "hi"', -12.5, null, true, '=SUM(A1)', '-5 off'])).toBe(
      `plain,"a,b","say ""hi""",-12.5,,true,'=SUM(A1),'-5 off\r\n`,
    );
  });

  it('flattens nested objects into prefixed columns and keeps unknown fields', () => {
    const row = flatten({ id: 't1', category: { primary: 'FOOD', detailed: null }, note: 'x', error: null });

    expect(row).toEqual({
      id: 't1',
      category_primary: 'FOOD',
      category_detailed: null,
      note: 'x',
      error: null,
    });
    expect(columnsFor(['id', 'category_primary', 'error_code'], row)).toEqual([
      'id',
      'category_primary',
      'error_code',
      'category_detailed',
      'note',
    ]);
  });
});
