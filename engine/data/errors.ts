/** A dataset file that cannot be read as what it claims to be: names the file and the byte offset. */
export class DatasetFileError extends Error {
  constructor(
    readonly file: string,
    readonly byteOffset: number | null,
    detail: string,
  ) {
    super(`${file}${byteOffset === null ? '' : ` (byte ${byteOffset})`}: ${detail}`);
    this.name = 'DatasetFileError';
  }
}
