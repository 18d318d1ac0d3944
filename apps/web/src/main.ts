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
import { batchItem } from './example-images.js';
import { ForwardPanel } from './forward-panel.js';
import type { ModelManifest } from './model-manifest.js';
import { SamplingPanel } from './sampling-panel.js';
import { type SampleFormat, type SamplingResult, sampleFormatOf } from './sampling-pipeline.js';
import { settingsFromQuery } from './sampling-settings.js';
import { DEFAULT_SCHEDULER_CONFIG, scheduleOf } from './scheduler-config.js';
import { fetchServedModel } from './served-model.js';
import { type TrainingSummary, TrainPanel } from './train-panel.js';

/** What the page exposes on `window.__diffuse`. */
export interface PageState {
  status: 'starting' | 'ready' | 'error';
  error?: string;
  backend?: BackendChoice;
  model?: ModelManifest;
  memory(): MemorySnapshot;
  runHistory(): readonly { label: string; numTensors: number }[];
}

/** The last sampling run's numbers, on `window.__diffuseResult` (compared with Node by the tests). */
export interface PageResult {
  /** 1 for the first run of the page, then 2, … */
  run: number;
  backend: string;
  model: { source: ModelManifest['source']; name: string };
  settings: SamplingResult['settings'];
  shape: SamplingResult['shape'];
  timesteps: number[];
  /** The final sample, NHWC, as plain numbers. */
  values: number[];
  /** Σx and Σx² of the final sample. */
  checksum: { sum: number; sumOfSquares: number };
  stepMilliseconds: number[];
  /** Live tensors after the run. */
  numTensors: number;
}

declare global {
  interface Window {
    __diffuse: PageState;
    __diffuseResult: PageResult | undefined;
    /** The last finished training run in the tab. */
    __diffuseTraining: TrainingSummary | undefined;
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

/** "DDPMScheduler, v_prediction, squaredcos_cap_v2, T = 1000" from a scheduler config. */
function describeScheduler(config: Readonly<Record<string, unknown>>): string {
  const parts = [config._class_name, config.prediction_type ?? 'epsilon', config.beta_schedule ?? 'linear'];
  if (config.num_train_timesteps !== undefined) parts.push(`T = ${config.num_train_timesteps}`);
  return parts.map(String).join(', ');
}

/** The backend menu reloads the page with `?backend=` (tfjs keeps one backend per page here). */
function wireBackendMenu(request: string): void {
  const menu = byId<HTMLSelectElement>('backend-select');
  menu.value = request;
  menu.addEventListener('change', () => {
    const query = new URLSearchParams(location.search);
    if (menu.value === 'auto') query.delete('backend');
    else query.set('backend', menu.value);
    query.delete('autorun');
    location.search = query.toString();
  });
}

async function start(): Promise<void> {
  const backendBadge = byId('backend-badge');
  const request = backendRequest(search);
  wireBackendMenu(request);
  const choice = await startBackend(request);
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
  const format: SampleFormat = sampleFormatOf(model.unetConfig);
  const { height, width, channels: inChannels } = format;
  const schedulerConfig = served.schedulerConfig ?? DEFAULT_SCHEDULER_CONFIG;
  byId('model-note').textContent =
    `${served.manifest.description} ${model.numParameters.toLocaleString('en')} parameters, ` +
    `${height}×${width}×${inChannels}; scheduler: ${
      served.schedulerConfig
        ? `scheduler_config.json (${describeScheduler(served.schedulerConfig)})`
        : "diffusers' DDPMScheduler defaults (the folder has no scheduler_config.json)"
    }.`;
  const schedule = scheduleOf(schedulerConfig);
  const forwardPanel = new ForwardPanel(byId('forward-panel'), schedule, format);
  let runs = 0;
  const samplingPanel = new SamplingPanel(byId('sampling-panel'), {
    model,
    schedulerConfig,
    numTrainTimesteps: schedule.numTrainTimesteps,
    format,
    initial: settingsFromQuery(search),
    onResult: (result) => {
      runs += 1;
      debugPanel?.recordRun(`sample #${runs}`);
      forwardPanel.setLastSample(batchItem(result.sample, format, 0));
      let sum = 0;
      let sumOfSquares = 0;
      for (const value of result.sample) {
        sum += value;
        sumOfSquares += value * value;
      }
      window.__diffuseResult = {
        run: runs,
        backend: choice.backend,
        model: { source: served.manifest.source, name: served.manifest.name },
        settings: result.settings,
        shape: result.shape,
        timesteps: result.timesteps,
        values: Array.from(result.sample),
        checksum: { sum, sumOfSquares },
        stepMilliseconds: result.stepMilliseconds,
        numTensors: memorySnapshot().numTensors,
      };
    },
  });
  new TrainPanel(byId('train-panel'), (summary) => {
    debugPanel?.recordRun(`train ${summary.distribution}`);
    window.__diffuseTraining = summary;
  });
  state.status = 'ready';
  if (search.get('autorun') === '1') await samplingPanel.run();
}

start().catch(showFatal);
