/**
 * The playground: starts a backend through `@diffuse/backends`, loads the served diffusers model through
 * `@diffuse/io`/`@diffuse/models`, and wires the panels. `window.__diffuse` exposes the page's state for
 * the browser tests; `window.__diffuseResult` holds the last sampling run's numbers.
 */
import './styles.css';
import type { BackendChoice } from '@diffuse/backends';
import { UNet2DModel } from '@diffuse/models';
import { backendRequest, startBackend } from './backend.js';
import { DebugPanel, type MemorySnapshot, memorySnapshot } from './debug-panel.js';
import { byId, errorMessage } from './dom.js';
import { ForwardPanel } from './forward-panel.js';
import type { ModelManifest } from './model-manifest.js';
import { DEFAULT_SCHEDULER_CONFIG, scheduleOf } from './scheduler-config.js';
import { fetchServedModel } from './served-model.js';
import type { ImageFormat } from './test-images.js';

/** What the page exposes on `window.__diffuse`. */
export interface PageState {
  status: 'starting' | 'ready' | 'error';
  error?: string;
  backend?: BackendChoice;
  model?: ModelManifest;
  memory(): MemorySnapshot;
  runHistory(): readonly { label: string; numTensors: number }[];
}

declare global {
  interface Window {
    __diffuse: PageState;
  }
}

const search = new URLSearchParams(location.search);
let debugPanel: DebugPanel | undefined;
const state: PageState = {
  status: 'starting',
  memory: memorySnapshot,
  runHistory: () => debugPanel?.runHistory ?? [],
};
window.__diffuse = state;

function showFatal(error: unknown): void {
  state.status = 'error';
  state.error = errorMessage(error);
  const node = byId('fatal-error');
  node.hidden = false;
  node.textContent = state.error;
  console.error(error);
}

async function start(): Promise<void> {
  const backendBadge = byId('backend-badge');
  const choice = await startBackend(backendRequest(search));
  state.backend = choice;
  backendBadge.textContent = `backend: ${choice.backend}`;
  backendBadge.dataset.kind = choice.backend;
  backendBadge.title = choice.details;
  byId('backend-reason').textContent = `${choice.reason}. ${choice.details}.`;
  debugPanel = new DebugPanel(byId('debug-panel'), () => state.backend);

  const served = await fetchServedModel(location.href);
  state.model = served.manifest;
  const modelBadge = byId('model-badge');
  modelBadge.textContent = `model: ${served.manifest.name}`;
  modelBadge.dataset.kind = served.manifest.source;
  modelBadge.title = served.manifest.origin;
  const model = UNet2DModel.fromFiles(served.files);
  const { sampleSize, inChannels } = model.unetConfig;
  const [height, width] = Array.isArray(sampleSize) ? sampleSize : [sampleSize ?? 32, sampleSize ?? 32];
  const format: ImageFormat = { height, width, channels: inChannels };
  const schedulerConfig = served.schedulerConfig ?? DEFAULT_SCHEDULER_CONFIG;
  byId('model-note').textContent =
    `${served.manifest.description} ${model.numParameters.toLocaleString('en')} parameters, ` +
    `${height}×${width}×${inChannels}; scheduler: ${
      served.schedulerConfig
        ? 'scheduler_config.json'
        : "diffusers' DDPMScheduler defaults (the folder has no scheduler_config.json)"
    }.`;
  new ForwardPanel(byId('forward-panel'), scheduleOf(schedulerConfig), format);
  state.status = 'ready';
}

start().catch(showFatal);
