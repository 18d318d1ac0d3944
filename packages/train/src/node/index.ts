/**
 * @diffuse/train/node — the Node-only parts of @diffuse/train: checkpoints on disk, JSONL metrics,
 * and the Fashion-MNIST and PNG-folder loaders.
 */
export {
  type ExportModelInput,
  LATEST_CHECKPOINT_FILE,
  type LoadedCheckpoint,
  latestCheckpoint,
  loadCheckpoint,
  type SaveCheckpointOptions,
  saveCheckpoint,
} from './checkpoint.js';
export {
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_DIRECTORY,
  type FashionMnistData,
  type FashionMnistOptions,
  fashionMnistDataset,
  loadFashionMnist,
} from './fashion-mnist.js';
export {
  type ImageFolderData,
  type ImageFolderOptions,
  imageFolderDataset,
  loadImageFolder,
} from './image-folder.js';
export { JsonlMetricsWriter } from './jsonl-metrics.js';
