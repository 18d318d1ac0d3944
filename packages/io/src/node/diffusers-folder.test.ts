import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError, IoError } from '@diffuse/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeSafetensors } from '../write-safetensors.js';
import {
  readDiffusersModelFolder,
  readSchedulerConfig,
  writeDiffusersModelFolder,
  writeSchedulerConfig,
} from './diffusers-folder.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'diffuse-io-folder-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const config = { _class_name: 'UNet2DModel', sample_size: 28, block_out_channels: [32, 64], in_channels: 1 };
const tensors = new Map([
  ['conv_in.weight', { shape: [32, 1, 3, 3], data: new Float32Array(288).map((_, i) => i / 7) }],
  ['conv_in.bias', { shape: [32], data: new Float32Array(32).fill(-0.5) }],
]);

describe('diffusers model folders', () => {
  it('writes config.json and diffusion_pytorch_model.safetensors that read back', async () => {
    const folder = join(dir, 'nested', 'unet');
    await writeDiffusersModelFolder(folder, { config, tensors, metadata: { step: '100' } });
    expect((await readdir(folder)).sort()).toEqual(['config.json', 'diffusion_pytorch_model.safetensors']);
    // diffusers' save_config format: sorted keys, two-space indent, trailing newline.
    expect(await readFile(join(folder, 'config.json'), 'utf8')).toBe(
      '{\n  "_class_name": "UNet2DModel",\n  "block_out_channels": [\n    32,\n    64\n  ],\n' +
        '  "in_channels": 1,\n  "sample_size": 28\n}\n',
    );
    const files = await readDiffusersModelFolder(folder);
    expect(files.config).toEqual(config);
    expect(files.weights.metadata).toEqual({ format: 'pt', step: '100' });
    expect([...files.weights.tensors.keys()]).toEqual(['conv_in.bias', 'conv_in.weight']);
    expect(files.weights.tensors.get('conv_in.weight')?.data).toEqual(tensors.get('conv_in.weight')?.data);
  });

  it('reads another weights file name, e.g. an fp16 variant', async () => {
    await writeDiffusersModelFolder(dir, { config, tensors });
    const bytes = await readFile(join(dir, 'diffusion_pytorch_model.safetensors'));
    await writeFile(join(dir, 'diffusion_pytorch_model.fp16.safetensors'), bytes);
    const files = await readDiffusersModelFolder(dir, { weightsName: 'diffusion_pytorch_model.fp16.safetensors' });
    expect(files.weights.tensors.size).toBe(2);
  });

  it('reads sharded weights through diffusion_pytorch_model.safetensors.index.json', async () => {
    await writeFile(join(dir, 'config.json'), JSON.stringify(config));
    const [first, second] = [...tensors];
    await writeFile(
      join(dir, 'shard-1.safetensors'),
      writeSafetensors({ tensors: new Map([first!]), metadata: { format: 'pt' } }),
    );
    await writeFile(join(dir, 'shard-2.safetensors'), writeSafetensors({ tensors: new Map([second!]) }));
    const weightMap = { [first![0]]: 'shard-1.safetensors', [second![0]]: 'shard-2.safetensors' };
    const indexPath = join(dir, 'diffusion_pytorch_model.safetensors.index.json');
    await writeFile(indexPath, JSON.stringify({ metadata: { total_size: 1280 }, weight_map: weightMap }));
    const files = await readDiffusersModelFolder(dir);
    expect(files.weights.metadata).toEqual({ format: 'pt' });
    expect(files.weights.tensors.get('conv_in.bias')?.data).toEqual(tensors.get('conv_in.bias')?.data);
    expect(files.weights.tensors.get('conv_in.weight')?.shape).toEqual([32, 1, 3, 3]);
    await writeFile(indexPath, JSON.stringify({ weight_map: { ...weightMap, extra: 'shard-2.safetensors' } }));
    await expect(readDiffusersModelFolder(dir)).rejects.toThrow(/shard-2\.safetensors.*tensor "extra"/);
    await writeFile(indexPath, JSON.stringify({ weight_map: { a: '../outside.safetensors' } }));
    await expect(readDiffusersModelFolder(dir)).rejects.toThrow(/weight_map\["a"\].*same folder/);
  });

  it('names the missing file in an IoError, and the malformed one in a FormatError', async () => {
    await expect(readDiffusersModelFolder(dir)).rejects.toSatisfy(
      (error: unknown) => IoError.isInstance(error) && /config\.json.*no such file/.test(error.message),
    );
    await writeFile(join(dir, 'config.json'), JSON.stringify(config));
    await expect(readDiffusersModelFolder(dir)).rejects.toSatisfy(
      (error: unknown) =>
        IoError.isInstance(error) && /diffusion_pytorch_model\.safetensors.*no such file/.test(error.message),
    );
    await writeFile(join(dir, 'diffusion_pytorch_model.safetensors'), 'not safetensors');
    await expect(readDiffusersModelFolder(dir)).rejects.toSatisfy((error: unknown) => FormatError.isInstance(error));
    await writeFile(join(dir, 'config.json'), '{"sample_size": ');
    await expect(readDiffusersModelFolder(dir)).rejects.toSatisfy(
      (error: unknown) => FormatError.isInstance(error) && /config\.json.*valid JSON/.test(error.message),
    );
  });

  it('validates the config and tensors before touching the disk', async () => {
    const folder = join(dir, 'never-created');
    const bad = new Map([['w', { shape: [3], data: new Float32Array(2) }]]);
    await expect(writeDiffusersModelFolder(folder, { config, tensors: bad })).rejects.toThrow(/tensors\["w"\]/);
    await expect(writeDiffusersModelFolder(folder, { config: { beta: Number.NaN }, tensors })).rejects.toThrow(
      /config\.beta/,
    );
    await expect(readdir(folder)).rejects.toThrow();
  });
});

describe('scheduler configs', () => {
  const scheduler = { _class_name: 'DDPMScheduler', num_train_timesteps: 1000, beta_schedule: 'linear' };

  it('round-trips scheduler_config.json through a folder or the file path', async () => {
    await writeSchedulerConfig(join(dir, 'scheduler'), scheduler);
    expect(await readSchedulerConfig(join(dir, 'scheduler'))).toEqual(scheduler);
    expect(await readSchedulerConfig(join(dir, 'scheduler', 'scheduler_config.json'))).toEqual(scheduler);
    // A pipeline folder: its scheduler/ subfolder is found.
    expect(await readSchedulerConfig(dir)).toEqual(scheduler);
  });

  it('names the missing file and refuses JSON that is not an object', async () => {
    await mkdir(join(dir, 'empty'));
    await expect(readSchedulerConfig(join(dir, 'empty'))).rejects.toSatisfy(
      (error: unknown) => IoError.isInstance(error) && /empty\/scheduler_config\.json/.test(error.message),
    );
    await writeFile(join(dir, 'list.json'), '[1, 2]');
    await expect(readSchedulerConfig(join(dir, 'list.json'))).rejects.toSatisfy(
      (error: unknown) => FormatError.isInstance(error) && /a JSON object/.test(error.message),
    );
  });
});
