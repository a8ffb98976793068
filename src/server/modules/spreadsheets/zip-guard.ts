import yauzl from 'yauzl';
import { badRequest } from '../../errors.js';
import { SPREADSHEET_LIMITS } from './limits.js';

const tooBig = () =>
  badRequest('invalid_file', `文件解压后过大（超过${SPREADSHEET_LIMITS.maxUnzippedBytes / 1024 / 1024}MB或${SPREADSHEET_LIMITS.maxZipEntries}个部件），请检查文件`);

/**
 * Refuses a zip bomb before any parser sees the file: counts the entries and inflates each one,
 * counting the bytes it really expands to (declared sizes can lie), and stops at the limits.
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
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return fail(badRequest('invalid_file', '文件已损坏，无法读取'));
        stream.on('data', (chunk: Buffer) => {
          total += chunk.length;
          if (total > SPREADSHEET_LIMITS.maxUnzippedBytes) {
            stream.destroy();
            fail(tooBig());
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
