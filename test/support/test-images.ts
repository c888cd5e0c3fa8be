// Real image files for tests, made here rather than checked in: a PNG is a signature and three zlib/CRC-framed
// chunks, so a picture of any size is a few lines of Node. The pattern (bands of colour with a diagonal) makes zoom
// and next/previous visible in screenshots.
import { crc32, deflateSync } from 'node:zlib';

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** A width × height RGB PNG: horizontal bands of `colors`, crossed by a dark diagonal. */
export function patternPng(width: number, height: number, colors: ReadonlyArray<readonly [number, number, number]>): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y += 1) {
    const row = Buffer.alloc(1 + width * 3); // filter byte 0, then pixels
    const band = colors[Math.floor((y / height) * colors.length)] ?? [0, 0, 0];
    for (let x = 0; x < width; x += 1) {
      const onDiagonal = Math.abs(x / width - y / height) < 0.02;
      row.set(onDiagonal ? [20, 20, 20] : band, 1 + x * 3);
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
