/**
 * @diffuse/conditioning — steering a denoiser: classifier-free guidance, class conditioning and label
 * dropout for guidance training.
 */
export { ClassConditioner, classLabelsTensor, dropClassLabels } from './class-labels.js';
export { classifierFreeGuidance, type GuidedDenoiserOptions, guidedDenoiser } from './guidance.js';
