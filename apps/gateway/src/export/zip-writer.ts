import { once } from 'node:events';
import { constants, crc32, createDeflateRaw } from 'node:zlib';

interface CentralEntry {
  name: Buffer;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
}

const FLAGS = 0x0808; // bit 3: sizes and CRC in a data descriptor after the data; bit 11: UTF-8 names.
const DEFLATE = 8;
const VERSION = 20;
const MAX_32 = 0xffffffff;

// A streaming zip writer (deflate, data descriptors): each file's bytes go out as they are compressed, so an
// archive of any number of rows holds one page in memory. No Zip64: a file or archive past 4 GiB is refused.
export class ZipWriter {
  private offset = 0;
  private readonly entries: CentralEntry[] = [];
  private readonly dos = dosDateTime(new Date());

  // Compresses the chunks of one file; yields the archive's bytes for it.
  async *file(name: string, chunks: AsyncIterable<string | Buffer>): AsyncGenerator<Buffer> {
    const nameBytes = Buffer.from(name, 'utf8');
    const offset = this.offset;
    yield this.emit(localHeader(nameBytes, this.dos));
    const deflate = createDeflateRaw({ level: 6 });
    const out: Buffer[] = [];
    deflate.on('data', (b: Buffer) => out.push(b));
    let crc = 0;
    let size = 0;
    let compressedSize = 0;
    const drain = (): Buffer | null => {
      if (out.length === 0) return null;
      const data = Buffer.concat(out.splice(0));
      compressedSize += data.length;
      return this.emit(data);
    };
    for await (const chunk of chunks) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      if (buf.length === 0) continue;
      crc = crc32(buf, crc);
      size += buf.length;
      deflate.write(buf);
      // A sync flush hands out what this chunk compressed to, so the client receives it now.
      await new Promise<void>((resolve) => deflate.flush(constants.Z_SYNC_FLUSH, () => resolve()));
      const data = drain();
      if (data) yield data;
    }
    deflate.end();
    await once(deflate, 'end');
    const rest = drain();
    if (rest) yield rest;
    if (size > MAX_32 || compressedSize > MAX_32)
      throw new Error(`${name} is too large for a zip without Zip64`);
    yield this.emit(dataDescriptor(crc, compressedSize, size));
    this.entries.push({ name: nameBytes, crc, compressedSize, size, offset });
  }

  // The central directory and its end record: the archive's last bytes.
  finish(): Buffer {
    const start = this.offset;
    const central = Buffer.concat(this.entries.map((e) => centralHeader(e, this.dos)));
    if (start + central.length > MAX_32) throw new Error('archive too large for a zip without Zip64');
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(central.length, 12);
    end.writeUInt32LE(start, 16);
    return this.emit(Buffer.concat([central, end]));
  }

  private emit(buf: Buffer): Buffer {
    this.offset += buf.length;
    return buf;
  }
}

function localHeader(name: Buffer, dos: { time: number; date: number }): Buffer {
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(VERSION, 4);
  h.writeUInt16LE(FLAGS, 6);
  h.writeUInt16LE(DEFLATE, 8);
  h.writeUInt16LE(dos.time, 10);
  h.writeUInt16LE(dos.date, 12);
  // CRC and sizes (14–25) stay zero: they follow in the data descriptor.
  h.writeUInt16LE(name.length, 26);
  return Buffer.concat([h, name]);
}

function dataDescriptor(crc: number, compressedSize: number, size: number): Buffer {
  const d = Buffer.alloc(16);
  d.writeUInt32LE(0x08074b50, 0);
  d.writeUInt32LE(crc >>> 0, 4);
  d.writeUInt32LE(compressedSize, 8);
  d.writeUInt32LE(size, 12);
  return d;
}

function centralHeader(e: CentralEntry, dos: { time: number; date: number }): Buffer {
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE(VERSION, 4);
  h.writeUInt16LE(VERSION, 6);
  h.writeUInt16LE(FLAGS, 8);
  h.writeUInt16LE(DEFLATE, 10);
  h.writeUInt16LE(dos.time, 12);
  h.writeUInt16LE(dos.date, 14);
  h.writeUInt32LE(e.crc >>> 0, 16);
  h.writeUInt32LE(e.compressedSize, 20);
  h.writeUInt32LE(e.size, 24);
  h.writeUInt16LE(e.name.length, 28);
  // Extra field, comment, disk number, internal and external attributes: none.
  h.writeUInt32LE(e.offset, 42);
  return Buffer.concat([h, e.name]);
}

function dosDateTime(d: Date): { time: number; date: number } {
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2),
    date: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}
