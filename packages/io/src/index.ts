/**
 * @diffuse/io — formats, for Node and the browser: safetensors, diffusers model files and configs, PNG,
 * IDX (MNIST). File-system helpers live in `@diffuse/io/node`.
 */
export {
  DIFFUSERS_CONFIG_NAME,
  DIFFUSERS_WEIGHTS_NAME,
  type DiffusersModelFiles,
  fetchDiffusersModel,
  parseConfigJson,
  parseDiffusersModel,
  stringifyConfigJson,
} from './diffusers-model.js';
export {
  bfloat16BitsToFloat32,
  float32ToBfloat16Bits,
  float32ToHalfBits,
  halfBitsToFloat32,
} from './half-precision.js';
export { decodeIdx, GUNZIP_MAX_BYTES, gunzip, type IdxArray, type IdxData, isGzip, parseIdx } from './idx.js';
export { type ImageGridOptions, imageGrid, type TensorToImagesOptions, tensorToImages } from './image-grid.js';
export { checkPixelImage, decodePng, encodePng, type PixelImage, PNG_MAX_PIXELS } from './png.js';
export {
  readSafetensors,
  SAFETENSORS_DTYPE_BYTES,
  SAFETENSORS_MAX_HEADER_BYTES,
  type SafetensorsDtype,
  type SafetensorsFile,
  type SafetensorsTensor,
} from './read-safetensors.js';
export { type SafetensorsTensorInput, type WriteSafetensorsOptions, writeSafetensors } from './write-safetensors.js';
