/**
 * @diffuse/io/node — Node-only file helpers: atomic writes, diffusers model and scheduler folders,
 * IDX and PNG files.
 */
export {
  readDiffusersModelFolder,
  readFileBytes,
  readSchedulerConfig,
  SCHEDULER_CONFIG_NAME,
  writeDiffusersModelFolder,
  writeSchedulerConfig,
} from './diffusers-folder.js';
export { readIdxFile, readPngFile, writePngFile } from './image-files.js';
export { type AtomicWriteFileSystem, writeFileAtomic } from './write-file-atomic.js';
