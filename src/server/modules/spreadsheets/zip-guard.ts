import yauzl from 'yauzl';
import { badRequest } from '../../errors.js';
import { SPREADSHEET_LIMITS } from './limits.js';

const tooBig = () =>
  badRequest(
    'invalid_file',
    `文件解压后过大（超过${SPREADSHEET_LIMITS.maxUnzippedBytes / 1024 / 1024}MB或${SPREADSHEET_LIMITS.maxZipEntries}个部件），请检查文件`,
  );

const tooLongText = () => badRequest('invalid_file', '文件中有超长的内容（超过单元格的32767个字符），请检查文件');
const tooManyStrings = () => badRequest('invalid_file', `文件中的文字条目过多（超过${SPREADSHEET_LIMITS.maxSharedStrings}条），请检查文件`);

const LT = 0x3c;
/** `<si` then `>`, `/` or white space: one shared string. */
const SI = Buffer.from('<si');
const SI_END = new Set([0x3e, 0x2f, 0x20, 0x09, 0x0a, 0x0d]);

/**
 * Watches an XML part as it inflates, for what the streaming parser would hold whole in memory:
 * text (or a tag) longer than any cell, and, in the shared-string table, more strings than cells
 * are read. Returns the error to refuse the file with, if any.
 */
function xmlWatch(countStrings: boolean) {
  const max = SPREADSHEET_LIMITS.maxXmlTextBytes;
  let run = 0; // bytes since the last '<'
  let strings = 0;
  let tail = Buffer.alloc(0);
  return (chunk: Buffer) => {
    const first = chunk.indexOf(LT);
    if (first < 0) {
      run += chunk.length;
      return run > max ? tooLongText() : undefined;
    }
    if (run + first > max) return tooLongText();
    for (let at = first; chunk.length - 1 - at > max;) {
      const next = chunk.lastIndexOf(LT, at + max + 1);
      if (next <= at) return tooLongText();
      at = next;
    }
    run = chunk.length - 1 - chunk.lastIndexOf(LT);
    if (countStrings) {
      const text = tail.length ? Buffer.concat([tail, chunk]) : chunk;
      for (let at = text.indexOf(SI); at >= 0 && at + 3 < text.length; at = text.indexOf(SI, at + 3)) {
        if (SI_END.has(text[at + 3] ?? 0)) strings++;
      }
      if (strings > SPREADSHEET_LIMITS.maxSharedStrings) return tooManyStrings();
      tail = Buffer.from(text.subarray(Math.max(0, text.length - 3)));
    }
    return undefined;
  };
}

/**
 * Refuses a zip bomb before any parser sees the file: counts the entries and inflates each one,
 * counting the bytes it really expands to (declared sizes can lie), and stops at the limits; the
 * XML parts are watched for what would make the parser hold too much (see xmlWatch).
 */
export async function assertSafeZip(buf: Buffer): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(buf, { lazyEntries: true, validateEntrySizes: true }, (err, z) => (err ? reject(err) : resolve(z))),
  ).catch(() => {
    throw badRequest('invalid_file', '文件已损坏，无法读取');
  });
  if (zip.entryCount > SPREADSHEET_LIMITS.maxZipEntries) {
    zip.close();
    throw tooBig();
  }
  let total = 0;
  let failed = false;
  await new Promise<void>((resolve, reject) => {
    const fail = (e: unknown) => {
      if (failed) return;
      failed = true;
      zip.close();
      reject(e);
    };
    zip.on('error', () => fail(badRequest('invalid_file', '文件已损坏，无法读取')));
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      if (entry.isEncrypted()) return fail(badRequest('encrypted_file', '文件已加密，请取消密码保护后再导入'));
      if (/\/$/.test(entry.fileName)) return zip.readEntry();
      const watch = /\.(xml|rels)$/i.test(entry.fileName) ? xmlWatch(/sharedstrings\.xml$/i.test(entry.fileName)) : undefined;
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return fail(badRequest('invalid_file', '文件已损坏，无法读取'));
        stream.on('data', (chunk: Buffer) => {
          total += chunk.length;
          const refusal = total > SPREADSHEET_LIMITS.maxUnzippedBytes ? tooBig() : watch?.(chunk);
          if (refusal) {
            stream.destroy();
            fail(refusal);
          }
        });
        stream.on('error', () => fail(badRequest('invalid_file', '文件已损坏，无法读取')));
        stream.on('end', () => {
          if (!failed) zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
}
