// @diffuse/io: Formats: safetensors, diffusers config JSON, PNG and IDX, for Node and the browser.
export {};
